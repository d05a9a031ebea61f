package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.translate.StreamTranslator;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@code stream:false} answer is collected within bounds: at most {@link StreamTranslator#MAX_HELD_CHARS}
 * characters and at most {@code --aggregate-timeout}. Past either the client gets a 500 that says which, and the
 * backend request is reset even though the backend would have gone on. Streams are bound by neither.
 */
class AggregatedAnswersIT {
  private static final int PIECE = 64 * 1024;
  private static final int PIECES_AT_THE_BOUND = StreamTranslator.MAX_HELD_CHARS / PIECE;
  private static final Duration BOUND = Duration.ofSeconds(15);
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":%s,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void anAnswerOfExactlyTheBoundIsAnsweredWhole() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().tokens(Collections.nCopies(PIECES_AT_THE_BOUND, "x".repeat(PIECE)))
          .tokenInterval(Duration.ZERO);

      HttpResponse<String> response = chat(harness, false);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(Ndjson.json(response.body()).path("message").path("content").asText())
          .hasSize(StreamTranslator.MAX_HELD_CHARS);
    }
  }

  @Test
  void anAnswerThatWouldNeverStopEndsAtTheBoundWithA500AndTheBackendIsReset() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      // One piece past the bound, then the backend stalls far longer than the test waits.
      harness.simulator().script().tokens(Collections.nCopies(PIECES_AT_THE_BOUND * 2, "x".repeat(PIECE)))
          .tokenInterval(Duration.ZERO).stallAfter(PIECES_AT_THE_BOUND + 1, Duration.ofMinutes(5));

      HttpResponse<String> response = chat(harness, false);

      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).isEqualTo("{\"error\":\"the answer is longer than 4194304 characters, the most the"
          + " proxy collects for a \\\"stream\\\":false answer; ask with \\\"stream\\\":true for longer answers\"}");
      assertReset(harness);
    }
  }

  @Test
  void anAnswerThatTakesLongerThanTheAggregateTimeoutEndsWithA500AndTheBackendIsReset() {
    try (ProxyHarness harness = ProxyHarness.start("--aggregate-timeout", "1s")) {
      harness.simulator().script().tokens(Collections.nCopies(100, "x")).tokenInterval(Duration.ofMillis(100));

      long start = System.nanoTime();
      HttpResponse<String> response = chat(harness, false);

      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).isEqualTo("{\"error\":\"the answer took longer than 1s, the most the proxy collects"
          + " a \\\"stream\\\":false answer for (--aggregate-timeout); ask with \\\"stream\\\":true for longer answers\"}");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
      assertReset(harness);
    }
  }

  @Test
  void anAnswerWithinTheAggregateTimeoutIsAnswered() {
    try (ProxyHarness harness = ProxyHarness.start("--aggregate-timeout", "3s")) {
      harness.simulator().script().tokens(Collections.nCopies(5, "x")).tokenInterval(Duration.ofMillis(100));

      HttpResponse<String> response = chat(harness, false);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(Ndjson.json(response.body()).path("message").path("content").asText()).isEqualTo("xxxxx");
    }
  }

  @Test
  void aStreamIsNotBoundByTheAggregateTimeout() {
    try (ProxyHarness harness = ProxyHarness.start("--aggregate-timeout", "300ms")) {
      harness.simulator().script().tokens(Collections.nCopies(8, "x")).tokenInterval(Duration.ofMillis(100));

      HttpResponse<String> response = chat(harness, true);

      List<String> lines = response.body().lines().toList();
      assertThat(lines).hasSize(9);
      assertThat(lines.get(8)).contains("\"done\":true");
    }
  }

  private static HttpResponse<String> chat(ProxyHarness harness, boolean stream) {
    return harness.send(HttpRequest.newBuilder(harness.url("/api/chat")).timeout(BOUND)
        .POST(HttpRequest.BodyPublishers.ofString(CHAT.formatted(stream))).build());
  }

  private static void assertReset(ProxyHarness harness) {
    RecordedRequest call = harness.simulator().log().byPath("/v1/chat/completions").get(0);
    harness.simulator().log().awaitClientClose(call, BOUND);
    assertThat(call.completed()).isFalse();
  }
}
