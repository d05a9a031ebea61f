package io.github.ollamalmstudioproxy.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.sse.SseDecoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SsePipeTest {
  private final List<String> out = new ArrayList<>();
  private final StreamTranslator translator = StreamHarness.translator(
      new StreamSettings(StreamSettings.Shape.CHAT, "m", false, true));
  private long now;
  private final SsePipe pipe = new SsePipe(translator, b -> out.add(new String(b, UTF_8)), () -> now += 1_000_000);

  @Test
  void droppedConnectionGivesOneErrorLineAndNothingAfter() {
    feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n");
    pipe.fail("connection reset by peer");
    pipe.end();
    feed("data: [DONE]\n\n");
    assertThat(out).hasSize(2);
    assertThat(out.get(1)).isEqualTo("{\"error\":\"connection reset by peer\"}\n");
    assertThat(pipe.isFinished()).isTrue();
  }

  @Test
  void endAfterDoneWritesNothingMore() {
    feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n");
    pipe.end();
    assertThat(out).hasSize(2);
    assertThat(out.get(1)).contains("\"done\":true");
  }

  @Test
  void doneWithoutTrailingBlankLineStillCompletesAtEnd() {
    feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]");
    assertThat(out).hasSize(1);
    pipe.end();
    assertThat(out.get(1)).contains("\"done\":true");
  }

  @Test
  void overlongLineBecomesAnErrorLine() {
    byte[] huge = ("data: \"" + "x".repeat(SseDecoder.MAX_LINE_BYTES) + "\"\n\n").getBytes(UTF_8);
    pipe.feed(huge, 0, huge.length);
    pipe.end();
    assertThat(out).containsExactly("{\"error\":\"upstream SSE line longer than 8388608 bytes\"}\n");
  }

  @Test
  void cancelProducesTheCancelledFinalLine() {
    feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n");
    pipe.cancel();
    pipe.end();
    assertThat(out).hasSize(2);
    assertThat(out.get(1)).contains("\"done\":true,\"done_reason\":\"stop\",\"cancelled\":true,\"partial_response\":true");
  }

  private void feed(String s) {
    byte[] b = s.getBytes(UTF_8);
    pipe.feed(b, 0, b.length);
  }
}
