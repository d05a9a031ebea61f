package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Greeting, model lists, unknown routes, JSON errors and authentication. */
class RoutesTest {
  @Test
  void greetingUnknownRoutesAndGetOnPostRoutesAnswerTwoHundred() {
    try (LmStudioSimulator simulator = LmStudioSimulator.start(SimulatorOptions.defaults())) {
      SimHttp http = new SimHttp(simulator);
      assertThat(http.get("/lmstudio-greeting").body()).isEqualTo("{\"lmstudio\":true}");

      HttpResponse<String> tags = http.get("/api/tags");
      assertThat(tags.statusCode()).isEqualTo(200);
      assertThat(tags.body()).isEqualTo("{\"error\":\"Unexpected endpoint or method. (GET /api/tags)\"}");
      assertThat(http.get("/v1/completions").body()).contains("(GET /v1/completions)");

      HttpResponse<String> native1 = http.post("/api/v1/chat/nope", "{}");
      assertThat(native1.statusCode()).isEqualTo(404);
      assertThat(native1.body()).isEqualTo("{\"error\":\"Unexpected endpoint or method. (POST /api/v1/chat/nope)\"}");
      assertThat(tags.headers().firstValue("x-powered-by")).hasValue("Express");
    }
  }

  @Test
  void openAiListShowsAllDownloadedModelsWithJitAndExtraInstances() {
    try (LmStudioSimulator simulator = LmStudioSimulator.start(SimulatorOptions.defaults())) {
      simulator.catalog().load("qwen/qwen3-4b", 8192, false);

      String body = new SimHttp(simulator).get("/v1/models").body();

      assertThat(body).startsWith("{\"data\":[{\"id\":\"qwen/qwen3-4b\",\"object\":\"model\","
          + "\"owned_by\":\"organization_owner\"},{\"id\":\"qwen/qwen3-4b:2\"").endsWith("],\"object\":\"list\"}");
      assertThat(body).contains("\"text-embedding-nomic-embed-text-v1.5\"", "\"google/gemma-3-4b\"");
    }
  }

  @Test
  void openAiListShowsOnlyLoadedInstancesWithoutJit() {
    try (LmStudioSimulator simulator =
        LmStudioSimulator.start(SimulatorOptions.builder().jitEnabled(false).build())) {
      assertThat(new SimHttp(simulator).get("/v1/models").body()).isEqualTo(
          "{\"data\":[{\"id\":\"qwen/qwen3-4b\",\"object\":\"model\",\"owned_by\":\"organization_owner\"}],"
              + "\"object\":\"list\"}");
    }
  }

  @Test
  void v0AndV1ModelListsDescribeStateTypeAndCapabilities() {
    try (LmStudioSimulator simulator = LmStudioSimulator.start(SimulatorOptions.defaults())) {
      SimHttp http = new SimHttp(simulator);
      JsonNode v0 = SimHttp.json(http.get("/api/v0/models"));
      assertThat(v0.at("/data/0/state").asText()).isEqualTo("loaded");
      assertThat(v0.at("/data/0/loaded_context_length").asInt()).isEqualTo(4096);
      assertThat(v0.at("/data/0/capabilities").toString()).isEqualTo("[\"tool_use\"]");
      assertThat(v0.at("/data/3/type").asText()).isEqualTo("embeddings");
      assertThat(v0.at("/data/1").has("loaded_context_length")).isFalse();

      JsonNode one = SimHttp.json(http.get("/api/v0/models/google/gemma-3-4b"));
      assertThat(one.get("type").asText()).isEqualTo("vlm");
      assertThat(http.get("/api/v0/models/nope").statusCode()).isEqualTo(404);

      JsonNode v1 = SimHttp.json(http.get("/api/v1/models"));
      assertThat(v1.at("/models/0/capabilities/reasoning/allowed_options").toString()).isEqualTo("[\"off\",\"on\"]");
      assertThat(v1.at("/models/0/loaded_instances/0/config/context_length").asInt()).isEqualTo(4096);
      assertThat(v1.at("/models/1/capabilities/vision").asBoolean()).isTrue();
      assertThat(v1.at("/models/3/type").asText()).isEqualTo("embedding");
      assertThat(v1.at("/models/3").has("capabilities")).isFalse();
      assertThat(v1.at("/models/3/params_string").isNull()).isTrue();
    }
  }

  @Test
  void invalidJsonIsA400NamingThePosition() {
    try (LmStudioSimulator simulator = LmStudioSimulator.start(SimulatorOptions.defaults())) {
      HttpResponse<String> response = new SimHttp(simulator).post("/v1/chat/completions", "{\"model\": [1, 2 }");

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(SimHttp.json(response).get("error").asText()).contains("in JSON at position 16 (line 1 column 17)");
    }
  }

  @Test
  void authRequiresTheBearerTokenButLeavesTheGreetingOpen() {
    SimulatorOptions options = SimulatorOptions.builder().requireAuthToken("sk-lm-test").build();
    try (LmStudioSimulator simulator = LmStudioSimulator.start(options)) {
      SimHttp http = new SimHttp(simulator);
      HttpResponse<String> missing = http.get("/v1/models");
      assertThat(missing.statusCode()).isEqualTo(401);
      JsonNode error = SimHttp.json(missing).get("error");
      assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
      assertThat(error.get("message").asText()).startsWith("An LM Studio API token is required to make requests to "
          + "this server, but none was provided using the Authorization header using the 'Bearer' scheme");

      HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/v1/models"))
          .header("Authorization", "Bearer sk-lm-other").build());
      assertThat(wrong.statusCode()).isEqualTo(401);
      HttpResponse<String> right = http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/v1/models"))
          .header("Authorization", "Bearer sk-lm-test").build());
      assertThat(right.statusCode()).isEqualTo(200);
      assertThat(http.get("/lmstudio-greeting").statusCode()).isEqualTo(200);
      assertThat(simulator.log().byPath("/v1/models")).hasSize(3);
      assertThat(simulator.log().byPath("/v1/models").get(2).header("authorization")).isEqualTo("Bearer sk-lm-test");
    }
  }

  @Test
  void messagesAlsoTakeTheTokenAsXApiKeyAndOnlyThere() {
    SimulatorOptions options = SimulatorOptions.builder().requireAuthToken("sk-lm-test").build();
    try (LmStudioSimulator simulator = LmStudioSimulator.start(options)) {
      SimHttp http = new SimHttp(simulator);
      String ask = "{\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

      HttpResponse<String> keyed = http.send(post(simulator, "/v1/messages", ask).header("x-api-key", "sk-lm-test")
          .build());
      HttpResponse<String> wrongKey = http.send(post(simulator, "/v1/messages", ask)
          .header("x-api-key", "sk-lm-other").build());
      HttpResponse<String> keyedChat = http.send(post(simulator, "/v1/chat/completions", ask)
          .header("x-api-key", "sk-lm-test").build());

      assertThat(keyed.statusCode()).isEqualTo(200);
      assertThat(keyed.body()).contains("\"type\":\"message\"");
      assertThat(wrongKey.statusCode()).isEqualTo(401);
      assertThat(SimHttp.json(wrongKey).at("/error/message").asText())
          .isEqualTo("The provided LM Studio API token is invalid.");
      assertThat(keyedChat.statusCode()).isEqualTo(401);
      assertThat(SimHttp.json(keyedChat).at("/error/message").asText())
          .startsWith("An LM Studio API token is required");
    }
  }

  private static HttpRequest.Builder post(LmStudioSimulator simulator, String path, String json) {
    return HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }
}
