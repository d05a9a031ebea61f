package io.github.ollamalmstudioproxy.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SseDecoderTest {

  static Stream<Arguments> streams() {
    return Stream.of(
        c("data with space, LF", "data: {\"a\":1}\n\n", List.of("{\"a\":1}")),
        c("data without space", "data:{\"a\":1}\n\n", List.of("{\"a\":1}")),
        c("only the first space is stripped", "data:  x\n\n", List.of(" x")),
        c("CRLF line ends", "data: a\r\n\r\ndata: b\r\n\r\n", List.of("a", "b")),
        c("CR line ends", "data: a\r\rdata: b\r\r", List.of("a", "b")),
        c("mixed line ends", "data: a\r\n\ndata: b\r\r\n", List.of("a", "b")),
        c("comment lines are skipped", ": keep-alive\ndata: a\n: another\n\n", List.of("a")),
        c("event type is reported", "event: error\ndata: {\"error\":{\"message\":\"terminated\"}}\n\n",
            List.of("[error] {\"error\":{\"message\":\"terminated\"}}")),
        c("event type resets after dispatch", "event: error\ndata: x\n\ndata: y\n\n", List.of("[error] x", "y")),
        c("llama-server error field", "error: {\"code\":500,\"message\":\"boom\"}\n\ndata: [DONE]\n\n",
            List.of("[error] {\"code\":500,\"message\":\"boom\"}", "DONE")),
        c("multi-line data joined with LF", "data: a\ndata: b\ndata:\n\n", List.of("a\nb\n")),
        c("DONE marker", "data: a\n\ndata: [DONE]\n\n", List.of("a", "DONE")),
        c("DONE marker under a message event name", "event: message\ndata: [DONE]\n\n", List.of("DONE")),
        c("id and retry are ignored", "id: 7\nretry: 100\ndata: a\n\n", List.of("a")),
        c("unknown field ignored", "foo: bar\ndata: a\n\n", List.of("a")),
        c("field without colon is a name with empty value", "data\n\n", List.of("")),
        c("blank lines without data dispatch nothing", "\n\n\nevent: x\n\n", List.of()),
        c("byte order mark at start", "\uFEFFdata: a\n\n", List.of("a")),
        c("final event without blank line is delivered at end", "data: a\n\ndata: [DONE]", List.of("a", "DONE")),
        c("non-ASCII text", "data: {\"content\":\"héllo 世界 🎉\"}\n\n", List.of("{\"content\":\"héllo 世界 🎉\"}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streams")
  void decodesWholeStream(String input, List<String> expected) {
    assertThat(decodeInPieces(input.getBytes(UTF_8), Integer.MAX_VALUE)).containsExactlyElementsOf(expected);
  }

  /** Every split position, and one byte at a time, gives the same events: nothing depends on read boundaries. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("streams")
  void decodesTheSameWhateverTheReadBoundaries(String input, List<String> expected) {
    byte[] bytes = input.getBytes(UTF_8);
    assertThat(decodeInPieces(bytes, 1)).containsExactlyElementsOf(expected);
    for (int split = 0; split <= bytes.length; split++) {
      RecordingListener listener = new RecordingListener();
      SseDecoder decoder = new SseDecoder(listener);
      decoder.feed(bytes, 0, split);
      decoder.feed(bytes, split, bytes.length - split);
      decoder.end();
      assertThat(listener.events).as("split at %d", split).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void multibyteCharacterSplitBetweenFeedsIsNotCorrupted() {
    byte[] bytes = "data: 世🎉\n\n".getBytes(UTF_8);
    int emojiStart = "data: 世".getBytes(UTF_8).length;
    RecordingListener listener = new RecordingListener();
    SseDecoder decoder = new SseDecoder(listener);
    decoder.feed(bytes, 0, emojiStart + 2);
    assertThat(listener.events).isEmpty();
    decoder.feed(bytes, emojiStart + 2, bytes.length - emojiStart - 2);
    assertThat(listener.events).containsExactly("世🎉");
  }

  @Test
  void eventsAreReportedAsSoonAsTheirBlankLineArrives() {
    RecordingListener listener = new RecordingListener();
    SseDecoder decoder = new SseDecoder(listener);
    byte[] first = "data: a\n\ndata: b".getBytes(UTF_8);
    decoder.feed(first, 0, first.length);
    assertThat(listener.events).containsExactly("a");
    byte[] second = "\n\n".getBytes(UTF_8);
    decoder.feed(second, 0, second.length);
    assertThat(listener.events).containsExactly("a", "b");
  }

  @Test
  void feedHonoursOffsetAndLength() {
    RecordingListener listener = new RecordingListener();
    byte[] bytes = "XXdata: a\n\nYY".getBytes(UTF_8);
    new SseDecoder(listener).feed(bytes, 2, bytes.length - 4);
    assertThat(listener.events).containsExactly("a");
  }

  @Test
  void lineJustUnderTheBoundIsAccepted() {
    int max = 64;
    String line = "data: " + "x".repeat(max - 6);
    assertThat(line.length()).isEqualTo(max);
    for (int piece : new int[] {Integer.MAX_VALUE, 7}) {
      RecordingListener listener = new RecordingListener();
      feed(new SseDecoder(listener, max), (line + "\n\n").getBytes(UTF_8), piece);
      assertThat(listener.events).containsExactly("x".repeat(max - 6));
    }
  }

  @Test
  void lineJustOverTheBoundFails() {
    int max = 64;
    String line = "data: " + "x".repeat(max - 5);
    for (int piece : new int[] {Integer.MAX_VALUE, 7}) {
      SseDecoder decoder = new SseDecoder(new RecordingListener(), max);
      assertThatThrownBy(() -> feed(decoder, (line + "\n\n").getBytes(UTF_8), piece))
          .isInstanceOf(SseException.class)
          .hasMessage("upstream SSE line longer than 64 bytes");
    }
  }

  @Test
  void dataLinesJoinedUpToTheBoundAreOneEvent() {
    // 8 lines of "data: xxxxxxx": 8 x 7 characters and 7 newlines between them = 63.
    String lines = ("data: " + "x".repeat(7) + "\n").repeat(8);
    RecordingListener listener = new RecordingListener();
    feed(new SseDecoder(listener, 63), (lines + "\n").getBytes(UTF_8), 5);
    assertThat(listener.events).containsExactly(String.join("\n", Collections.nCopies(8, "x".repeat(7))));
  }

  @Test
  void dataLinesJoinedPastTheBoundFailBeforeTheEventEnds() {
    byte[] endless = ("data: " + "x".repeat(7) + "\n").repeat(8).getBytes(UTF_8);
    SseDecoder decoder = new SseDecoder(new RecordingListener(), 62);
    assertThatThrownBy(() -> decoder.feed(endless, 0, endless.length))
        .isInstanceOf(SseException.class)
        .hasMessage("upstream SSE event longer than 62 bytes");
  }

  @Test
  void unterminatedOverlongTailFailsBeforeTheLineEnds() {
    SseDecoder decoder = new SseDecoder(new RecordingListener(), 16);
    byte[] bytes = ("data: " + "x".repeat(11)).getBytes(UTF_8);
    assertThatThrownBy(() -> decoder.feed(bytes, 0, bytes.length)).isInstanceOf(SseException.class);
  }

  @Test
  void defaultBoundIsEightMebibytes() {
    assertThat(SseDecoder.MAX_LINE_BYTES).isEqualTo(8 * 1024 * 1024);
  }

  private static List<String> decodeInPieces(byte[] bytes, int piece) {
    RecordingListener listener = new RecordingListener();
    SseDecoder decoder = new SseDecoder(listener);
    feed(decoder, bytes, piece);
    decoder.end();
    return listener.events;
  }

  private static void feed(SseDecoder decoder, byte[] bytes, int piece) {
    for (int off = 0; off < bytes.length; off += piece) {
      decoder.feed(bytes, off, Math.min(piece, bytes.length - off));
    }
  }

  private static Arguments c(String name, String input, List<String> expected) {
    return Arguments.of(Named.of(name, input), expected);
  }
}
