package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.support.ModelServerStub;
import io.github.ollamalmstudioproxy.support.ModelServerStub.Answer;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/ps}, {@code /api/show} and {@code keep_alive:0} over real sockets against canned servers that manage
 * their own models, each answering as its capture or source says (docs/backends.md): llama-server in router mode,
 * llama-swap and vLLM. Each also answers the other servers' routes with its own 404.
 */
class ServerManagedModelsIT {
  private static final String ROUTER_404 = "{\"error\":{\"message\":\"File Not Found\",\"type\":\"not_found_error\","
      + "\"code\":404}}";
  private static final String GO_404 = "404 page not found\n";
  private static final String FASTAPI_404 = "{\"detail\":\"Not Found\"}";
  private static final String UNLOAD = "{\"model\":\"%s\",\"keep_alive\":0}";

  @Test
  void llamaSwapPsListsTheRunningModelAndKeepAliveZeroUnloadsItThroughItsApi() {
    AtomicBoolean running = new AtomicBoolean(true);
    String list = fixture("llama-swap.json");
    try (ModelServerStub swap = ModelServerStub.start(GO_404)
        .on("GET", "/v1/models", body -> Answer.json(running.get() ? list
            : list.replace("\"value\": \"loaded\"", "\"value\": \"unloaded\"")))
        .on("POST", "/api/models/unload/qwen-coder", body -> {
          running.set(false);
          return new Answer(200, "text/plain; charset=utf-8", "OK");
        });
        ProxyHarness proxy = ProxyHarness.startWithBackendUrl(ignored -> swap.url().toString())) {
      JsonNode ps = Ndjson.json(proxy.get("/api/ps").body()).path("models");
      assertThat(ps.size()).isEqualTo(1);
      assertThat(ps.path(0).path("name").asText()).isEqualTo("qwen-coder:latest");
      assertThat(ps.path(0).has("context_length")).as("llama-swap does not say what the server took").isFalse();

      HttpResponse<String> unload = proxy.post("/api/generate", String.format(UNLOAD, "qwen-coder"));

      assertThat(unload.statusCode()).as(unload.body()).isEqualTo(200);
      assertThat(Ndjson.json(unload.body()).path("done_reason").asText()).isEqualTo("unload");
      assertThat(swap.requests()).contains("POST /api/models/unload/qwen-coder {}");
      assertThat(Ndjson.json(proxy.get("/api/ps").body()).path("models").size()).isZero();
    }
  }

  @Test
  void routerPsAndShowTellTheLoadedContextAndKeepAliveZeroUnloadsThroughModelsUnload() {
    // Lists after which the model shows as unloaded: the real router answers its unload before the child server has
    // exited, and lists the model as loaded until then.
    AtomicInteger listsLoaded = new AtomicInteger(Integer.MAX_VALUE);
    try (ModelServerStub router = ModelServerStub.start(ROUTER_404)
        .on("GET", "/v1/models", body -> Answer.json(fixture(listsLoaded.getAndDecrement() > 0
            ? "llama-router-loaded.json" : "llama-router-unloaded.json")))
        .on("POST", "/models/unload", body -> {
          listsLoaded.set(2);
          return Answer.json("{\"success\":true}");
        });
        ProxyHarness proxy = ProxyHarness.startWithBackendUrl(ignored -> router.url().toString())) {
      JsonNode ps = Ndjson.json(proxy.get("/api/ps").body()).path("models");
      assertThat(ps.size()).isEqualTo(1);
      assertThat(ps.path(0).path("context_length").asInt()).isEqualTo(4096);
      JsonNode show = Ndjson.json(proxy.post("/api/show", "{\"model\":\"tiny-llama-random\"}").body());
      assertThat(contextLength(show.path("model_info"))).isEqualTo(65536);

      HttpResponse<String> unload = proxy.post("/api/chat", String.format(UNLOAD, "tiny-llama-random"));

      assertThat(unload.statusCode()).as(unload.body()).isEqualTo(200);
      assertThat(router.requests()).contains("POST /models/unload {\"model\":\"tiny-llama-random\"}");
      assertThat(router.requests()).noneMatch(r -> r.startsWith("POST /api/models/unload"));
      assertThat(Ndjson.json(proxy.get("/api/ps").body()).path("models").size())
          .as("the unload answers once the router stopped listing the model").isZero();
    }
  }

  @Test
  void vllmPsAndShowTellMaxModelLenAndKeepAliveZeroSaysItCannotUnload() {
    try (ModelServerStub vllm = ModelServerStub.start(FASTAPI_404)
        .on("GET", "/v1/models", body -> Answer.json(fixture("vllm.json")));
        ProxyHarness proxy = ProxyHarness.startWithBackendUrl(ignored -> vllm.url().toString())) {
      JsonNode ps = Ndjson.json(proxy.get("/api/ps").body()).path("models");
      assertThat(ps.findValuesAsText("name")).contains("Qwen/Qwen3-8B:latest");
      assertThat(ps.path(0).path("context_length").asInt()).isEqualTo(40960);
      JsonNode show = Ndjson.json(proxy.post("/api/show", "{\"model\":\"Qwen/Qwen3-8B\"}").body());
      assertThat(contextLength(show.path("model_info"))).isEqualTo(40960);

      HttpResponse<String> unload = proxy.post("/api/generate", String.format(UNLOAD, "Qwen/Qwen3-8B"));

      assertThat(unload.statusCode()).isEqualTo(501);
      assertThat(Ndjson.json(unload.body()).path("error").asText())
          .contains("unloading is not supported by this backend", "POST /models/unload",
              "POST /api/models/unload/{model}");
    }
  }

  /** The one {@code <arch>.context_length} in {@code model_info}. */
  private static int contextLength(JsonNode modelInfo) {
    for (Iterator<Map.Entry<String, JsonNode>> it = modelInfo.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().endsWith(".context_length")) {
        return field.getValue().asInt();
      }
    }
    throw new AssertionError("no <arch>.context_length in " + modelInfo);
  }

  private static String fixture(String name) {
    try (InputStream in = ServerManagedModelsIT.class.getResourceAsStream("/catalog/backends/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
