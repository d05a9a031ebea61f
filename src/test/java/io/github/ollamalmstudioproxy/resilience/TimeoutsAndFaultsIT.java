package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.ProxyHarness;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeoutsAndFaultsIT {
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":%s,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void backendSilentPastTheFirstByteTimeoutGives504() {
    try (ProxyHarness harness = ProxyHarness.start("--first-byte-timeout", "300ms")) {
      harness.simulator().script().prefillDelay(Duration.ofSeconds(5));
      for (boolean stream : new boolean[] {true, false}) {
        HttpResponse<String> response = harness.post("/api/chat", CHAT.formatted(stream));
        assertThat(response.statusCode()).as("stream=" + stream).isEqualTo(504);
        assertThat(response.body()).startsWith("{\"error\":\"").contains("did not answer in time");
      }
    }
  }

  @Test
  void silenceAfterTheHeadersPastTheIdleTimeoutIs504WhenNothingWasSentYet() {
    try (ProxyHarness harness = ProxyHarness.start("--idle-timeout", "300ms")) {
      harness.simulator().script().tokens(List.of("one", "two", "three")).tokenInterval(Duration.ofSeconds(2))
          .prefillDelay(Duration.ofSeconds(2)).headersDuringPrefill(true);
      for (boolean stream : new boolean[] {true, false}) {
        HttpResponse<String> response = harness.post("/api/chat", CHAT.formatted(stream));
        assertThat(response.statusCode()).as("stream=" + stream).isEqualTo(504);
        assertThat(response.body()).startsWith("{\"error\":\"").contains("did not answer in time");
      }
    }
  }

  @Test
  void gapBetweenChunksPastTheIdleTimeoutEndsTheStreamWithAnErrorLineAndResetsTheBackend() {
    try (ProxyHarness harness = ProxyHarness.start("--idle-timeout", "300ms")) {
      harness.simulator().script().tokens(Collections.nCopies(6, "z")).tokenInterval(Duration.ofMillis(5))
          .stallAfter(2, Duration.ofSeconds(3));
      HttpResponse<String> response = harness.post("/api/chat", CHAT.formatted(true));
      assertThat(response.statusCode()).isEqualTo(200);
      List<String> lines = response.body().lines().toList();
      assertThat(lines).hasSize(3);
      assertThat(lines.get(2)).startsWith("{\"error\":\"the backend went silent").contains("--idle-timeout");
      harness.simulator().log().awaitClientClose(harness.simulator().log().byPath("/v1/chat/completions").get(0),
          Duration.ofSeconds(2));
    }
  }

  @Test
  void backendKilledMidStreamEndsTheStreamWithOneErrorLineAndNoDone() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().tokens(Collections.nCopies(20, "x")).tokenInterval(Duration.ofMillis(5))
          .abruptCloseAfter(3);
      HttpResponse<String> response = harness.post("/api/chat", CHAT.formatted(true));
      List<String> lines = response.body().lines().toList();
      assertThat(lines).hasSize(4);
      assertThat(lines.subList(0, 3)).allSatisfy(l -> assertThat(l).contains("\"content\":\"x\""));
      // What broke is said in the proxy's words; the exception's text ("Connection was closed") is for the log.
      assertThat(lines.get(3)).isEqualTo("{\"error\":\"the backend connection broke off mid-response\"}");

      HttpResponse<String> aggregated = harness.post("/api/chat", CHAT.formatted(false));
      assertThat(aggregated.statusCode()).isEqualTo(500);
      assertThat(aggregated.body()).isEqualTo("{\"error\":\"the backend connection broke off mid-response\"}");
    }
  }

  @Test
  void midStreamBackendErrorIsOneErrorLineWithTheBackendsMessage() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().tokens(Collections.nCopies(10, "y")).tokenInterval(Duration.ofMillis(5))
          .midStreamError(2, "Error rendering prompt with jinja template");
      HttpResponse<String> response = harness.post("/api/chat", CHAT.formatted(true));
      List<String> lines = response.body().lines().toList();
      assertThat(lines.get(lines.size() - 1)).isEqualTo(
          "{\"error\":\"Error rendering prompt with jinja template\"}");
      assertThat(lines.stream().filter(l -> l.contains("\"done\":true"))).isEmpty();
    }
  }

  @Test
  void backendDownGives502NamingTheBackendWithTheHint() {
    try (ProxyHarness harness = ProxyHarness.withoutBackend(URI.create("http://127.0.0.1:9"))) {
      for (String path : List.of("/api/chat", "/api/tags")) {
        HttpResponse<String> response = path.equals("/api/tags") ? harness.get(path)
            : harness.post(path, CHAT.formatted(false));
        assertThat(response.statusCode()).as(path).isEqualTo(502);
        assertThat(response.body()).as(path).isEqualTo("{\"error\":\"cannot reach LM Studio at http://127.0.0.1:9: "
            + "connection refused — is its server running? (lms server start)\"}");
      }
    }
  }
}
