package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.SimulatedInstance;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.Upstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code options.num_ctx} honoured on LM Studio 0.4 by reloading the model at that context, and what {@code /api/ps}
 * and {@code /api/show} then report. Ollama reloads a runner whose {@code num_ctx} differs
 * ({@code server/sched.go:1398} {@code needsReload}) once its requests are done ({@code :345}), caps it at the trained
 * context ({@code :161} {@code effectiveContext}), and reports the loaded context in {@code /api/ps}
 * ({@code server/routes.go:2293}). A fresh proxy and simulator per test: loads change state.
 */
class ContextLengthIT {
  private ProxyHarness harness;

  @AfterEach
  void stop() {
    harness.close();
  }

  private void start(SimulatorOptions options) {
    harness = ProxyHarness.start(options);
    harness.simulator().script().tokenInterval(Duration.ofMillis(1)).loadDelay(Duration.ofMillis(20));
  }

  private static String chat(String model, Integer numCtx) {
    return "{\"model\":\"" + model + "\",\"stream\":false," + (numCtx == null ? "" : "\"options\":{\"num_ctx\":"
        + numCtx + "},") + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  private int psContext(String name) {
    JsonNode ps = Ndjson.json(harness.get("/api/ps").body());
    for (JsonNode m : ps.path("models")) {
      if (m.path("name").asText().equals(name)) {
        return m.path("context_length").asInt();
      }
    }
    throw new AssertionError("not in /api/ps: " + name + " " + ps);
  }

  @Test
  void aDifferentNumCtxReloadsTheModelOnceWithThatContextAndNeverStacksASecondInstance() {
    start(SimulatorOptions.defaults());

    HttpResponse<String> first = harness.post("/api/chat", chat("qwen/qwen3-4b", 16384));
    HttpResponse<String> again = harness.post("/api/chat", chat("qwen/qwen3-4b", 16384));

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(harness.simulator().log().loadCalls()).as("the second request finds 16384 loaded").isEqualTo(1);
    JsonNode load = Upstream.body(harness, "/api/v1/models/load");
    assertThat(load.path("model").asText()).isEqualTo("qwen/qwen3-4b");
    assertThat(load.path("context_length").asInt()).isEqualTo(16384);
    assertThat(load.path("echo_load_config").asBoolean()).isTrue();
    assertThat(harness.simulator().log().byPath("/api/v1/models/unload")).hasSize(1);
    assertThat(harness.simulator().catalog().instancesOf("qwen/qwen3-4b")).extracting(SimulatedInstance::id,
        SimulatedInstance::contextLength).containsExactly(org.assertj.core.groups.Tuple.tuple("qwen/qwen3-4b", 16384));
    assertThat(psContext("qwen/qwen3-4b:latest")).isEqualTo(16384);
    JsonNode show = Ndjson.json(harness.post("/api/show", "{\"model\":\"qwen/qwen3-4b\"}").body());
    assertThat(show.path("parameters").asText()).isEqualTo("num_ctx                        16384");
    assertThat(show.path("model_info").path("qwen3.context_length").asInt()).as("the maximum stays").isEqualTo(32768);
  }

  @Test
  void theLoadedContextNumCtxOrNoneLoadsNothingAndAnOverLargeOneIsCappedAtTheModelsMaximum() {
    start(SimulatorOptions.defaults());

    harness.post("/api/chat", chat("qwen/qwen3-4b", 4096));
    harness.post("/api/chat", chat("qwen/qwen3-4b", null));
    assertThat(harness.simulator().log().loadCalls()).isZero();

    HttpResponse<String> huge = harness.post("/api/chat", chat("qwen/qwen3-4b", 1_000_000));
    assertThat(huge.statusCode()).isEqualTo(200);
    assertThat(Upstream.body(harness, "/api/v1/models/load").path("context_length").asInt()).isEqualTo(32768);
  }

  @Test
  void aContextLmStudioLowersForMemoryIsReportedAsLoadedAndNotReloadedOnEveryRequest() {
    start(SimulatorOptions.builder().contextMemoryLimit(8192).build());

    harness.post("/api/chat", chat("qwen/qwen3-4b", 32768));
    harness.post("/api/chat", chat("qwen/qwen3-4b", 32768));

    assertThat(harness.simulator().log().loadCalls()).isEqualTo(1);
    assertThat(psContext("qwen/qwen3-4b:latest")).as("what was really loaded").isEqualTo(8192);
    JsonNode show = Ndjson.json(harness.post("/api/show", "{\"model\":\"qwen/qwen3-4b\"}").body());
    assertThat(show.path("parameters").asText()).endsWith(" 8192");
  }

  @Test
  void concurrentRequestsForDifferentContextsAreServedInTurnWithoutCuttingEachOther() throws Exception {
    start(SimulatorOptions.defaults());
    harness.simulator().script().tokenInterval(Duration.ofMillis(15));

    CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(
        () -> harness.post("/api/chat", chat("qwen/qwen3-4b", 8192)));
    harness.simulator().log().awaitRequest("/v1/chat/completions", Duration.ofSeconds(5));
    CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(
        () -> harness.post("/api/chat", chat("qwen/qwen3-4b", 16384)));
    HttpResponse<String> a = first.get(10, TimeUnit.SECONDS);
    HttpResponse<String> b = second.get(10, TimeUnit.SECONDS);

    assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
    assertThat(b.statusCode()).as(b.body()).isEqualTo(200);
    assertThat(Ndjson.json(a.body()).path("done_reason").asText()).isEqualTo("stop");
    assertThat(Ndjson.json(b.body()).path("done_reason").asText()).isEqualTo("stop");
    List<RecordedRequest> chats = harness.simulator().log().byPath("/v1/chat/completions");
    assertThat(chats).hasSize(2);
    assertThat(chats.get(0).completed()).as("the first generation was not cut by the second's reload").isTrue();
    List<RecordedRequest> loads = harness.simulator().log().byPath("/api/v1/models/load");
    assertThat(loads).extracting(r -> Ndjson.json(r.body()).path("context_length").asInt())
        .containsExactly(8192, 16384);
    assertThat(loads.get(1).receivedNanos()).as("reloaded only after the first answer was done")
        .isGreaterThan(chats.get(0).receivedNanos() + Duration.ofMillis(15 * 10).toNanos());
    assertThat(harness.simulator().catalog().instancesOf("qwen/qwen3-4b")).hasSize(1);
  }

  @Test
  void aRequestWaitingBehindAReloadOfAnUnloadedModelDoesNotLoadItAgain() throws Exception {
    start(SimulatorOptions.defaults());
    harness.simulator().script().loadDelay(Duration.ofMillis(300));

    CompletableFuture<HttpResponse<String>> sized = CompletableFuture.supplyAsync(
        () -> harness.post("/api/chat", chat("google/gemma-3-4b", 8192)));
    harness.simulator().log().awaitRequest("/api/v1/models/load", Duration.ofSeconds(5));
    HttpResponse<String> plain = harness.post("/api/chat", chat("google/gemma-3-4b", null));

    assertThat(sized.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(harness.simulator().log().loadCalls()).isEqualTo(1);
    assertThat(harness.simulator().catalog().instancesOf("google/gemma-3-4b")).hasSize(1);
  }

  @Test
  void aPreloadWithNumCtxLoadsAtThatContext() {
    start(SimulatorOptions.defaults());

    HttpResponse<String> preload = harness.post("/api/generate",
        "{\"model\":\"google/gemma-3-4b\",\"options\":{\"num_ctx\":8192}}");

    assertThat(Ndjson.json(preload.body()).path("done_reason").asText()).isEqualTo("load");
    assertThat(psContext("google/gemma-3-4b:latest")).isEqualTo(8192);
  }

  @Test
  void anUnloadedModelShowsWhatADefaultLoadGaveOnceLmStudioToldIt() {
    start(SimulatorOptions.defaults());
    String show = "{\"model\":\"google/gemma-3-4b\"}";
    assertThat(Ndjson.json(harness.post("/api/show", show).body()).path("parameters").asText())
        .as("never the maximum (131072): nothing told what a load gives").isEmpty();

    harness.post("/api/chat", "{\"model\":\"google/gemma-3-4b\"}");
    harness.post("/api/chat", "{\"model\":\"google/gemma-3-4b\",\"keep_alive\":0}");

    assertThat(harness.simulator().catalog().instancesOf("google/gemma-3-4b")).isEmpty();
    JsonNode after = Ndjson.json(harness.post("/api/show", show).body());
    assertThat(after.path("parameters").asText()).isEqualTo("num_ctx                        4096");
    assertThat(after.path("model_info").path("gemma3.context_length").asInt()).isEqualTo(131072);
  }

  @Test
  void aBackendWithoutALoadApiIgnoresNumCtx() {
    start(SimulatorOptions.builder().version("0.3").build());

    HttpResponse<String> response = harness.post("/api/chat", chat("qwen/qwen3-4b", 16384));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(harness.simulator().log().loadCalls()).isZero();
    assertThat(Upstream.chatBody(harness).has("num_ctx")).isFalse();
  }
}
