package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.SimulatorFailure;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.RawHttp;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import io.github.ollamalmstudioproxy.support.Upstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failures on {@code /api/chat}: before the first byte they are a status and {@code {"error"}} carrying the backend's
 * own words; after it, one {@code {"error"}} line ends the stream and no fake {@code done} follows. A client that hangs
 * up releases the backend at once, also while a non-streaming answer is being aggregated.
 */
class ChatErrorsIT extends SimulatorBackedTest {
  private static final String STREAM = "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String NON_STREAM = STREAM.replace("{\"model\"", "{\"stream\":false,\"model\"");
  private static final Duration BOUND = Duration.ofSeconds(1);
  @BeforeEach
  void script() {
    harness.simulator().script().tokenInterval(Duration.ofMillis(1));
  }

  @Test
  void backend400KeepsItsStatusAndLmStudiosLiteralMessageStreamingOrNot() {
    String message = "The number of tokens to keep from the initial prompt is greater than the context length "
        + "(n_keep: 13055>= n_ctx: 4096). Try to load the model with a larger context length, or provide a shorter input.";
    for (String body : List.of(STREAM, NON_STREAM)) {
      harness.simulator().script().contextOverflow();
      HttpResponse<String> response = harness.post("/api/chat", body);
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
      assertThat(Ndjson.json(response.body()).path("error").asText()).isEqualTo(message);
      assertThat(Ndjson.json(response.body()).size()).isEqualTo(1);
    }
  }

  @Test
  void backendBareStringErrorIsUnwrappedToo() {
    harness.simulator().script().failNext(SimulatorFailure.jsonObjectFormat());
    HttpResponse<String> response = harness.post("/api/chat", STREAM);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"'response_format.type' must be 'json_schema' or 'text'\"}");
  }

  @Test
  void backendHtml500BecomesA500WithItsText() {
    // failAlways: a transient 500 is retried once (issue 5), so a one-shot failure would be healed by the retry.
    harness.simulator().script().failAlways(SimulatorFailure.htmlServerError());
    HttpResponse<String> response = harness.post("/api/chat", STREAM);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(Ndjson.json(response.body()).path("error").asText()).contains("Internal Server Error")
        .doesNotContain("<");
  }

  @Test
  void midStreamErrorIsOneErrorLineWithTheBackendsMessageAndNoDone() {
    harness.simulator().script().midStreamError(3, "Model has unexpectedly stopped");
    Ndjson out = Ndjson.of(harness.post("/api/chat", STREAM));

    assertThat(out.endsWithOneError()).isEqualTo("Model has unexpectedly stopped");
    assertThat(out.joined("content")).isEqualTo("Hello! I");
  }

  @Test
  void midStreamErrorAfterAnEventErrorLineIsOneErrorLineToo() {
    harness.simulator().script().midStreamError(2, "Engine protocol predict request failed", true);
    Ndjson out = Ndjson.of(harness.post("/api/chat", STREAM));

    assertThat(out.endsWithOneError()).isEqualTo("Engine protocol predict request failed");
  }

  @Test
  void errorEventBeforeAnyOutputIsAnErrorStatusNotA200() {
    harness.simulator().script().midStreamError(0, "Model crashed early");
    HttpResponse<String> response = harness.post("/api/chat", STREAM);

    assertThat(response.statusCode()).isGreaterThanOrEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"Model crashed early\"}");
  }

  @Test
  void midStreamErrorOnANonStreamingChatIsAnErrorStatusWithTheMessage() {
    harness.simulator().script().midStreamError(3, "Model has unexpectedly stopped");
    HttpResponse<String> response = harness.post("/api/chat", NON_STREAM);

    assertThat(response.statusCode()).isGreaterThanOrEqualTo(400);
    assertThat(Ndjson.json(response.body()).path("error").asText()).isEqualTo("Model has unexpectedly stopped");
  }

  @Test
  void streamEndingWithoutDoneMarkerIsAnErrorLineNotASuccess() {
    harness.simulator().script().omitDone(true);
    Ndjson out = Ndjson.of(harness.post("/api/chat", STREAM));

    assertThat(out.endsWithOneError()).isNotBlank();
  }

  @Test
  void abruptBackendCloseMidStreamIsAnErrorLine() {
    harness.simulator().script().abruptCloseAfter(4);
    Ndjson out = Ndjson.of(harness.post("/api/chat", STREAM));

    assertThat(out.endsWithOneError()).isNotBlank();
    assertThat(out.joined("content")).isEqualTo("Hello! I am");
  }

  @Test
  void abruptBackendCloseOnANonStreamingChatIsAnErrorStatus() {
    harness.simulator().script().abruptCloseAfter(4);
    HttpResponse<String> response = harness.post("/api/chat", NON_STREAM);

    assertThat(response.statusCode()).isGreaterThanOrEqualTo(500);
    assertThat(Ndjson.json(response.body()).path("error").asText()).isNotBlank();
  }

  @Test
  void clientHangUpDuringANonStreamingChatReleasesTheBackendAtOnce() {
    harness.simulator().script().prefillDelay(Duration.ofSeconds(20));
    assertHangUpReachesBackend(NON_STREAM, null, "/api/chat stream:false, silent prefill");
  }

  @Test
  void clientHangUpWhileANonStreamingChatAggregatesTokensReleasesTheBackend() {
    harness.simulator().script().tokens(Collections.nCopies(2000, "tok ")).tokenInterval(Duration.ofMillis(10));
    RawHttp client = RawHttp.connect(harness.port()).send("POST", "/api/chat", NON_STREAM);
    RecordedRequest upstream = harness.simulator().log().awaitRequest("/v1/chat/completions", Upstream.WAIT);
    await().atMost(Upstream.WAIT).until(() -> upstream.tokensEmitted() >= 5);
    long hungUp = client.hangUp();
    report(upstream, hungUp, "/api/chat stream:false, mid-generation");
  }

  @Test
  void clientHangUpMidStreamReleasesTheBackendAtOnce() {
    harness.simulator().script().tokens(Collections.nCopies(2000, "tok ")).tokenInterval(Duration.ofMillis(10));
    assertHangUpReachesBackend(STREAM, "tok ", "/api/chat streaming, mid-stream");
  }

  @Test
  void activeRequestsReturnToZeroAfterErrorsAndHangUps() {
    harness.simulator().script().midStreamError(1, "boom");
    harness.post("/api/chat", STREAM);
    harness.simulator().log().clear();
    harness.simulator().script().reset().prefillDelay(Duration.ofSeconds(20));
    assertHangUpReachesBackend(NON_STREAM, null, "repeat");
    await().atMost(Upstream.WAIT).until(() -> harness.proxy().activeRequests() == 0);
  }

  private void assertHangUpReachesBackend(String body, String waitFor, String label) {
    RawHttp client = RawHttp.connect(harness.port()).send("POST", "/api/chat", body);
    RecordedRequest upstream = harness.simulator().log().awaitRequest("/v1/chat/completions", Upstream.WAIT);
    if (waitFor != null) {
      client.readUntil(waitFor);
    }
    report(upstream, client.hangUp(), label);
    harness.simulator().log().clear();
  }

  private static void report(RecordedRequest upstream, long hungUp, String label) {
    long backendSawClose = harness.simulator().log().awaitClientClose(upstream, Upstream.WAIT);
    Duration gap = Duration.ofNanos(backendSawClose - hungUp);
    System.out.printf("cancellation (%s): backend released %.2f ms after the client hung up%n", label,
        gap.toNanos() / 1e6);
    assertThat(gap).isLessThan(BOUND);
  }
}
