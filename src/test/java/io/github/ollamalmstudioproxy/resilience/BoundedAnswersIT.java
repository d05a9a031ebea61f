package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.backend.BoundedBody;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.SimulatorFailure;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.upstream.CatalogService;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the proxy reads of a backend answer it buffers is bounded: a model list up to
 * {@link CatalogService#MAX_MODEL_LIST_BYTES} (just under is served, one byte over is a 502 that names the limit, on
 * every route that needs the list), and an error body only as far as its first {@link BoundedBody#MAX_ERROR_BODY}
 * bytes, after which the backend request is reset rather than read to its end. The simulator pads its answers with
 * spaces to the exact size, so the lists stay valid JSON.
 */
class BoundedAnswersIT {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final long LIST_CAP = CatalogService.MAX_MODEL_LIST_BYTES;
  /** Far more than an error message: the old code read every byte of it. */
  private static final long HUGE_ERROR = 64L * 1024 * 1024;
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":%s,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void aModelListOfExactlyTheCapIsServed() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().padAnswers("/api/v1/models", LIST_CAP).padAnswers("/v1/models", LIST_CAP);

      assertThat(harness.get("/api/tags").statusCode()).isEqualTo(200);
      assertThat(harness.get("/readyz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aModelListOneBytePastTheCapIsA502NamingTheLimitOnEveryRouteThatNeedsIt() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().padAnswers("/api/v1/models", LIST_CAP + 1);

      String reason = "the backend's model list (GET /api/v1/models) is larger than 8 MiB, the most the proxy reads";
      for (HttpResponse<String> response : List.of(harness.get("/api/tags"), harness.get("/api/ps"),
          harness.post("/api/show", "{\"model\":\"qwen/qwen3-4b\"}"), harness.post("/api/chat", CHAT.formatted(true)))) {
        assertThat(response.statusCode()).as(response.uri().getPath()).isEqualTo(502);
        assertThat(response.body()).isEqualTo("{\"error\":\"" + reason + "\"}");
      }
      RecordedRequest list = harness.simulator().log().byPath("/api/v1/models").get(0);
      harness.simulator().log().awaitClientClose(list, BOUND);
      assertThat(list.completed()).as("the proxy reset the list instead of reading it").isFalse();
      assertThat(harness.simulator().log().byPath("/v1/chat/completions")).isEmpty();
    }
  }

  @Test
  void readinessIs503WithTheReasonWhenTheProbedListIsPastTheCap() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().padAnswers("/v1/models", LIST_CAP + 1);

      HttpResponse<String> ready = harness.get("/readyz");

      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("model list (GET /v1/models) is larger than 8 MiB");
    }
  }

  @Test
  void aHugeErrorBodyOnAStreamIsReadOnlyAsFarAsItsMessageAndTheBackendIsReset() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      // A transient HTML 500 is replayed once: both attempts meet the huge page.
      harness.simulator().script().failAlways(SimulatorFailure.htmlServerError().paddedTo(HUGE_ERROR));

      HttpResponse<String> response = harness.post("/api/chat", CHAT.formatted(false));

      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).startsWith("{\"error\":");
      assertResetBeforeTheEnd(harness, "/v1/chat/completions", 2);
    }
  }

  @Test
  void aHugeErrorBodyOnAJsonCallIsReadOnlyAsFarAsItsMessageAndTheBackendIsReset() {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().failAlways(SimulatorFailure.openAi(400, "Input is too long", null, null)
          .paddedTo(HUGE_ERROR));

      HttpResponse<String> response = harness.post("/api/embed",
          "{\"model\":\"text-embedding-nomic-embed-text-v1.5\",\"input\":\"x\"}");

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).isEqualTo("{\"error\":\"Input is too long\"}");
      assertResetBeforeTheEnd(harness, "/v1/embeddings", 1);
    }
  }

  private static void assertResetBeforeTheEnd(ProxyHarness harness, String path, int attempts) {
    List<RecordedRequest> calls = harness.simulator().log().byPath(path);
    assertThat(calls).hasSize(attempts);
    for (RecordedRequest call : calls) {
      harness.simulator().log().awaitClientClose(call, BOUND);
      assertThat(call.completed()).as("the backend never got to send the whole page").isFalse();
    }
  }
}
