package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.SimulatorModel;
import io.github.ollamalmstudioproxy.simulator.SimulatorModel.ModelType;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import io.github.ollamalmstudioproxy.support.Upstream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/tags}, {@code /api/show} and {@code /api/ps} from LM Studio 0.4's native metadata, name resolution that
 * refuses unknown names before the backend sees them, and the model-management routes that answer 501.
 */
class CatalogIT extends SimulatorBackedTest {
  private static final String HEX64 = "[0-9a-f]{64}";
  @Test
  void tagsListsEveryModelWithNameAndModelTaggedDigestDetailsAndCapabilities() {
    HttpResponse<String> response = harness.get("/api/tags");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    Map<String, JsonNode> byName = byName(Ndjson.json(response.body()).path("models"));
    assertThat(byName.keySet()).containsExactlyInAnyOrder("qwen/qwen3-4b:latest", "google/gemma-3-4b:latest",
        "meta-llama-3.1-8b-instruct:latest", "text-embedding-nomic-embed-text-v1.5:latest");
    for (JsonNode m : byName.values()) {
      assertThat(m.path("model").asText()).isEqualTo(m.path("name").asText());
      assertThat(m.path("digest").asText()).matches(HEX64);
      assertThat(m.path("size").isIntegralNumber()).isTrue();
      assertThat(OffsetDateTime.parse(m.path("modified_at").asText())).isNotNull();
      JsonNode details = m.path("details");
      assertThat(details.path("parent_model").asText("missing")).isEmpty();
      assertThat(details.path("format").asText()).isEqualTo("gguf");
      assertThat(details.path("family").asText()).isNotEmpty();
      assertThat(details.path("quantization_level").asText()).isEqualTo("Q4_K_M");
      assertThat(m.path("capabilities").isArray()).isTrue();
    }
    JsonNode qwen = byName.get("qwen/qwen3-4b:latest");
    assertThat(qwen.path("size").asLong()).isEqualTo(2_497_280_256L);
    assertThat(qwen.path("details").path("family").asText()).isEqualTo("qwen3");
    assertThat(qwen.path("details").path("parameter_size").asText()).isEqualTo("4.0B");
    assertThat(strings(qwen.path("capabilities"))).containsExactly("completion", "tools", "thinking");
    assertThat(strings(byName.get("google/gemma-3-4b:latest").path("capabilities"))).contains("completion", "vision")
        .doesNotContain("tools");
    assertThat(strings(byName.get("text-embedding-nomic-embed-text-v1.5:latest").path("capabilities")))
        .containsExactly("embedding");
    assertThat(Upstream.inference(harness)).as("metadata never loads or runs a model").isEmpty();
  }

  @Test
  void tagsModifiedAtAndDigestAreStableAcrossCallsAndCatalogRefreshes() {
    JsonNode before = Ndjson.json(harness.get("/api/tags").body());
    harness.post("/api/chat", "{\"model\":\"google/gemma-3-4b\"}");
    JsonNode after = Ndjson.json(harness.get("/api/tags").body());

    assertThat(harness.simulator().log().loadCalls()).as("the load invalidated the catalog").isEqualTo(1);
    assertThat(after).isEqualTo(before);
    List<String> times = new ArrayList<>();
    after.path("models").forEach(m -> times.add(m.path("modified_at").asText()));
    List<OffsetDateTime> parsed = times.stream().map(OffsetDateTime::parse).toList();
    for (int i = 1; i < parsed.size(); i++) {
      assertThat(parsed.get(i)).as("newest first").isBeforeOrEqualTo(parsed.get(i - 1));
    }
  }

  @Test
  void headOnTagsAnswers200WithoutABody() {
    HttpResponse<String> head = harness.send(HttpRequest.newBuilder(harness.url("/api/tags"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void showAcceptsModelAndItsDeprecatedAliasName() {
    HttpResponse<String> byModel = harness.post("/api/show", "{\"model\":\"qwen/qwen3-4b\"}");
    HttpResponse<String> byName = harness.post("/api/show", "{\"name\":\"qwen/qwen3-4b:latest\"}");

    assertThat(byModel.statusCode()).isEqualTo(200);
    assertThat(byName.statusCode()).isEqualTo(200);
    assertThat(Ndjson.json(byName.body())).isEqualTo(Ndjson.json(byModel.body()));
    HttpResponse<String> neither = harness.post("/api/show", "{}");
    assertThat(neither.statusCode()).isEqualTo(400);
    assertThat(neither.body()).isEqualTo("{\"error\":\"model is required\"}");
  }

  @Test
  void showReportsContextLengthCapabilitiesAndNumCtxFromRealMetadata() {
    JsonNode qwen = Ndjson.json(harness.post("/api/show", "{\"model\":\"qwen/qwen3-4b\"}").body());

    JsonNode info = qwen.path("model_info");
    assertThat(info.path("general.architecture").asText()).isEqualTo("qwen3");
    assertThat(info.path("general.basename").asText()).isNotEmpty();
    assertThat(info.path("qwen3.context_length").asLong()).isEqualTo(32_768);
    assertThat(strings(qwen.path("capabilities"))).containsExactly("completion", "tools", "thinking");
    assertThat(qwen.path("parameters").asText()).matches("(?s).*num_ctx\\s+4096.*");
    assertThat(qwen.path("modelfile").asText()).contains("\nFROM qwen/qwen3-4b:latest\n");
    assertThat(qwen.path("template").asText()).isNotEmpty();
    assertThat(qwen.path("details").path("family").asText()).isEqualTo("qwen3");
    assertThat(OffsetDateTime.parse(qwen.path("modified_at").asText())).isNotNull();

    JsonNode gemma = Ndjson.json(harness.post("/api/show", "{\"model\":\"google/gemma-3-4b\"}").body());
    assertThat(gemma.path("model_info").path("gemma3.context_length").asLong()).isEqualTo(131_072);
    assertThat(strings(gemma.path("capabilities"))).containsExactly("completion", "vision");

    JsonNode llama = Ndjson.json(harness.post("/api/show", "{\"model\":\"meta-llama-3.1-8b-instruct\"}").body());
    assertThat(llama.path("model_info").path("llama.context_length").asLong()).isEqualTo(131_072);
    assertThat(llama.path("parameters").asText()).as("not loaded, and no load told what one gives").isEmpty();

    JsonNode embed = Ndjson.json(harness.post("/api/show", "{\"model\":\"text-embedding-nomic-embed-text-v1.5\"}")
        .body());
    assertThat(strings(embed.path("capabilities"))).containsExactly("embedding");
    assertThat(embed.path("model_info").isObject()).isTrue();
    assertThat(Upstream.inference(harness)).as("show never loads a model").isEmpty();
  }

  /**
   * Copilot Chat shows {@code general.basename} as the model's name, so Ollama answers its {@code User-Agent} with
   * the name as requested ({@code ollama/ollama@v0.33.0-rc2:server/routes.go:63, 1320, 1383-1391}); every other
   * client keeps the backend's display name.
   */
  @Test
  void showEchoesTheRequestedNameAsBasenameForCopilotChatOnly() {
    String body = "{\"model\":\"qwen/qwen3-4b:latest\"}";
    HttpResponse<String> copilot = harness.send(HttpRequest.newBuilder(harness.url("/api/show"))
        .header("User-Agent", "GitHubCopilotChat/0.31.2").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    HttpResponse<String> other = harness.send(HttpRequest.newBuilder(harness.url("/api/show"))
        .header("User-Agent", "ollama-js/0.6.4").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    HttpResponse<String> legacyName = harness.send(HttpRequest.newBuilder(harness.url("/api/show"))
        .header("User-Agent", "GitHubCopilotChat/0.31.2")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Qwen/Qwen3-4B\"}")).build());

    assertThat(Ndjson.json(copilot.body()).path("model_info").path("general.basename").asText())
        .isEqualTo("qwen/qwen3-4b:latest");
    assertThat(Ndjson.json(legacyName.body()).path("model_info").path("general.basename").asText())
        .as("the string as sent, not the canonical name").isEqualTo("Qwen/Qwen3-4B");
    assertThat(Ndjson.json(other.body()).path("model_info").path("general.basename").asText()).isEqualTo("Qwen3 4B");
  }

  @Test
  void unknownModelIs404NotFoundEverywhereAndNothingReachesTheBackendsInferenceRoutes() {
    Map<String, String> expected = Map.of(
        "/api/chat", "{\"error\":\"model 'llama3.2' not found\"}",
        "/api/generate", "{\"error\":\"model 'llama3.2' not found\"}",
        "/api/show", "{\"error\":\"model 'llama3.2' not found\"}",
        "/api/embed", "{\"error\":\"model \\\"llama3.2\\\" not found, try pulling it first\"}",
        "/api/embeddings", "{\"error\":\"model \\\"llama3.2\\\" not found, try pulling it first\"}");
    String body = "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"prompt\":\"hi\","
        + "\"input\":\"hi\"}";
    expected.forEach((path, error) -> {
      HttpResponse<String> response = harness.post(path, body);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.body()).as(path).isEqualTo(error);
    });
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void embeddingModelDoesNotSupportChatOrGenerateAndIsNeverLoadedForThem() {
    String name = "text-embedding-nomic-embed-text-v1.5";
    HttpResponse<String> chat = harness.post("/api/chat", "{\"model\":\"" + name + "\",\"messages\":[{\"role\":"
        + "\"user\",\"content\":\"hi\"}]}");
    HttpResponse<String> preload = harness.post("/api/chat", "{\"model\":\"" + name + "\"}");
    HttpResponse<String> generate = harness.post("/api/generate", "{\"model\":\"" + name + "\",\"prompt\":\"hi\"}");

    assertThat(chat.statusCode()).isEqualTo(400);
    assertThat(chat.body()).isEqualTo("{\"error\":\"\\\"" + name + "\\\" does not support chat\"}");
    assertThat(preload.statusCode()).isEqualTo(400);
    assertThat(generate.statusCode()).isEqualTo(400);
    assertThat(generate.body()).isEqualTo("{\"error\":\"\\\"" + name + "\\\" does not support generate\"}");
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void namesResolveCaseInsensitivelyWithOrWithoutLatestAndWithoutAUniquePublisher() {
    for (String name : List.of("qwen/qwen3-4b", "QWEN/Qwen3-4B:latest", "qwen3-4b", "qwen3-4b:latest")) {
      HttpResponse<String> response = harness.post("/api/chat", "{\"model\":\"" + name + "\",\"stream\":false,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertThat(response.statusCode()).as(name).isEqualTo(200);
      assertThat(Ndjson.json(response.body()).path("model").asText()).isEqualTo(name);
    }
    assertThat(harness.simulator().log().byPath("/v1/chat/completions"))
        .allSatisfy(r -> assertThat(Ndjson.json(r.body()).path("model").asText()).isEqualTo("qwen/qwen3-4b"));
    assertThat(harness.post("/api/show", "{\"model\":\"qwen3\"}").statusCode()).as("no prefix matching")
        .isEqualTo(404);
    assertThat(harness.post("/api/show", "{\"model\":\"qwen/qwen3-4b:q8_0\"}").statusCode()).as("another tag")
        .isEqualTo(404);
  }

  @Test
  void psListsExactlyTheLoadedInstancesWithTheirContextLength() {
    JsonNode ps = Ndjson.json(harness.get("/api/ps").body());

    assertThat(ps.path("models").size()).isEqualTo(1);
    JsonNode qwen = ps.path("models").path(0);
    assertThat(qwen.path("name").asText()).isEqualTo("qwen/qwen3-4b:latest");
    assertThat(qwen.path("model").asText()).isEqualTo("qwen/qwen3-4b:latest");
    assertThat(qwen.path("context_length").asInt()).isEqualTo(4096);
    assertThat(qwen.path("digest").asText()).matches(HEX64);
    assertThat(qwen.path("size").asLong()).isPositive();
    assertThat(qwen.path("size_vram").isIntegralNumber()).isTrue();
    assertThat(OffsetDateTime.parse(qwen.path("expires_at").asText())).isAfter(OffsetDateTime.now());
    assertThat(qwen.path("details").path("family").asText()).isEqualTo("qwen3");
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void modelManagementRoutesAre501PointingAtLmStudio() {
    // /api/create, /api/copy, /api/delete and /api/blobs: ModelAliasIT.
    List<HttpRequest> requests = List.of(
        post("/api/push", "{\"model\":\"x\"}"));
    for (HttpRequest request : requests) {
      HttpResponse<String> response = harness.send(request);
      assertThat(response.statusCode()).as(request.uri().getPath()).isEqualTo(501);
      assertThat(Ndjson.json(response.body()).path("error").asText()).as(request.uri().getPath())
          .endsWith(" not supported: models are managed in LM Studio");
    }
    assertThat(harness.simulator().log().all()).isEmpty();
  }

  @Test
  void gpt4oMiniNeverResolvesToALoadedLookAlike() {
    SimulatorModel gptOss = new SimulatorModel("openai/gpt-oss-20b", ModelType.LLM, "openai", "gpt-oss 20B",
        "gpt-oss", "gguf", "MXFP4", 4, 12_109_565_632L, "20B", 131_072, true, List.of("low", "medium", "high"),
        "medium");
    SimulatorOptions options = SimulatorOptions.builder().models(List.of(gptOss))
        .preload("openai/gpt-oss-20b", 8192).build();
    try (ProxyHarness single = ProxyHarness.start(options)) {
      for (String path : List.of("/api/chat", "/api/show", "/api/generate")) {
        HttpResponse<String> response = single.post(path, "{\"model\":\"gpt-4o-mini\",\"prompt\":\"hi\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).as(path).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"error\":\"model 'gpt-4o-mini' not found\"}");
      }
      assertThat(Upstream.inference(single)).as("LM Studio would serve it with the loaded model").isEmpty();
      assertThat(single.post("/api/show", "{\"model\":\"gpt-oss-20b\"}").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void emptyBackendCatalogListsAnEmptyArrayNeverNull() {
    try (ProxyHarness empty = ProxyHarness.start(SimulatorOptions.builder().models(List.of()).build())) {
      assertThat(empty.get("/api/tags").body()).isEqualTo("{\"models\":[]}");
      assertThat(empty.get("/api/ps").body()).isEqualTo("{\"models\":[]}");
    }
  }

  private static HttpRequest post(String path, String body) {
    return HttpRequest.newBuilder(harness.url(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static Map<String, JsonNode> byName(JsonNode models) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    models.forEach(m -> out.put(m.path("name").asText(), m));
    return out;
  }

  private static List<String> strings(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
