package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's context windows: loads with {@code context_length} (lowered when memory is short, told only by
 * {@code echo_load_config}), JIT loads at the default, and prompts that do not fit refused with LM Studio's literal
 * overflow text (reference §5), whose {@code n_keep} and {@code n_ctx} are the prompt and the loaded context.
 */
class ContextLengthTest {
  private LmStudioSimulator simulator;

  @AfterEach
  void stop() {
    simulator.close();
  }

  private SimHttp start(SimulatorOptions options) {
    simulator = LmStudioSimulator.start(options);
    simulator.script().tokenInterval(Duration.ZERO).loadDelay(Duration.ZERO);
    return new SimHttp(simulator);
  }

  @Test
  void aLoadTakesTheContextAskedForAndEchoesIt() {
    SimHttp http = start(SimulatorOptions.builder().noPreload().build());

    JsonNode loaded = SimHttp.json(http.post("/api/v1/models/load",
        "{\"model\":\"qwen/qwen3-4b\",\"context_length\":16384,\"echo_load_config\":true}"));

    assertThat(loaded.at("/load_config/context_length").asInt()).isEqualTo(16_384);
    assertThat(simulator.catalog().instancesOf("qwen/qwen3-4b")).extracting(SimulatedInstance::contextLength)
        .containsExactly(16_384);
    JsonNode row = SimHttp.json(http.get("/api/v1/models")).at("/models/0/loaded_instances/0/config");
    assertThat(row.path("context_length").asInt()).isEqualTo(16_384);
  }

  @Test
  void shortMemoryLowersTheContextSilentlyExceptInTheEchoedConfig() {
    SimHttp http = start(SimulatorOptions.builder().noPreload().contextMemoryLimit(8192).build());

    HttpResponse<String> quiet = http.post("/api/v1/models/load",
        "{\"model\":\"qwen/qwen3-4b\",\"context_length\":32768}");
    JsonNode echoed = SimHttp.json(http.post("/api/v1/models/load",
        "{\"model\":\"meta-llama-3.1-8b-instruct\",\"context_length\":32768,\"echo_load_config\":true}"));

    assertThat(quiet.statusCode()).isEqualTo(200);
    assertThat(SimHttp.json(quiet).has("load_config")).isFalse();
    assertThat(echoed.at("/load_config/context_length").asInt()).isEqualTo(8192);
    assertThat(simulator.catalog().instances()).extracting(SimulatedInstance::contextLength)
        .containsExactly(8192, 8192);
  }

  @Test
  void aLoadWithoutContextAndAJitLoadGetTheDefault() {
    SimHttp http = start(SimulatorOptions.builder().noPreload().build());

    JsonNode loaded = SimHttp.json(http.post("/api/v1/models/load",
        "{\"model\":\"qwen/qwen3-4b\",\"echo_load_config\":true}"));
    http.post("/v1/chat/completions",
        "{\"model\":\"meta-llama-3.1-8b-instruct\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(loaded.at("/load_config/context_length").asInt()).isEqualTo(ContextWindow.DEFAULT_CONTEXT_LENGTH);
    assertThat(simulator.catalog().instancesOf("meta-llama-3.1-8b-instruct"))
        .extracting(SimulatedInstance::contextLength).containsExactly(ContextWindow.DEFAULT_CONTEXT_LENGTH);
  }

  @Test
  void aWrongContextLengthIsRefusedInTheV1Shape() {
    SimHttp http = start(SimulatorOptions.builder().noPreload().build());

    HttpResponse<String> response = http.post("/api/v1/models/load",
        "{\"model\":\"qwen/qwen3-4b\",\"context_length\":\"big\"}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(SimHttp.json(response).at("/error/param").asText()).isEqualTo("context_length");
    assertThat(simulator.catalog().instances()).isEmpty();
  }

  @Test
  void aPromptThatDoesNotFitIsRefusedWithLmStudiosWordsAndNumbers() {
    SimHttp http = start(SimulatorOptions.builder().preload("qwen/qwen3-4b", 16).build());

    HttpResponse<String> fits = http.post("/v1/chat/completions", chat("one two three four five six seven"));
    // 4 per message + 12 words = 16 tokens: n_keep 16 >= n_ctx 16.
    HttpResponse<String> over = http.post("/v1/chat/completions", chat("a b c d e f g h i j k l"));

    assertThat(fits.statusCode()).isEqualTo(200);
    assertThat(over.statusCode()).isEqualTo(400);
    assertThat(SimHttp.json(over).at("/error/message").asText()).isEqualTo("The number of tokens to keep from the "
        + "initial prompt is greater than the context length (n_keep: 16>= n_ctx: 16). Try to load the model with a "
        + "larger context length, or provide a shorter input.");
  }

  @Test
  void legacyWordingAndTextCompletionsOverflowToo() {
    SimHttp http = start(SimulatorOptions.builder().version("0.3").preload("qwen/qwen3-4b", 8).build());

    HttpResponse<String> chat = http.post("/v1/chat/completions", chat("a b c d"));
    HttpResponse<String> text = http.post("/v1/completions",
        "{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"a b c d e f g h i\"}");

    assertThat(SimHttp.json(chat).toString()).contains("Trying to keep the first 8 tokens when context the overflows. "
        + "However, the model is loaded with context length of only 8 tokens, which is not enough.");
    assertThat(text.statusCode()).isEqualTo(400);
    assertThat(text.body()).contains("Trying to keep the first 9 tokens");
  }

  private static String chat(String content) {
    return "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
  }
}
