package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.SimulatorModel;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1} is Ollama's OpenAI layer, not a blind pipe: names are the {@code /api/tags} names, resolved like
 * {@code /api/chat} resolves them (Ollama's {@code server/routes.go} sends its {@code /v1} routes through the same
 * handlers), and only the {@code model} field changes on the way.
 */
class OpenAiLayerIT extends SimulatorBackedTest {
  private static final String TAGS_NAME = "qwen/qwen3-4b:latest";
  private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

  private static String chat(String model, boolean stream) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
        + "\"hi \\u00e9 \\ud83d\\ude42\"}],  \"temperature\" : 0.50}";
  }

  @Test
  void modelsListsTheTagsNamesAndEachIdWorksOnApiChat() {
    JsonNode list = Ndjson.json(harness.get("/v1/models").body());
    List<String> ids = new ArrayList<>();
    list.get("data").forEach(m -> ids.add(m.get("id").asText()));
    List<String> tags = new ArrayList<>();
    Ndjson.json(harness.get("/api/tags").body()).get("models").forEach(m -> tags.add(m.get("model").asText()));
    assertThat(list.get("object").asText()).isEqualTo("list");
    assertThat(ids).isEqualTo(tags).contains(TAGS_NAME);
    for (JsonNode m : list.get("data")) {
      assertThat(m.get("object").asText()).isEqualTo("model");
      assertThat(m.get("created").asLong()).isPositive();
    }
    assertThat(harness.post("/api/chat", "{\"model\":\"" + ids.get(0) + "\",\"stream\":false,\"messages\":[{"
        + "\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isIn(200, 400);
  }

  @Test
  void oneModelIsAnsweredAndAnUnknownOneIsOpenAisNotFound() {
    HttpResponse<String> one = harness.get("/v1/models/" + TAGS_NAME);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(Ndjson.json(one.body()).get("id").asText()).isEqualTo(TAGS_NAME);
    assertThat(Ndjson.json(one.body()).get("owned_by").asText()).isEqualTo("qwen");
    HttpResponse<String> missing = harness.get("/v1/models/gpt-4o-mini");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).isEqualTo("{\"error\":{\"message\":\"model 'gpt-4o-mini' not found\","
        + "\"type\":\"not_found_error\",\"param\":null,\"code\":null}}");
  }

  @Test
  void aTagsNameIsResolvedAndEveryOtherByteReachesTheBackendAsSent() {
    String sent = chat(TAGS_NAME, false);
    HttpResponse<String> response = harness.post("/v1/chat/completions", sent);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    RecordedRequest seen = harness.simulator().log().awaitRequest("/v1/chat/completions", Duration.ofSeconds(5));
    assertThat(seen.body()).isEqualTo(sent.replace(TAGS_NAME, "qwen/qwen3-4b"));
  }

  @Test
  void namesResolveAsOnApiChatCaseAndPublisherAndLatestAlike() {
    for (String name : List.of("QWEN/Qwen3-4B", "qwen3-4b", "qwen3-4b:latest", "qwen/qwen3-4b")) {
      harness.simulator().log().clear();
      assertThat(harness.post("/v1/chat/completions", chat(name, false)).statusCode()).as(name).isEqualTo(200);
      assertThat(Ndjson.json(harness.simulator().log().awaitRequest("/v1/chat/completions", Duration.ofSeconds(5))
          .body()).get("model").asText()).as(name).isEqualTo("qwen/qwen3-4b");
    }
  }

  /**
   * Ollama's {@code /v1/chat/completions} runs its {@code /api/chat} handler (ChatMiddleware then ChatHandler,
   * {@code ollama/ollama@v0.33.0-rc2:server/routes.go:1916}), so the same capability refusal applies, in OpenAI's
   * error shape ({@code openai/openai.go:225-236}: 400 is {@code invalid_request_error}).
   */
  @Test
  void toolsOrImagesAModelLacksAreRefusedInOpenAisShapeBeforeTheBackend() {
    HttpResponse<String> tools = harness.post("/v1/chat/completions", "{\"model\":\"google/gemma-3-4b\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}],\"tools\":[{\"type\":\"function\","
        + "\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]}");
    HttpResponse<String> image = harness.post("/v1/chat/completions", "{\"model\":\"qwen/qwen3-4b:latest\","
        + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what?\"},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}}]}]}");

    assertThat(tools.statusCode()).isEqualTo(400);
    JsonNode toolsError = Ndjson.json(tools.body()).path("error");
    assertThat(toolsError.path("message").asText()).isEqualTo("google/gemma-3-4b:latest does not support tools");
    assertThat(toolsError.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(image.statusCode()).isEqualTo(400);
    assertThat(Ndjson.json(image.body()).path("error").path("message").asText())
        .isEqualTo("qwen/qwen3-4b:latest does not support vision");
    assertThat(harness.simulator().log().byPath("/v1/chat/completions")).isEmpty();
    assertThat(harness.post("/v1/chat/completions", "{\"model\":\"google/gemma-3-4b\",\"tools\":[],"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
  }

  @Test
  void anUnknownNameIsA404AndTheBackendHearsNothing() {
    for (String path : List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses")) {
      HttpResponse<String> response = harness.post(path, "{\"model\":\"gpt-4o-mini\",\"input\":\"x\",\"prompt\":\"x\"}");
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.body()).as(path).isEqualTo("{\"error\":{\"message\":\"model 'gpt-4o-mini' not found\","
          + "\"type\":\"not_found_error\",\"param\":null,\"code\":null}}");
    }
    HttpResponse<String> messages = harness.post("/v1/messages", "{\"model\":\"gpt-4o-mini\",\"max_tokens\":5}");
    assertThat(messages.statusCode()).isEqualTo(404);
    assertThat(messages.body()).contains("\"type\":\"error\"", "not_found_error", "model 'gpt-4o-mini' not found");
    // The catalog may refresh its model list meanwhile; no request of the client's reached the backend.
    assertThat(harness.simulator().log().all()).allMatch(r -> r.method().equals("GET"));
  }

  @Test
  void badBodiesAre400sInOpenAisShapeAndReachNothing() {
    HttpResponse<String> broken = harness.post("/v1/chat/completions", "{\"model\":\"x\",\n\"messages\":[}");
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(broken.body()).startsWith("{\"error\":{\"message\":\"invalid JSON at line 2, column 13: ")
        .contains("\"type\":\"invalid_request_error\"");
    HttpResponse<String> wrongType = harness.post("/v1/chat/completions", "{\"model\":42}");
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(wrongType.body()).contains("invalid value for \\\"model\\\": expected a string, got number");
    assertThat(harness.simulator().log().all()).isEmpty();
  }

  @Test
  void aBodyWithoutModelOrNotJsonPassesAsSent() {
    String noModel = "{\"input\":\"x\"}";
    harness.post("/v1/embeddings", noModel);
    assertThat(harness.simulator().log().awaitRequest("/v1/embeddings", Duration.ofSeconds(5)).body())
        .isEqualTo(noModel);
    harness.simulator().log().clear();
    String text = "model=qwen3-4b:latest&raw";
    harness.send(HttpRequest.newBuilder(harness.url("/v1/audio/transcriptions")).header("Content-Type",
        "multipart/form-data; boundary=x").POST(HttpRequest.BodyPublishers.ofString(text)).build());
    assertThat(harness.simulator().log().awaitRequest("/v1/audio/transcriptions", Duration.ofSeconds(5)).body())
        .isEqualTo(text);
  }

  @Test
  void reasoningArrivesInOllamasFieldAndTheBackendsOwnStaysToo() {
    harness.simulator().script().reasoning(List.of("Let", " me", " think")).tokens(List.of("Hi"));
    List<String> lines = harness.sendLines(HttpRequest.newBuilder(harness.url("/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(chat(TAGS_NAME, true))).build()).body()
        .collect(Collectors.toList());
    String thinking = lines.stream().filter(l -> l.startsWith("data: {"))
        .map(l -> Ndjson.json(l.substring(6)).path("choices").path(0).path("delta"))
        .filter(d -> d.has("reasoning_content"))
        .map(d -> {
          assertThat(d.get("reasoning").asText()).isEqualTo(d.get("reasoning_content").asText());
          return d.get("reasoning").asText();
        }).collect(Collectors.joining());
    assertThat(thinking).isEqualTo("Let me think");
    assertThat(lines).contains("data: [DONE]");

    HttpResponse<String> whole = harness.post("/v1/chat/completions", chat(TAGS_NAME, false));
    JsonNode message = Ndjson.json(whole.body()).path("choices").path(0).path("message");
    assertThat(message.path("reasoning").asText()).isEqualTo("Let me think");
    assertThat(message.path("reasoning_content").asText()).isEqualTo("Let me think");
  }

  @Test
  void aHangUpOnAResolvedStreamStillResetsTheBackendAtOnce() {
    harness.simulator().script().tokenInterval(Duration.ofMillis(200));
    try (RawHttp client = RawHttp.connect(harness.port())) {
      client.send("POST", "/v1/chat/completions", chat(TAGS_NAME, true)).readUntil("data: ");
      RecordedRequest upstream = harness.simulator().log().awaitRequest("/v1/chat/completions",
          Duration.ofSeconds(5));
      long hungUp = client.hangUp();
      long closed = harness.simulator().log().awaitClientClose(upstream, Duration.ofSeconds(2));
      assertThat(Duration.ofNanos(closed - hungUp)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void messagesAndResponsesGoToABackendThatServesThemWithTheBackendsId() {
    String messages = "{\"model\":\"" + TAGS_NAME + "\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hi\"}]}";
    HttpResponse<String> anthropic = harness.post("/v1/messages", messages);
    assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(200);
    assertThat(Ndjson.json(anthropic.body()).get("type").asText()).isEqualTo("message");
    assertThat(Ndjson.json(harness.simulator().log().awaitRequest("/v1/messages", Duration.ofSeconds(5)).body())
        .get("model").asText()).isEqualTo("qwen/qwen3-4b");
    HttpResponse<String> responses = harness.post("/v1/responses", "{\"model\":\"" + TAGS_NAME
        + "\",\"input\":\"hi\"}");
    assertThat(responses.statusCode()).as(responses.body()).isEqualTo(200);
    assertThat(Ndjson.json(responses.body()).get("object").asText()).isEqualTo("response");
    assertThat(harness.simulator().log().byPath("/v1/chat/completions")).isEmpty();
  }

  @Test
  void aBackendWithoutMessagesOrResponsesGetsThemTranslatedFoundOutOnce() {
    try (ProxyHarness old = ProxyHarness.start(SimulatorOptions.builder().nativeResponsesAndMessages(false)
        .build())) {
      String messages = "{\"model\":\"" + TAGS_NAME + "\",\"max_tokens\":20,\"stream\":true,\"messages\":[{"
          + "\"role\":\"user\",\"content\":\"hi\"}]}";
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> anthropic = old.post("/v1/messages", messages);
        assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(200);
        assertThat(anthropic.headers().firstValue("content-type")).hasValueSatisfying(
            type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(anthropic.body()).contains("event: message_start", "event: content_block_delta",
            "event: message_stop");
      }
      assertThat(old.simulator().log().byPath("/v1/messages")).as("found out once").hasSize(1);
      assertThat(old.simulator().log().byPath("/v1/chat/completions")).hasSize(2);

      HttpResponse<String> responses = old.post("/v1/responses", "{\"model\":\"" + TAGS_NAME
          + "\",\"input\":\"hi\"}");
      assertThat(responses.statusCode()).as(responses.body()).isEqualTo(200);
      JsonNode response = Ndjson.json(responses.body());
      assertThat(response.get("object").asText()).isEqualTo("response");
      assertThat(response.get("status").asText()).isEqualTo("completed");
      assertThat(response.get("model").asText()).isEqualTo(TAGS_NAME);
      assertThat(old.simulator().log().byPath("/v1/chat/completions")).hasSize(3);
    }
  }

  @Test
  void copilotsTextAndImageAsTwoUserMessagesReachAGemmaTemplateAsOneTurn() {
    String image = "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + PNG
        + "\",\"media_type\":\"image/png\"}}";
    String sent = "{\"messages\":[{\"role\":\"user\",\"content\":\"What is in this picture?\"},{\"role\":\"user\","
        + "\"content\":[" + image + "]}],\"model\":\"google/gemma-3-4b:latest\",\"temperature\":0.1,\"stream\":false}";

    HttpResponse<String> response = harness.post("/v1/chat/completions", sent);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    RecordedRequest seen = harness.simulator().log().awaitRequest("/v1/chat/completions", Duration.ofSeconds(5));
    assertThat(Ndjson.json(seen.body()).get("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":["
        + "{\"type\":\"text\",\"text\":\"What is in this picture?\"}," + image + "]}]");
    assertThat(Ndjson.json(seen.body()).get("model").asText()).isEqualTo("google/gemma-3-4b");
  }

  @Test
  void aToolResultWithAnImageKeepsItsTextAndTheImageFollowsForAVisionModel() {
    SimulatorModel visionWithTools = new SimulatorModel("qwen/qwen2.5-vl-7b", SimulatorModel.ModelType.VLM, "qwen",
        "Qwen2.5 VL 7B", "qwen2vl", "gguf", "Q4_K_M", 4, 5_000_000_000L, "7B", 32_768, true, List.of(), null);
    try (ProxyHarness vision = ProxyHarness.start(SimulatorOptions.builder().models(List.of(visionWithTools)).build())) {
      String sent = "{\"model\":\"qwen2.5-vl-7b\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":"
          + "\"Take a screenshot\"},{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_1\","
          + "\"type\":\"function\",\"function\":{\"name\":\"screenshot\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\","
          + "\"tool_call_id\":\"call_1\",\"content\":[{\"type\":\"text\",\"text\":\"taken\"},{\"type\":\"image_url\","
          + "\"image_url\":{\"url\":\"data:image/png;base64," + PNG + "\"}}]}]}";

      HttpResponse<String> response = vision.post("/v1/chat/completions", sent);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode messages = Ndjson.json(vision.simulator().log()
          .awaitRequest("/v1/chat/completions", Duration.ofSeconds(5)).body()).get("messages");
      assertThat(messages.get(2).toString())
          .isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"taken\"}");
      assertThat(messages.get(3).toString()).isEqualTo("{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
          + "\"image_url\":{\"url\":\"data:image/png;base64," + PNG + "\"}}]}");
    }
  }

  @Test
  void withoutTheRepairLmStudioRefusesTwoUserMessagesForGemma() throws Exception {
    // Copilot's shape sent to the simulator directly: what a client got before (LM Studio's literal 400).
    String twoUsers = "{\"model\":\"google/gemma-3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
        + "{\"role\":\"user\",\"content\":\"b\"}]}";
    HttpResponse<String> direct = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(harness.simulator().baseUrl() + "/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(twoUsers)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(direct.statusCode()).isEqualTo(400);
    assertThat(direct.body()).contains("Conversation roles must alternate user/assistant/user/assistant/...");
  }
}
