package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.SimulatedInstance;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import io.github.ollamalmstudioproxy.support.Upstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ollama's preload (empty history) and eject ({@code keep_alive:0}) over LM Studio's native load and unload routes,
 * and single-flight loads: LM Studio stacks a second instance when a loaded model is loaded again, so the proxy must
 * load each model at most once however many requests wait for it. A fresh harness per test: loads change state.
 */
class LoadIT {
  private static final String CREATED_AT = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z";
  private ProxyHarness harness;

  @BeforeEach
  void start() {
    harness = ProxyHarness.start();
    harness.simulator().script().tokenInterval(Duration.ofMillis(1));
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void emptyMessagesLoadTheModelAndAnswerDoneReasonLoadAsPlainJson() {
    HttpResponse<String> response = harness.post("/api/chat", "{\"model\":\"google/gemma-3-4b\",\"messages\":[]}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    JsonNode body = Ndjson.json(response.body());
    assertThat(body.path("model").asText()).isEqualTo("google/gemma-3-4b");
    assertThat(body.path("created_at").asText()).matches(CREATED_AT);
    assertThat(body.path("message").toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"\"}");
    assertThat(body.path("done").asBoolean()).isTrue();
    assertThat(body.path("done_reason").asText()).isEqualTo("load");
    assertThat(harness.simulator().log().loadCalls()).isEqualTo(1);
    assertThat(Upstream.body(harness, "/api/v1/models/load").path("model").asText()).isEqualTo("google/gemma-3-4b");
    assertThat(harness.simulator().log().byPath("/v1/chat/completions")).isEmpty();
    assertThat(harness.simulator().catalog().instancesOf("google/gemma-3-4b")).hasSize(1);
  }

  @Test
  void absentMessagesAndEmptyPromptAreLoadsTooAndALoadedModelIsNotLoadedAgain() {
    JsonNode chat = Ndjson.json(harness.post("/api/chat", "{\"model\":\"qwen/qwen3-4b\"}").body());
    JsonNode generate = Ndjson.json(harness.post("/api/generate", "{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"\"}")
        .body());

    assertThat(chat.path("done_reason").asText()).isEqualTo("load");
    assertThat(generate.path("done_reason").asText()).isEqualTo("load");
    assertThat(generate.path("response").asText("missing")).isEmpty();
    assertThat(generate.has("message")).isFalse();
    assertThat(harness.simulator().log().loadCalls()).as("qwen is already loaded: no :2 instance").isZero();
    assertThat(harness.simulator().catalog().instancesOf("qwen/qwen3-4b")).hasSize(1);
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void keepAliveZeroWithEmptyMessagesUnloadsThroughLmStudiosUnloadRoute() {
    HttpResponse<String> response = harness.post("/api/chat",
        "{\"model\":\"qwen/qwen3-4b\",\"messages\":[],\"keep_alive\":0,\"stream\":true}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    JsonNode body = Ndjson.json(response.body());
    assertThat(body.path("done_reason").asText()).isEqualTo("unload");
    assertThat(body.path("done").asBoolean()).isTrue();
    assertThat(Upstream.body(harness, "/api/v1/models/unload").path("instance_id").asText()).isEqualTo("qwen/qwen3-4b");
    assertThat(harness.simulator().catalog().instancesOf("qwen/qwen3-4b")).isEmpty();
    assertThat(harness.simulator().log().byPath("/v1/chat/completions")).isEmpty();
  }

  @Test
  void keepAliveZeroStringOnGenerateUnloadsEveryInstance() {
    harness.simulator().catalog().load("qwen/qwen3-4b", 8192, false);

    JsonNode body = Ndjson.json(harness.post("/api/generate", "{\"model\":\"qwen/qwen3-4b\",\"keep_alive\":\"0s\"}")
        .body());

    assertThat(body.path("done_reason").asText()).isEqualTo("unload");
    assertThat(body.path("response").asText("missing")).isEmpty();
    assertThat(harness.simulator().log().byPath("/api/v1/models/unload")).hasSize(2);
    assertThat(harness.simulator().catalog().instancesOf("qwen/qwen3-4b")).isEmpty();
  }

  @Test
  void unloadingAModelThatIsNotLoadedStillAnswersUnload() {
    JsonNode body = Ndjson.json(harness.post("/api/chat",
        "{\"model\":\"google/gemma-3-4b\",\"messages\":[],\"keep_alive\":0}").body());

    assertThat(body.path("done_reason").asText()).isEqualTo("unload");
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void concurrentRequestsForANotLoadedModelShareExactlyOneLoad() throws Exception {
    harness.simulator().script().loadDelay(Duration.ofMillis(400));
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String body = i % 2 == 0
          ? "{\"model\":\"google/gemma-3-4b\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
          : "{\"model\":\"google/gemma-3-4b\",\"messages\":[]}";
      answers.add(CompletableFuture.supplyAsync(() -> harness.post("/api/chat", body)));
    }
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    assertThat(harness.simulator().log().loadCalls()).isEqualTo(1);
    assertThat(harness.simulator().catalog().instancesOf("google/gemma-3-4b")).extracting(SimulatedInstance::id)
        .containsExactly("google/gemma-3-4b");
    List<RecordedRequest> chats = harness.simulator().log().byPath("/v1/chat/completions");
    assertThat(chats).hasSize(3);
  }

  @Test
  void clientHangingUpWhileItsModelLoadsNeverReachesInferenceButTheLoadCompletes() {
    harness.simulator().script().loadDelay(Duration.ofMillis(300));
    RawHttp client = RawHttp.connect(harness.port()).send("POST", "/api/chat",
        "{\"model\":\"google/gemma-3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    harness.simulator().log().awaitRequest("/api/v1/models/load", Upstream.WAIT);
    client.hangUp();

    await().atMost(Upstream.WAIT).until(() -> !harness.simulator().catalog().instancesOf("google/gemma-3-4b").isEmpty());
    await().pollDelay(Duration.ofMillis(200)).atMost(Upstream.WAIT).until(() -> harness.proxy().activeRequests() == 0);
    assertThat(harness.simulator().log().byPath("/v1/chat/completions")).isEmpty();
    HttpResponse<String> next = harness.post("/api/chat", "{\"model\":\"google/gemma-3-4b\",\"stream\":false,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(harness.simulator().log().loadCalls()).as("the finished load is reused").isEqualTo(1);
  }

  @Test
  void aRequestThatWaitedForALoadReportsLoadDuration() {
    harness.simulator().script().loadDelay(Duration.ofMillis(150));
    Ndjson out = Ndjson.of(harness.post("/api/chat",
        "{\"model\":\"google/gemma-3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).endsWithOneDone();

    long load = out.last().path("load_duration").asLong();
    System.out.printf("load_duration after a 150 ms load: %.1f ms%n", load / 1e6);
    assertThat(load).isGreaterThanOrEqualTo(150_000_000L);
    assertThat(out.last().path("total_duration").asLong()).isGreaterThan(load);
    assertThat(harness.simulator().log().loadCalls()).isEqualTo(1);
  }
}
