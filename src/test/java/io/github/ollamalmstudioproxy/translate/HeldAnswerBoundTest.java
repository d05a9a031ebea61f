package io.github.ollamalmstudioproxy.translate;

import static io.github.ollamalmstudioproxy.translate.StreamTranslatorTest.CLOCK;
import static io.github.ollamalmstudioproxy.translate.StreamTranslatorTest.delta;
import static io.github.ollamalmstudioproxy.translate.StreamTranslatorTest.failure;
import static io.github.ollamalmstudioproxy.translate.StreamTranslatorTest.toolDelta;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link StreamTranslator#MAX_HELD_CHARS} on both sides: what an answer holds until its end (everything when
 * aggregating for {@code stream:false}, tool-call arguments when streaming) may reach the bound, not pass it.
 */
class HeldAnswerBoundTest {
  private static final int MAX = StreamTranslator.MAX_HELD_CHARS;
  private static final int PIECE = 64 * 1024;
  private static final StreamSettings CHAT = new StreamSettings(StreamSettings.Shape.CHAT, "m", false, true);

  @Test
  void anAggregatedAnswerOfExactlyTheBoundCompletes() {
    StreamTranslator t = aggregating();
    feed(t, "content", MAX / 2);
    feed(t, "reasoning_content", MAX / 2);

    Output done = t.onDone(10);

    assertThat(done.ending().failed()).isFalse();
    assertThat(done.ending().body()).hasSizeGreaterThan(MAX);
  }

  @Test
  void oneCharacterPastTheBoundEndsTheAggregatedAnswerWithA500ThatSaysWhy() {
    StreamTranslator t = aggregating();
    feed(t, "content", MAX / 2);
    feed(t, "reasoning_content", MAX / 2);

    Output over = t.onEvent(null, delta("\"content\":\"x\""), 9);

    assertThat(failure(over)).isEqualTo("500 the answer is longer than 4194304 characters, the most the proxy"
        + " collects for a \"stream\":false answer; ask with \"stream\":true for longer answers");
    assertThat(t.isFinished()).isTrue();
    assertThat(t.onEvent(null, delta("\"content\":\"y\""), 10)).isSameAs(Output.NONE);
  }

  /** Aggregated log probabilities are held too: a backend answering a huge logprobs array cannot grow the heap. */
  @Test
  void aggregatedLogprobsCountTowardsTheBound() {
    StreamSettings asked = new StreamSettings(StreamSettings.Shape.CHAT, "m", false, true, new LogprobsRequest(0),
        false, false);
    StreamTranslator t = StreamTranslator.aggregating(asked, StreamHarness.times(), CLOCK);
    feed(t, "content", MAX - 84);
    String token = "x".repeat(40);
    String logprobs = "\"logprobs\":{\"content\":[{\"token\":\"" + token + "\",\"logprob\":-0.5}]}";

    Output within = t.onEvent(null, "{\"choices\":[{\"index\":0,\"delta\":{}," + logprobs + "}]}", 8);
    Output over = t.onEvent(null, "{\"choices\":[{\"index\":0,\"delta\":{}," + logprobs + "}]}", 9);

    assertThat(within.ended()).as("the entry holds 40 + 4 + 40 bytes = 84: exactly the bound").isFalse();
    assertThat(failure(over)).startsWith("500 the answer is longer than 4194304 characters");
  }

  @Test
  void aStreamedAnswerHoldsNoContentSoItsLengthIsNotBounded() {
    StreamTranslator t = StreamTranslator.streaming(CHAT, StreamHarness.times(), CLOCK);
    feed(t, "content", MAX + PIECE);

    assertThat(t.isFinished()).isFalse();
    assertThat(t.onDone(10).ending().failed()).isFalse();
  }

  @Test
  void toolCallArgumentsOfExactlyTheBoundCompleteWhenStreaming() {
    StreamTranslator t = StreamTranslator.streaming(CHAT, StreamHarness.times(), CLOCK);
    arguments(t, MAX);

    Output done = t.onDone(10);

    assertThat(done.ending().failed()).isFalse();
    assertThat(done.lines()).hasSize(2);
  }

  @Test
  void toolCallArgumentsPastTheBoundFailWhenStreaming() {
    StreamTranslator t = StreamTranslator.streaming(CHAT, StreamHarness.times(), CLOCK);
    arguments(t, MAX);

    Output over = t.onEvent(null, toolDelta("{\"index\":0,\"function\":{\"arguments\":\" \"}}"), 9);

    assertThat(failure(over)).isEqualTo("500 the backend's tool call arguments are longer than 4194304 characters,"
        + " the most the proxy holds for one answer");
  }

  private static StreamTranslator aggregating() {
    return StreamTranslator.aggregating(CHAT, StreamHarness.times(), CLOCK);
  }

  /** {@code chars} characters of {@code field} in deltas of {@link #PIECE}; none of them may end the answer. */
  private static void feed(StreamTranslator t, String field, int chars) {
    for (int sent = 0; sent < chars; sent += PIECE) {
      Output out = t.onEvent(null, delta("\"" + field + "\":\"" + "x".repeat(Math.min(PIECE, chars - sent)) + "\""), 1);
      assertThat(out.ended()).as("ended after %d characters", sent).isFalse();
    }
  }

  /** One tool call whose arguments, {@code {"a":"xx…"}}, are {@code chars} characters long. */
  private static void arguments(StreamTranslator t, int chars) {
    t.onEvent(null, toolDelta("{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
        + "\"arguments\":\"{\\\"a\\\":\\\"\"}}"), 1);
    int body = chars - 8;
    for (int sent = 0; sent < body; sent += PIECE) {
      String piece = "x".repeat(Math.min(PIECE, body - sent));
      assertThat(t.onEvent(null, toolDelta("{\"index\":0,\"function\":{\"arguments\":\"" + piece + "\"}}"), 2).ended())
          .isFalse();
    }
    assertThat(t.onEvent(null, toolDelta("{\"index\":0,\"function\":{\"arguments\":\"\\\"}\"}}"), 3).ended()).isFalse();
  }
}
