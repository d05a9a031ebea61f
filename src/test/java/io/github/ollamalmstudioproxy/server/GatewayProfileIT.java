package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gateway profile against the simulator answering as vLLM behind an inference gateway: the models it lists are
 * loaded at their {@code max_model_len}, nothing asks LM Studio's routes, and requests carry the request id and the
 * client's routing headers (docs/gateway.md).
 */
class GatewayProfileIT {
  private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

  @Test
  void tagsPsAndShowReportEveryListedModelLoadedAtItsMaxModelLen() {
    try (ProxyHarness proxy = ProxyHarness.startGateway()) {
      JsonNode tags = Ndjson.json(proxy.get("/api/tags").body()).path("models");
      assertThat(tags.findValuesAsText("name")).containsExactlyInAnyOrder("qwen/qwen3-4b:latest",
          "google/gemma-3-4b:latest", "meta-llama-3.1-8b-instruct:latest",
          "text-embedding-nomic-embed-text-v1.5:latest");

      JsonNode ps = Ndjson.json(proxy.get("/api/ps").body()).path("models");
      assertThat(ps.size()).isEqualTo(4);
      assertThat(contextOf(ps, "qwen/qwen3-4b:latest")).isEqualTo(32_768);
      assertThat(contextOf(ps, "google/gemma-3-4b:latest")).isEqualTo(131_072);

      JsonNode show = Ndjson.json(proxy.post("/api/show", "{\"model\":\"google/gemma-3-4b\"}").body());
      assertThat(contextLength(show.path("model_info"))).isEqualTo(131_072);

      assertNoLmStudioRoute(proxy);
    }
  }

  @Test
  void aChatStreamsWithTheClientsRequestIdAndRoutingHeadersAndNothingElse() {
    try (ProxyHarness proxy = ProxyHarness.startGateway()) {
      HttpResponse<String> answer = proxy.send(chat(proxy, "{\"model\":\"qwen/qwen3-4b\"," + HI
          + ",\"options\":{\"num_ctx\":8192}}", Map.of("X-Request-Id", "trace-7f3a",
          "x-session-id", "conversation-42", "x-llm-d-inference-objective", "interactive",
          "x-gateway-inference-fairness-id", "team-a", "x-unrelated", "stays-here")));

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      Ndjson.of(answer).endsWithOneDone();
      RecordedRequest sent = onlyChatCompletion(proxy);
      assertThat(sent.header("X-Request-Id")).isEqualTo("trace-7f3a");
      assertThat(sent.header("x-session-id")).isEqualTo("conversation-42");
      assertThat(sent.header("x-llm-d-inference-objective")).isEqualTo("interactive");
      assertThat(sent.header("x-gateway-inference-fairness-id")).isEqualTo("team-a");
      assertThat(sent.header("x-unrelated")).as("only the headers a gateway routes on").isNull();
      // num_ctx cannot change a fleet's context: no load, no reload.
      assertNoLmStudioRoute(proxy);
    }
  }

  @Test
  void withoutAClientIdTheBackendGetsTheProxysOwn() {
    try (ProxyHarness proxy = ProxyHarness.startGateway()) {
      HttpResponse<String> answer = proxy.send(chat(proxy, "{\"model\":\"qwen/qwen3-4b\"," + HI + "}", Map.of()));

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      String proxyId = answer.headers().firstValue("X-Request-Id").orElseThrow();
      assertThat(onlyChatCompletion(proxy).header("X-Request-Id")).isEqualTo(proxyId);
    }
  }

  @Test
  void thePassthroughAddsTheRequestIdToTheClientsHeaders() {
    try (ProxyHarness proxy = ProxyHarness.startGateway()) {
      HttpResponse<String> answer = proxy.send(HttpRequest.newBuilder(proxy.url("/v1/chat/completions"))
          .header("Content-Type", "application/json").header("x-session-id", "conversation-9")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"qwen/qwen3-4b\"," + HI + "}")).build());

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      RecordedRequest sent = onlyChatCompletion(proxy);
      assertThat(sent.header("X-Request-Id")).isEqualTo(answer.headers().firstValue("X-Request-Id").orElseThrow());
      assertThat(sent.header("x-session-id")).isEqualTo("conversation-9");
    }
  }

  @Test
  void keepAliveZeroSaysTheFleetKeepsItsModelsWithoutAskingTheBackend() {
    try (ProxyHarness proxy = ProxyHarness.startGateway()) {
      HttpResponse<String> unload = proxy.post("/api/generate", "{\"model\":\"qwen/qwen3-4b\",\"keep_alive\":0}");

      assertThat(unload.statusCode()).as(unload.body()).isEqualTo(501);
      assertThat(Ndjson.json(unload.body()).path("error").asText()).contains("inference gateway");
      assertThat(proxy.simulator().log().all()).extracting(RecordedRequest::pathOnly).containsOnly("/v1/models");
      assertThat(Ndjson.json(proxy.get("/api/ps").body()).path("models").size()).isEqualTo(4);
    }
  }

  @Test
  void aBackendOfTheDefaultProfileGetsNoneOfTheseHeaders() {
    try (ProxyHarness proxy = ProxyHarness.start()) {
      HttpResponse<String> answer = proxy.send(chat(proxy, "{\"model\":\"qwen/qwen3-4b\"," + HI + "}",
          Map.of("X-Request-Id", "trace-1", "x-session-id", "conversation-1")));

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      RecordedRequest sent = onlyChatCompletion(proxy);
      assertThat(sent.header("X-Request-Id")).isNull();
      assertThat(sent.header("x-session-id")).isNull();
    }
  }

  private static HttpRequest chat(ProxyHarness proxy, String body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(proxy.url("/api/chat"))
        .header("Content-Type", "application/json");
    headers.forEach(request::header);
    return request.POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static RecordedRequest onlyChatCompletion(ProxyHarness proxy) {
    List<RecordedRequest> sent = proxy.simulator().log().byPath("/v1/chat/completions");
    assertThat(sent).hasSize(1);
    return sent.get(0);
  }

  private static void assertNoLmStudioRoute(ProxyHarness proxy) {
    assertThat(proxy.simulator().log().all()).extracting(RecordedRequest::pathOnly)
        .noneMatch(path -> path.startsWith("/api/") || path.equals("/lmstudio-greeting"));
  }

  private static int contextOf(JsonNode ps, String name) {
    for (JsonNode model : ps) {
      if (model.path("name").asText().equals(name)) {
        return model.path("context_length").asInt();
      }
    }
    throw new AssertionError(name + " not in /api/ps: " + ps);
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
}
