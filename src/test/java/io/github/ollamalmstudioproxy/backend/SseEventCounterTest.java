package io.github.ollamalmstudioproxy.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The passthrough's measure of progress on event streams: complete events, counted without decoding. */
class SseEventCounterTest {
  private final SseEventCounter counter = new SseEventCounter();

  @Test
  void anEventCompletesAtTheBlankLineAfterItsFields() {
    assertThat(feed("data: {\"a\":1}\n")).isZero();
    assertThat(feed("\n")).isEqualTo(1);
    assertThat(feed("event: message\ndata: x\ndata: y\n\n")).isEqualTo(1);
    assertThat(feed("data: 1\n\ndata: 2\n\ndata: [DONE]\n\n")).isEqualTo(3);
    assertThat(counter.events()).isEqualTo(5);
  }

  @Test
  void bytesThatNeverEndAnEventCountNothing() {
    String event = "data: {\"choices\":[{\"delta\":{\"content\":\"";
    int completed = 0;
    for (int i = 0; i < 200; i++) {
      completed += feed(i < event.length() ? event.substring(i, i + 1) : "a");
    }
    assertThat(completed).isZero();
    assertThat(feed("\"}}]}\n")).as("the line ends, the event does not").isZero();
    assertThat(feed("\n")).isEqualTo(1);
  }

  @Test
  void commentsAndExtraBlankLinesCompleteNothing() {
    assertThat(feed(": keep-alive\n\n")).isZero();
    assertThat(feed("\n\n\n")).isZero();
    assertThat(feed(":ping\r\n\r\n")).isZero();
    assertThat(feed("data: x\n\n\n\n")).as("one event, then blank lines").isEqualTo(1);
  }

  @Test
  void everyLineEndCountsAlsoSplitAcrossChunks() {
    assertThat(feed("data: a\r\n\r\n")).isEqualTo(1);
    assertThat(feed("data: b\r\r")).isEqualTo(1);
    assertThat(feed("data: c\r")).isZero();
    assertThat(feed("\n")).as("the LF of a CRLF split across chunks").isZero();
    assertThat(feed("\r")).as("a blank line ended by its CR").isEqualTo(1);
    assertThat(feed("\n")).as("whose LF, in the next chunk, completes nothing more").isZero();
    assertThat(feed("data: d\n")).isZero();
    assertThat(feed("\r\n")).isEqualTo(1);
  }

  private int feed(String text) {
    return counter.feed(Buffer.buffer(text));
  }
}
