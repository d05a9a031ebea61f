package io.github.ollamalmstudioproxy.translate;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.sse.SseDecoder;
import org.junit.jupiter.api.Test;

class SseFeedTest {
  private final StreamTranslator translator = StreamHarness.translator(
      new StreamSettings(StreamSettings.Shape.CHAT, "m", false, true));
  private long now;
  private final SseFeed feed = new SseFeed(translator, () -> now += 1_000_000);
  private final StreamHarness.Collector out = new StreamHarness.Collector();

  @Test
  void droppedConnectionEndsWithOneTypedFailureAndNothingAfter() {
    feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n");
    out.add(feed.fail(new OllamaError(500, "connection reset by peer")));
    out.add(feed.end());
    feed("data: [DONE]\n\n");
    StreamHarness.Run run = out.run();
    assertThat(run.lines()).hasSize(1);
    assertThat(run.ending().failure().getMessage()).isEqualTo("connection reset by peer");
    assertThat(feed.isFinished()).isTrue();
  }

  @Test
  void endAfterDoneWritesNothingMore() {
    feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n");
    out.add(feed.end());
    StreamHarness.Run run = out.run();
    assertThat(run.lines()).hasSize(2);
    assertThat(new String(run.lines().get(1), UTF_8)).contains("\"done\":true");
    assertThat(run.ending().failed()).isFalse();
  }

  @Test
  void oneReadCarryingSeveralEventsReturnsTheirLinesTogetherInOrder() {
    byte[] both = bytes("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"
        + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}}]}\n\ndata: [DONE]\n\n");
    Output output = feed.feed(both, 0, both.length);
    assertThat(output.lines()).hasSize(3);
    assertThat(new String(output.lines().get(0), UTF_8)).contains("\"content\":\"a\"");
    assertThat(new String(output.lines().get(1), UTF_8)).contains("\"content\":\"b\"");
    assertThat(output.ended()).isTrue();
  }

  @Test
  void doneWithoutTrailingBlankLineStillCompletesAtEnd() {
    feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]");
    assertThat(out.run().lines()).hasSize(1);
    assertThat(out.run().ending()).isNull();
    out.add(feed.end());
    assertThat(new String(out.run().lines().get(1), UTF_8)).contains("\"done\":true");
  }

  @Test
  void overlongLineBecomesAFailure() {
    byte[] huge = ("data: \"" + "x".repeat(SseDecoder.MAX_LINE_BYTES) + "\"\n\n").getBytes(UTF_8);
    out.add(feed.feed(huge, 0, huge.length));
    out.add(feed.end());
    StreamHarness.Run run = out.run();
    assertThat(run.lines()).isEmpty();
    assertThat(run.ending().failure().status()).isEqualTo(500);
    assertThat(run.ending().failure().getMessage()).isEqualTo("upstream SSE line longer than 8388608 bytes");
  }

  @Test
  void cancelProducesTheCancelledFinalLine() {
    feed("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n");
    out.add(feed.cancel());
    out.add(feed.end());
    StreamHarness.Run run = out.run();
    assertThat(run.lines()).hasSize(2);
    assertThat(new String(run.lines().get(1), UTF_8))
        .contains("\"done\":false,\"done_reason\":\"cancelled\",\"cancelled\":true,\"partial_response\":true,"
            + "\"error\":");
    assertThat(run.ending().failed()).isFalse();
  }

  /** The transport's measure of progress for --idle-timeout: complete events, not bytes. */
  @Test
  void eventsCountsCompleteEventsOnlyNeitherBytesNorCommentsNorBlankLines() {
    String event = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}";
    for (char c : event.toCharArray()) {
      feed(String.valueOf(c));
    }
    feed("\n");
    assertThat(feed.events()).as("a whole event dripped byte by byte, not yet ended").isZero();
    feed("\n");
    assertThat(feed.events()).isEqualTo(1);
    feed(": keep-alive\n\n\n\n");
    assertThat(feed.events()).as("a comment and blank lines").isEqualTo(1);
    feed(event + "\n\n" + event + "\n\ndata: [DONE]\n\n");
    assertThat(feed.events()).as("two events and [DONE] in one read").isEqualTo(4);
  }

  private void feed(String s) {
    byte[] b = bytes(s);
    out.add(feed.feed(b, 0, b.length));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }
}
