package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.ManualClock;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.upstream.CatalogService;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The catalog on older and absent backends: LM Studio 0.3 (only {@code /api/v0} metadata, no native load routes), and
 * a backend that is down (502 naming it, or the last good list while one exists).
 */
class LegacyBackendIT {
  private static final SimulatorOptions V03 = SimulatorOptions.builder().version("0.3").build();

  @Test
  void v03TagsAndShowComeFromApiV0Metadata() {
    try (ProxyHarness harness = ProxyHarness.start(V03)) {
      Map<String, JsonNode> tags = byName(Ndjson.json(harness.get("/api/tags").body()).path("models"));

      assertThat(tags.keySet()).containsExactlyInAnyOrder("qwen/qwen3-4b:latest", "google/gemma-3-4b:latest",
          "meta-llama-3.1-8b-instruct:latest", "text-embedding-nomic-embed-text-v1.5:latest");
      assertThat(harness.simulator().log().byPath("/api/v0/models")).isNotEmpty();
      JsonNode qwen = tags.get("qwen/qwen3-4b:latest");
      assertThat(qwen.path("digest").asText()).matches("[0-9a-f]{64}");
      assertThat(qwen.path("size").asLong()).as("estimated from parameters and quantization").isPositive();
      assertThat(qwen.path("details").path("quantization_level").asText()).isEqualTo("Q4_K_M");
      assertThat(qwen.path("details").path("family").asText()).isEqualTo("qwen3");
      assertThat(strings(qwen.path("capabilities"))).contains("completion", "tools");
      assertThat(strings(tags.get("google/gemma-3-4b:latest").path("capabilities"))).contains("vision");
      assertThat(strings(tags.get("text-embedding-nomic-embed-text-v1.5:latest").path("capabilities")))
          .containsExactly("embedding");

      JsonNode show = Ndjson.json(harness.post("/api/show", "{\"name\":\"qwen/qwen3-4b\"}").body());
      assertThat(show.path("model_info").path("general.architecture").asText()).isEqualTo("qwen3");
      assertThat(show.path("model_info").path("qwen3.context_length").asLong()).isEqualTo(32_768);
      assertThat(show.path("parameters").asText()).matches("(?s).*num_ctx\\s+4096.*");
    }
  }

  @Test
  void v03PsListsTheLoadedModelWithItsLoadedContext() {
    try (ProxyHarness harness = ProxyHarness.start(V03)) {
      JsonNode models = Ndjson.json(harness.get("/api/ps").body()).path("models");

      assertThat(models.size()).isEqualTo(1);
      assertThat(models.path(0).path("model").asText()).isEqualTo("qwen/qwen3-4b:latest");
      assertThat(models.path(0).path("context_length").asInt()).isEqualTo(4096);
    }
  }

  @Test
  void v03ChatOnANotLoadedModelLeavesLoadingToTheBackendsJit() {
    try (ProxyHarness harness = ProxyHarness.start(V03)) {
      HttpResponse<String> chat = harness.post("/api/chat", "{\"model\":\"meta-llama-3.1-8b-instruct\","
          + "\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      HttpResponse<String> preload = harness.post("/api/chat", "{\"model\":\"google/gemma-3-4b\"}");

      assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
      Ndjson streamed = Ndjson.of(harness.post("/api/chat", "{\"model\":\"qwen/qwen3-4b\","
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).endsWithOneDone();
      assertThat(streamed.body()).as("0.3 repeats the role in every delta; none is an empty line")
          .allSatisfy(l -> assertThat(l.path("message").path("content").asText()).isNotEmpty());
      assertThat(Ndjson.json(chat.body()).path("done_reason").asText()).isEqualTo("stop");
      assertThat(Ndjson.json(preload.body()).path("done_reason").asText()).isEqualTo("load");
      assertThat(harness.simulator().log().byPath("/api/v1/models/load")).isEmpty();
    }
  }

  @Test
  void v03UnloadIsNotSupportedAndSaysWhy() {
    try (ProxyHarness harness = ProxyHarness.start(V03)) {
      HttpResponse<String> response = harness.post("/api/chat",
          "{\"model\":\"qwen/qwen3-4b\",\"messages\":[],\"keep_alive\":0}");

      assertThat(response.statusCode()).isEqualTo(501);
      assertThat(Ndjson.json(response.body()).path("error").asText()).contains("unload");
      assertThat(harness.simulator().catalog().instancesOf("qwen/qwen3-4b")).hasSize(1);
    }
  }

  @Test
  void backendDownMakesTagsShowAndChatA502NamingTheBackendUrl() throws IOException {
    URI dead = URI.create("http://127.0.0.1:" + freePort());
    try (ProxyHarness harness = ProxyHarness.withoutBackend(dead)) {
      for (HttpResponse<String> response : List.of(harness.get("/api/tags"), harness.get("/api/ps"),
          harness.post("/api/show", "{\"model\":\"qwen/qwen3-4b\"}"),
          harness.post("/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))) {
        assertThat(response.statusCode()).as(response.uri().getPath()).isEqualTo(502);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(Ndjson.json(response.body()).path("error").asText()).as(response.uri().getPath())
            .contains(dead.toString().replaceAll("/$", ""));
      }
    }
  }

  @Test
  void lastGoodListIsServedWhileTheBackendIsDown() {
    ManualClock clock = new ManualClock();
    try (ProxyHarness harness = ProxyHarness.startWithCatalogClock(clock)) {
      String before = harness.get("/api/tags").body();
      harness.simulator().close();
      clock.advance(CatalogService.TTL.plusMillis(500));

      HttpResponse<String> after = harness.get("/api/tags");
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(after.body()).isEqualTo(before);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
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
