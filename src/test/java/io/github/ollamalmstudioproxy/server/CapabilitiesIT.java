package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import io.github.ollamalmstudioproxy.support.Upstream;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Capabilities enforced as Ollama enforces them, before anything reaches the backend (LM Studio would load the model
 * first): chat with tools needs {@code tools} ({@code ollama/ollama@v0.33.0-rc2:server/routes.go:2610-2613}),
 * refused with {@code "<model name> does not support tools"} ({@code routes.go:211}, {@code server/images.go:45,573})
 * and 400 ({@code routes.go:3109-3110}); clients catch that text and retry without tools. Images need {@code vision},
 * worded with Ollama's own {@code vision} capability error ({@code server/images.go:47}): v0.33's chat route leaves
 * images to its runner, whose llama.cpp message no client knows, while the capability wording is Ollama's.
 */
class CapabilitiesIT extends SimulatorBackedTest {
  private static final String PNG =
      Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0});
  private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
      + "\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]";

  @Test
  void toolsToAModelWithoutToolsAre400DoesNotSupportToolsAndNeverReachTheBackend() {
    // google/gemma-3-4b: LM Studio reports trained_for_tool_use false.
    HttpResponse<String> r = harness.post("/api/chat", "{\"model\":\"google/gemma-3-4b\",\"stream\":false,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]," + TOOLS + "}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("{\"error\":\"google/gemma-3-4b:latest does not support tools\"}");
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void toolsToAModelWithToolsAndAnEmptyToolListPassAsInOllama() {
    assertThat(harness.post("/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"stream\":false,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]," + TOOLS + "}").statusCode()).isEqualTo(200);
    // ollama-python always sends "tools":[]; Ollama asks for the capability only when len(req.Tools) > 0.
    assertThat(harness.post("/api/chat", "{\"model\":\"google/gemma-3-4b\",\"stream\":false,\"tools\":[],"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
  }

  @Test
  void imagesToAModelWithoutVisionAre400OnChatAndGenerate() {
    HttpResponse<String> chat = harness.post("/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":"
        + "\"user\",\"content\":\"what is this?\",\"images\":[\"" + PNG + "\"]}]}");
    HttpResponse<String> generate = harness.post("/api/generate", "{\"model\":\"qwen/qwen3-4b\","
        + "\"prompt\":\"what is this?\",\"images\":[\"" + PNG + "\"]}");

    assertThat(chat.statusCode()).isEqualTo(400);
    assertThat(chat.body()).isEqualTo("{\"error\":\"qwen/qwen3-4b:latest does not support vision\"}");
    assertThat(generate.statusCode()).isEqualTo(400);
    assertThat(generate.body()).isEqualTo("{\"error\":\"qwen/qwen3-4b:latest does not support vision\"}");
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  @Test
  void imagesInAnOlderTurnCountToo() {
    HttpResponse<String> r = harness.post("/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"messages\":["
        + "{\"role\":\"user\",\"content\":\"look\",\"images\":[\"" + PNG + "\"]},"
        + "{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"and now?\"}]}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("does not support vision");
  }

  @Test
  void lmStudio03MetadataIsEnoughToRefuse() {
    try (ProxyHarness v03 = ProxyHarness.start(SimulatorOptions.builder().version("0.3").build())) {
      HttpResponse<String> r = v03.post("/api/chat", "{\"model\":\"google/gemma-3-4b\",\"messages\":[{\"role\":"
          + "\"user\",\"content\":\"weather?\"}]," + TOOLS + "}");

      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).isEqualTo("{\"error\":\"google/gemma-3-4b:latest does not support tools\"}");
    }
  }
}
