package io.github.ollamalmstudioproxy.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ollama refuses a request that needs a capability the model lacks, before the model runs:
 * {@code ollama/ollama@v0.33.0-rc2:server/routes.go:2610-2613} asks for {@code tools} when the chat has tools,
 * {@code routes.go:211} words the refusal {@code "<model name> " + err}, {@code server/images.go:543-573} makes err
 * {@code does not support <capability>} (several joined by a newline), and {@code routes.go:3109-3110} answers it 400.
 * The proxy refuses only where the backend's metadata really says the capability is absent.
 */
class RequiredCapabilitiesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final String V1 = "{'models':[{'type':'llm','key':'google/gemma-3-4b','publisher':'google',"
      + "'capabilities':{'vision':true,'trained_for_tool_use':false}},"
      + "{'type':'llm','key':'qwen/qwen3-4b','capabilities':{'vision':false,'trained_for_tool_use':true}},"
      + "{'type':'llm','key':'bare/v1-model'}]}";
  private static final String V0 = "{'data':["
      + "{'id':'google/gemma-3-4b','type':'vlm','state':'not-loaded','capabilities':[]},"
      + "{'id':'qwen/qwen3-4b','type':'llm','capabilities':['tool_use']},"
      // LM Studio before 0.3.16 sends no capabilities array: tools unknown, vision still known from the type.
      + "{'id':'old/llm','type':'llm'}]}";
  private static final String OPENAI = "{'object':'list','data':[{'id':'google/gemma-3-4b','object':'model'},"
      + "{'id':'qwen/qwen3-4b','object':'model'}]}";

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("v1 no tools refuses tools", CatalogSource.LMSTUDIO_V1, V1, "google/gemma-3-4b", true, false,
            "google/gemma-3-4b:latest does not support tools"),
        Arguments.of("v1 with tools accepts tools", CatalogSource.LMSTUDIO_V1, V1, "qwen/qwen3-4b", true, false, null),
        Arguments.of("v1 no vision refuses images", CatalogSource.LMSTUDIO_V1, V1, "qwen/qwen3-4b", false, true,
            "qwen/qwen3-4b:latest does not support vision"),
        Arguments.of("v1 vision accepts images", CatalogSource.LMSTUDIO_V1, V1, "google/gemma-3-4b", false, true,
            null),
        Arguments.of("v1 both missing joined as Ollama joins them", CatalogSource.LMSTUDIO_V1,
            "{'models':[{'type':'llm','key':'x/plain','capabilities':{'vision':false,'trained_for_tool_use':false}}]}",
            "x/plain", true, true, "x/plain:latest does not support tools\nvision"),
        Arguments.of("v1 without a capabilities object passes", CatalogSource.LMSTUDIO_V1, V1, "bare/v1-model", true,
            true, null),
        Arguments.of("v0 no tool_use refuses tools", CatalogSource.LMSTUDIO_V0, V0, "google/gemma-3-4b", true, false,
            "google/gemma-3-4b:latest does not support tools"),
        Arguments.of("v0 llm refuses images", CatalogSource.LMSTUDIO_V0, V0, "qwen/qwen3-4b", false, true,
            "qwen/qwen3-4b:latest does not support vision"),
        Arguments.of("v0 vlm accepts images", CatalogSource.LMSTUDIO_V0, V0, "google/gemma-3-4b", false, true, null),
        Arguments.of("v0 before 0.3.16 passes tools", CatalogSource.LMSTUDIO_V0, V0, "old/llm", true, false, null),
        Arguments.of("plain /v1/models passes tools", CatalogSource.OPENAI, OPENAI, "google/gemma-3-4b", true, false,
            null),
        Arguments.of("plain /v1/models passes images", CatalogSource.OPENAI, OPENAI, "qwen/qwen3-4b", false, true,
            null),
        Arguments.of("nothing asked, nothing refused", CatalogSource.LMSTUDIO_V1, V1, "google/gemma-3-4b", false,
            false, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesOnlyWhatTheMetadataSaysIsMissing(String name, CatalogSource source, String list, String model,
      boolean tools, boolean images, String refusal) {
    List<BackendModel> models = ModelListParser.parse(source, 200, json(list)).orElseThrow();
    BackendModel m = models.stream().filter(x -> x.key().equals(model)).findFirst().orElseThrow();
    ResolvedModel resolved = new ResolvedModel(m, m.key(), ModelNames.ollamaName(m.key()));
    if (refusal == null) {
      assertThatCode(() -> RequiredCapabilities.check(resolved, tools, images)).doesNotThrowAnyException();
      return;
    }
    OllamaError e = catchThrowableOfType(OllamaError.class,
        () -> RequiredCapabilities.check(resolved, tools, images));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo(refusal);
  }

  private static JsonNode json(String singleQuoted) {
    try {
      return MAPPER.readTree(singleQuoted.replace('\'', '"'));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
