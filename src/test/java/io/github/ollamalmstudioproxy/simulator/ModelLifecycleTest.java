package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Loading, unloading, JIT, auto-evict and the model resolution rules of reference §10. */
class ModelLifecycleTest {
  private LmStudioSimulator simulator;
  private SimHttp http;

  @BeforeEach
  void start() {
    simulator = LmStudioSimulator.start(SimulatorOptions.defaults());
    simulator.script().tokenInterval(Duration.ZERO).loadDelay(Duration.ofMillis(50));
    http = new SimHttp(simulator);
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @Test
  void loadingALoadedModelCreatesASecondInstance() {
    JsonNode second = SimHttp.json(http.post("/api/v1/models/load", "{\"model\":\"qwen/qwen3-4b\"}"));

    assertThat(second.get("instance_id").asText()).isEqualTo("qwen/qwen3-4b:2");
    assertThat(second.get("type").asText()).isEqualTo("llm");
    assertThat(second.get("status").asText()).isEqualTo("loaded");
    assertThat(second.get("load_time_seconds").asDouble()).isGreaterThanOrEqualTo(0.04);
    assertThat(simulator.catalog().instancesOf("qwen/qwen3-4b")).extracting(SimulatedInstance::id)
        .containsExactly("qwen/qwen3-4b", "qwen/qwen3-4b:2");
    assertThat(simulator.log().loadCalls()).isEqualTo(1);

    JsonNode unloaded = SimHttp.json(http.post("/api/v1/models/unload", "{\"instance_id\":\"qwen/qwen3-4b:2\"}"));
    assertThat(unloaded.toString()).isEqualTo("{\"instance_id\":\"qwen/qwen3-4b:2\"}");
  }

  @Test
  void loadingAnUnknownKeyIsModelNotFoundInTheV1Shape() {
    HttpResponse<String> response = http.post("/api/v1/models/load", "{\"model\":\"qwen3:latest\"}");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(SimHttp.json(response).at("/error/code").asText()).isEqualTo("model_not_found");
  }

  @Test
  void requireLoadBeforeInferenceFailsUntilAnExplicitLoad() {
    simulator.script().requireLoadBeforeInference(true);
    String ask = "{\"model\":\"meta-llama-3.1-8b-instruct\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    HttpResponse<String> before = http.post("/v1/chat/completions", ask);
    assertThat(before.statusCode()).isEqualTo(400);
    assertThat(SimHttp.json(before).at("/error/message").asText()).isEqualTo(SimulatorFailure.NO_MODELS_LOADED);

    http.post("/api/v1/models/load", "{\"model\":\"meta-llama-3.1-8b-instruct\"}");
    HttpResponse<String> after = http.post("/v1/chat/completions", ask);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(SimHttp.json(after).get("model").asText()).isEqualTo("meta-llama-3.1-8b-instruct");
  }

  @Test
  void aModelEvictedBetweenLoadAndRequestIsNoModelsLoadedOnceThenServesAfterAReload() {
    simulator.script().requireLoadBeforeInference(true).evictBeforeNextInference();
    String ask = "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    assertThat(http.get("/v1/models").statusCode()).isEqualTo(200);
    assertThat(simulator.catalog().instancesOf("qwen/qwen3-4b")).hasSize(1);

    HttpResponse<String> evicted = http.post("/v1/chat/completions", ask);
    assertThat(evicted.statusCode()).isEqualTo(400);
    assertThat(SimHttp.json(evicted).at("/error/message").asText()).isEqualTo(SimulatorFailure.NO_MODELS_LOADED);
    assertThat(simulator.catalog().instances()).isEmpty();

    assertThat(http.post("/api/v1/models/load", "{\"model\":\"qwen/qwen3-4b\"}").statusCode()).isEqualTo(200);
    HttpResponse<String> reloaded = http.post("/v1/chat/completions", ask);
    assertThat(reloaded.statusCode()).isEqualTo(200);
    assertThat(SimHttp.json(reloaded).get("model").asText()).isEqualTo("qwen/qwen3-4b");
    assertThat(http.post("/v1/chat/completions", ask).statusCode()).isEqualTo(200);
    assertThat(simulator.catalog().instances()).extracting(SimulatedInstance::id).containsExactly("qwen/qwen3-4b");
  }

  @Test
  void withJitAnEvictedModelIsLoadedAgainForTheRequest() {
    simulator.script().evictBeforeNextInference();

    HttpResponse<String> response = http.post("/v1/chat/completions",
        "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(simulator.catalog().instances()).extracting(SimulatedInstance::id, SimulatedInstance::jit)
        .containsExactly(tuple("qwen/qwen3-4b", true));
  }

  @Test
  void evictionReachesEmbeddingsAndLeavesOtherModelsLoaded() {
    String nomic = "text-embedding-nomic-embed-text-v1.5";
    simulator.catalog().load(nomic, 2048, false);
    simulator.script().requireLoadBeforeInference(true).evictBeforeNextInference();

    HttpResponse<String> response = http.post("/v1/embeddings", "{\"model\":\"" + nomic + "\",\"input\":\"x\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains(SimulatorFailure.NO_MODELS_LOADED);
    assertThat(simulator.catalog().instances()).extracting(SimulatedInstance::id).containsExactly("qwen/qwen3-4b");
  }

  @Test
  void aNameThatResolvesToNoModelEvictsNothingAndStillUsesTheKnobUp() {
    simulator.script().evictBeforeNextInference();
    String ask = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    assertThat(http.post("/v1/chat/completions", ask.formatted("llama3:latest")).statusCode()).isEqualTo(200);
    assertThat(http.post("/v1/chat/completions", ask.formatted("qwen/qwen3-4b")).statusCode()).isEqualTo(200);

    assertThat(simulator.catalog().instances()).extracting(SimulatedInstance::id, SimulatedInstance::jit)
        .containsExactly(tuple("qwen/qwen3-4b", false));
  }

  @Test
  void resetClearsAPendingEviction() {
    simulator.script().evictBeforeNextInference().reset().tokenInterval(Duration.ZERO);

    http.post("/v1/chat/completions",
        "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

    assertThat(simulator.catalog().instances()).extracting(SimulatedInstance::jit).containsExactly(false);
  }

  @Test
  void jitLoadsTheRequestedModelAndEvictsEarlierJitInstancesOnly() {
    String ask = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    assertThat(SimHttp.json(http.post("/v1/chat/completions", ask.formatted("meta-llama-3.1-8b-instruct")))
        .get("model").asText()).isEqualTo("meta-llama-3.1-8b-instruct");
    assertThat(simulator.catalog().instance("meta-llama-3.1-8b-instruct")).get()
        .extracting(SimulatedInstance::jit).isEqualTo(true);

    http.post("/v1/chat/completions", ask.formatted("google/gemma-3-4b@q4_k_m"));

    assertThat(simulator.catalog().instances()).extracting(SimulatedInstance::id)
        .containsExactly("qwen/qwen3-4b", "google/gemma-3-4b");
  }

  @Test
  void unknownNameIsServedByTheOnlyLoadedInstance() {
    JsonNode body = SimHttp.json(http.post("/v1/chat/completions",
        "{\"model\":\"llama3:latest\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));

    assertThat(body.get("model").asText()).isEqualTo("qwen/qwen3-4b");
    assertThat(body.get("system_fingerprint").asText()).isEqualTo("qwen/qwen3-4b");
  }

  @Test
  void unknownNameWithoutFallbackIsInvalidModelIdentifier() {
    simulator.catalog().load("meta-llama-3.1-8b-instruct", 4096, false);

    HttpResponse<String> response = http.post("/v1/chat/completions",
        "{\"model\":\"llama3:latest\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = SimHttp.json(response).get("error");
    assertThat(error.get("message").asText()).startsWith("Invalid model identifier \"llama3:latest\". Please specify "
        + "a valid downloaded model (e.g., qwen/qwen3-4b, google/gemma-3-4b, meta-llama-3.1-8b-instruct).");
    assertThat(error.get("code").asText()).isEqualTo("model_not_found");
    assertThat(error.get("param").asText()).isEqualTo("model");
  }

  @Test
  void withoutJitAnUnloadedModelIsNoModelsLoaded() {
    try (LmStudioSimulator noJit = LmStudioSimulator.start(SimulatorOptions.builder().jitEnabled(false)
        .singleModelFallback(false).build())) {
      HttpResponse<String> response = new SimHttp(noJit).post("/v1/chat/completions",
          "{\"model\":\"google/gemma-3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).contains(SimulatorFailure.NO_MODELS_LOADED);
      assertThat(noJit.catalog().instances()).hasSize(1);
    }
  }

  @Test
  void concurrentJitRequestsShareOneLoad() throws Exception {
    simulator.script().loadDelay(Duration.ofMillis(300));
    String ask = "{\"model\":\"google/gemma-3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    List<Thread> threads = List.of(new Thread(() -> http.post("/v1/chat/completions", ask)),
        new Thread(() -> http.post("/v1/chat/completions", ask)));
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(SimHttp.TIMEOUT.toMillis());
    }

    assertThat(simulator.catalog().instancesOf("google/gemma-3-4b")).hasSize(1);
    assertThat(simulator.log().byPath("/v1/chat/completions")).allMatch(RecordedRequest::completed);
  }
}
