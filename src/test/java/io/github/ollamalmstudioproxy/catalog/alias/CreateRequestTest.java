package io.github.ollamalmstudioproxy.catalog.alias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** {@code /api/create} bodies: Ollama's {@code api.CreateRequest} (api/types.go 652-711) and the legacy Modelfile. */
class CreateRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  /** ollama-js sends {@code model}, {@code from}, {@code parameters}, {@code system} (its CreateRequest type). */
  @Test
  void fromParametersAndSystemAsOllamaJsSendsThem() throws Exception {
    CreateRequest r = CreateRequest.parse(json("{\"model\":\"mybot\",\"from\":\"qwen/qwen3-4b\",\"stream\":false,"
        + "\"parameters\":{\"num_ctx\":8192,\"temperature\":0.2,\"stop\":\"<|end|>\"},\"system\":\"Be terse.\"}"));

    assertThat(r.name()).isEqualTo("mybot:latest");
    assertThat(r.stream()).isFalse();
    assertThat(r.from()).isEqualTo("qwen/qwen3-4b");
    assertThat(r.parameters().toString()).isEqualTo("{\"num_ctx\":8192,\"temperature\":0.2,\"stop\":[\"<|end|>\"]}");
    assertThat(r.system()).isEqualTo("Be terse.");
  }

  /**
   * ollama4j's {@code CustomModelFileContentsRequest} sends {@code name} + {@code modelfile}; PARAMETER values are
   * typed as {@code api.FormatParams} types them (api/types.go 1274-1340), repeated {@code stop} lines make a list.
   */
  @Test
  void legacyModelfileIsReadAndTyped() throws Exception {
    CreateRequest r = CreateRequest.parse(json("{\"name\":\"bot:v2\",\"modelfile\":\"FROM qwen/qwen3-4b\\n"
        + "PARAMETER num_ctx 4096\\nPARAMETER temperature 0.7\\nPARAMETER stop a\\nPARAMETER stop b\\n"
        + "SYSTEM hello\\nMESSAGE user hi\\nLICENSE MIT\"}"));

    assertThat(r.name()).isEqualTo("bot:v2");
    assertThat(r.stream()).isTrue();
    assertThat(r.fromLine()).isEqualTo(1);
    assertThat(r.parameters().toString()).isEqualTo("{\"num_ctx\":4096,\"temperature\":0.7,\"stop\":[\"a\",\"b\"]}");
    assertThat(r.messages()).containsExactly(new ModelAlias.Message("user", "hi"));
    assertThat(r.license()).containsExactly("MIT");
  }

  /** ollama4j's CustomModelRequest always sends {@code "quantize": false}; only a real quantization is refused. */
  @Test
  void quantizeFalseIsNoRequest() throws Exception {
    assertThat(CreateRequest.parse(json("{\"model\":\"m\",\"from\":\"x\",\"quantize\":false}")).from())
        .isEqualTo("x");
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("no name", "{\"from\":\"x\"}", 400, "invalid model name"),
        // errNeitherFromOrFiles (create.go 46, 203-205).
        Arguments.of("no from", "{\"model\":\"m\"}", 400, "neither 'from' or 'files' was specified"),
        Arguments.of("files", "{\"model\":\"m\",\"files\":{\"m.gguf\":\"sha256:aa\"}}", 501, CreateRequest.NO_FILES),
        Arguments.of("FROM a gguf path", "{\"model\":\"m\",\"modelfile\":\"FROM ./m.gguf\"}", 501,
            CreateRequest.NO_FILES + " (line 1)"),
        Arguments.of("ADAPTER", "{\"model\":\"m\",\"modelfile\":\"FROM x\\nADAPTER ./lora.gguf\"}", 501,
            CreateRequest.NO_FILES + " (line 2: ADAPTER)"),
        // api.FormatParams: "unknown parameter '%s'" (api/types.go 1292).
        Arguments.of("unknown parameter", "{\"model\":\"m\",\"from\":\"x\",\"parameters\":{\"temprature\":1}}", 400,
            "unknown parameter 'temprature'"),
        Arguments.of("unknown PARAMETER names its line",
            "{\"model\":\"m\",\"modelfile\":\"FROM x\\n\\nPARAMETER temprature 1\"}", 400,
            "(line 3): unknown parameter 'temprature'"),
        Arguments.of("PARAMETER of the wrong type", "{\"model\":\"m\",\"modelfile\":\"FROM x\\nPARAMETER num_ctx big\"}",
            400, "(line 2): invalid int value [big]"),
        Arguments.of("JSON parameter of the wrong type",
            "{\"model\":\"m\",\"from\":\"x\",\"parameters\":{\"num_ctx\":\"8k\"}}", 400,
            "invalid value for parameter 'num_ctx': \"8k\" (a whole number)"),
        Arguments.of("unknown instruction in a Modelfile", "{\"model\":\"m\",\"modelfile\":\"FROM x\\nFOO y\"}", 400,
            "(line 2): command must be one of \"from\", \"license\", \"template\", \"system\", \"adapter\", \"draft\","
                + " \"renderer\", \"parser\", \"parameter\", \"message\", or \"requires\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void badCreateBodiesAreRefusedInOllamasShape(String name, String body, int status, String message) {
    assertThatThrownBy(() -> CreateRequest.parse(json(body))).isInstanceOfSatisfying(OllamaError.class, e -> {
      assertThat(e.status()).isEqualTo(status);
      assertThat(e.getMessage()).isEqualTo(message);
    });
  }
}
