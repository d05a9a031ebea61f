package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the catalog reads from servers that tell which models are in memory: llama-server in router mode and
 * llama-swap ({@code status.value}), and vLLM ({@code max_model_len}). The fixtures are captures and source-derived
 * answers recorded in docs/backends.md.
 */
class ServingStateListsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void routerModelThatIsLoadedIsListedWithTheContextItRuns() {
    BackendModel m = only("llama-router-loaded.json");

    assertThat(m.isLoaded()).isTrue();
    assertThat(m.loadedInstances()).extracting(LoadedInstance::contextLength).containsExactly(4096);
    assertThat(m.maxContextLength()).isEqualTo(65536);
    assertThat(m.servesInfill()).as("a llama-server model (llama.cpp meta)").isTrue();
  }

  @Test
  void routerModelThatIsUnloadedIsNotLoaded() {
    BackendModel m = only("llama-router-unloaded.json");

    assertThat(m.isLoaded()).isFalse();
    assertThat(m.maxContextLength()).as("no meta until it is loaded: nothing is invented").isNull();
  }

  @Test
  void routerModelThatIsStillLoadingIsNotLoadedYet() {
    assertThat(only("llama-router-loading.json").isLoaded()).isFalse();
  }

  @Test
  void llamaSwapStatusSaysWhichModelRuns() {
    List<BackendModel> models = parse("llama-swap.json");

    assertThat(models).extracting(BackendModel::key).containsExactly("gemma-4b", "qwen-coder");
    assertThat(models.get(0).isLoaded()).isFalse();
    BackendModel coder = models.get(1);
    assertThat(coder.isLoaded()).isTrue();
    assertThat(coder.maxContextLength()).as("its configured context_length").isEqualTo(32768);
    assertThat(coder.servesInfill()).as("llama-swap's meta is its own, not llama-server's").isFalse();
    assertThat(coder.format()).isNull();
  }

  @Test
  void vllmServesWhatItListsAtItsMaxModelLen() {
    List<BackendModel> models = parse("vllm.json");

    BackendModel base = models.stream().filter(m -> m.key().equals("Qwen/Qwen3-8B")).findFirst().orElseThrow();
    assertThat(base.isLoaded()).isTrue();
    assertThat(base.maxContextLength()).isEqualTo(40960);
    assertThat(base.loadedInstances()).extracting(LoadedInstance::contextLength).containsExactly(40960);
    BackendModel lora = models.stream().filter(m -> m.key().equals("sql-lora")).findFirst().orElseThrow();
    assertThat(lora.isLoaded()).as("vLLM serves its adapters next to the base model").isTrue();
    assertThat(lora.loadedInstances()).extracting(LoadedInstance::contextLength).containsExactly((Integer) null);
  }

  @Test
  void anOddStatusIsNotTakenForLoaded() {
    JsonNode body = json("{\"data\":[{\"id\":\"a\",\"status\":{\"value\":\"failed\"}},{\"id\":\"b\",\"status\":\"loaded\"},"
        + "{\"id\":\"c\",\"status\":{\"value\":42}}]}");

    List<BackendModel> models = ModelListParser.parse(CatalogSource.OPENAI, 200, body).orElseThrow();

    assertThat(models).extracting(BackendModel::isLoaded).containsExactly(false, false, false);
  }

  @Test
  void aPlainIdOnlyListStillSaysNothingIsLoaded() {
    JsonNode body = json("{\"data\":[{\"id\":\"gpt-x\",\"object\":\"model\"}]}");

    assertThat(ModelListParser.parse(CatalogSource.OPENAI, 200, body).orElseThrow().get(0).isLoaded()).isFalse();
  }

  private static BackendModel only(String fixture) {
    List<BackendModel> models = parse(fixture);
    assertThat(models).hasSize(1);
    return models.get(0);
  }

  private static List<BackendModel> parse(String fixture) {
    try (InputStream in = ServingStateListsTest.class.getResourceAsStream("/catalog/backends/" + fixture)) {
      return ModelListParser.parse(CatalogSource.OPENAI, 200, MAPPER.readTree(in)).orElseThrow();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
