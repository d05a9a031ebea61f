package io.github.ollamalmstudioproxy.translate.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reasoning reaches {@code /v1} clients in Ollama's {@code reasoning} field; every other byte is the backend's. */
class SseReasoningRewriterTest {
  private static final String THINK = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":"
      + "{\"reasoning_content\":\"hm\"},\"finish_reason\":null}]}\n\n";
  private static final String CONTENT = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},"
      + "\"finish_reason\":null}]}\n\n";
  private static final String DONE = "data: [DONE]\n\n";

  @Test
  void aReasoningContentChunkGetsTheOllamaFieldToo() {
    assertThat(run(THINK, THINK.length())).isEqualTo("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":"
        + "{\"reasoning_content\":\"hm\",\"reasoning\":\"hm\"},\"finish_reason\":null}]}\n\n");
  }

  @ParameterizedTest(name = "pieces of {0} bytes")
  @ValueSource(ints = {1, 7, 1000})
  void everyOtherEventPassesByteForByteWhateverTheReads(int piece) {
    String stream = ": keep-alive comment\n\n" + CONTENT + "event: x\ndata: {\"weird\": 1.50}\r\n\r\n" + DONE;
    assertThat(run(stream, piece)).isEqualTo(stream);
  }

  @ParameterizedTest(name = "pieces of {0} bytes")
  @ValueSource(ints = {1, 7, 1000})
  void onlyTheReasoningEventChangesInAMixedStream(int piece) {
    String out = run(CONTENT + THINK + CONTENT + DONE, piece);
    assertThat(out).isEqualTo(CONTENT + THINK.replace("{\"reasoning_content\":\"hm\"}",
        "{\"reasoning_content\":\"hm\",\"reasoning\":\"hm\"}") + CONTENT + DONE);
  }

  @Test
  void aChunkThatAlreadyHasReasoningIsLeftAlone() {
    String both = "data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"r\",\"reasoning\":\"r\"}}]}\n\n";
    assertThat(run(both, both.length())).isEqualTo(both);
  }

  @Test
  void anUnterminatedLastEventIsForwardedUnchangedAtTheEnd() {
    SseReasoningRewriter rewriter = new SseReasoningRewriter();
    byte[] half = "data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"r\"}}]}".getBytes(UTF_8);
    assertThat(rewriter.feed(half, 0, half.length)).isEmpty();
    assertThat(new String(rewriter.end(), UTF_8)).isEqualTo(new String(half, UTF_8));
  }

  @Test
  void aWholeAnswerGetsMessageReasoning() {
    byte[] answer = ("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"x\","
        + "\"reasoning_content\":\"because\"}}]}").getBytes(UTF_8);
    assertThat(new String(OllamaReasoning.withOllamaField(answer), UTF_8)).isEqualTo("{\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"x\",\"reasoning_content\":\"because\",\"reasoning\":\"because\"}}]}");
  }

  @Test
  void aBodyWithoutReasoningContentIsTheSameArray() {
    byte[] answer = "{\"choices\":[{\"message\":{\"content\":\"x\"}}]}".getBytes(UTF_8);
    assertThat(OllamaReasoning.withOllamaField(answer)).isSameAs(answer);
  }

  private static String run(String stream, int piece) {
    SseReasoningRewriter rewriter = new SseReasoningRewriter();
    byte[] bytes = stream.getBytes(UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int off = 0; off < bytes.length; off += piece) {
      out.writeBytes(rewriter.feed(bytes, off, Math.min(piece, bytes.length - off)));
    }
    out.writeBytes(rewriter.end());
    return out.toString(UTF_8);
  }
}
