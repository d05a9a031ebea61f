package io.github.ollamalmstudioproxy.translate.openai;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The top-level {@code model} is found by position and replaced; every other byte stays what the client sent. */
class ModelFieldTest {
  static Stream<Arguments> bodies() {
    return Stream.of(
        c("model first", "{\"model\":\"qwen/qwen3-4b:latest\",\"messages\":[]}", "qwen/qwen3-4b:latest"),
        c("model last, after nested objects and arrays",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"model\":\"inner\"}],"
                + "\"stream\":true,\"model\":\"llama3.2\"}", "llama3.2"),
        c("whitespace and newlines around it", "{\n  \"model\" :  \"m\"  ,\n  \"x\": 1\n}", "m"),
        c("escapes inside the name", "{\"model\":\"a\\\"b\\\\c\\u00e9\"}", "a\"b\\cé"),
        c("multibyte UTF-8 before the model shifts offsets",
            "{\"prompt\":\"héllo wörld 🙂\",\"model\":\"m:latest\"}", "m:latest"),
        c("a repeated key counts the last, as JSON.parse and Go do", "{\"model\":\"first\",\"model\":\"last\"}",
            "last"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void findsTheTopLevelModelAndItsExactByteRange(String body, String model) {
    byte[] bytes = body.getBytes(UTF_8);
    ModelField.Found found = ModelField.find(bytes).orElseThrow();
    assertThat(found.model()).isEqualTo(model);
    assertThat(bytes[found.start()]).isEqualTo((byte) '"');
    assertThat(bytes[found.end() - 1]).isEqualTo((byte) '"');
    String replaced = replace(bytes, found, "backend/id@q4");
    assertThat(replaced).isEqualTo(new String(bytes, 0, found.start(), UTF_8) + "\"backend/id@q4\""
        + new String(bytes, found.end(), bytes.length - found.end(), UTF_8));
  }

  @Test
  void everyOtherByteStaysAsTheClientSentIt() {
    String body = "{ \"messages\" : [ {\"role\":\"user\",\"content\":\"x\"} ] ,\"model\":\"qwen3-4b\", \"tools\":[] }";
    byte[] bytes = body.getBytes(UTF_8);
    assertThat(replace(bytes, ModelField.find(bytes).orElseThrow(), "qwen/qwen3-4b"))
        .isEqualTo("{ \"messages\" : [ {\"role\":\"user\",\"content\":\"x\"} ] ,\"model\":\"qwen/qwen3-4b\", \"tools\":[] }");
  }

  @Test
  void aBodyInsideALargerArrayIsFoundWithOffsetsFromItsStart() {
    byte[] body = "{\"model\":\"qwen3-4b\",\"stream\":true}".getBytes(UTF_8);
    byte[] array = new byte[body.length + 20];
    Arrays.fill(array, (byte) '#');
    System.arraycopy(body, 0, array, 7, body.length);
    ModelField.Found found = ModelField.find(array, 7, body.length).orElseThrow();
    assertThat(found).isEqualTo(ModelField.find(body).orElseThrow());
    assertThat(new String(body, found.start(), found.end() - found.start(), UTF_8)).isEqualTo("\"qwen3-4b\"");
  }

  @Test
  void theReplacementIsEscapedJson() {
    assertThat(new String(ModelField.quoted("a\"b\\c\né"), UTF_8)).isEqualTo("\"a\\\"b\\\\c\\né\"");
  }

  @Test
  void aLargeBodyIsScannedNotCopied() {
    String image = "A".repeat(20 * 1024 * 1024);
    byte[] bytes = ("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":"
        + "\"data:image/png;base64," + image + "\"}}]}],\"model\":\"m\"}").getBytes(UTF_8);
    ModelField.Found found = ModelField.find(bytes).orElseThrow();
    assertThat(found.model()).isEqualTo("m");
    assertThat(found.start()).isGreaterThan(image.length());
  }

  static Stream<Arguments> withoutModel() {
    return Stream.of(
        Arguments.of(Named.of("no model at all", "{\"messages\":[]}")),
        Arguments.of(Named.of("a null model", "{\"model\":null}")),
        Arguments.of(Named.of("a model only inside a message", "{\"messages\":[{\"model\":\"x\"}]}")),
        Arguments.of(Named.of("a later null model cancels an earlier one", "{\"model\":\"a\",\"model\":null}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withoutModel")
  void aBodyWithoutATopLevelModelIsLeftAlone(String body) {
    assertThat(ModelField.find(body.getBytes(UTF_8))).isEqualTo(Optional.empty());
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        c("a number", "{\"model\":5}", "invalid value for \"model\": expected a string, got number"),
        c("an object", "{\"model\":{\"id\":\"x\"}}", "invalid value for \"model\": expected a string, got object"),
        c("broken JSON names the position", "{\"model\":\"m\",\n\"messages\":[}",
            "invalid JSON at line 2, column 13: Unexpected close marker '}': expected ']'"),
        c("not an object", "[{\"model\":\"m\"}]", "invalid request body: expected a JSON object"),
        c("empty", "", "missing request body"),
        c("two values", "{\"model\":\"m\"} {}", "invalid JSON: more than one value in the body"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void badBodiesAreA400ThatSaysWhy(String body, String message) {
    OllamaError e = catchThrowableOfType(OllamaError.class, () -> ModelField.find(body.getBytes(UTF_8)));
    assertThat(e).isNotNull();
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo(message);
  }

  private static String replace(byte[] bytes, ModelField.Found found, String backendId) {
    return new String(bytes, 0, found.start(), UTF_8) + new String(ModelField.quoted(backendId), UTF_8)
        + new String(bytes, found.end(), bytes.length - found.end(), UTF_8);
  }

  private static Arguments c(String name, String body, String expected) {
    return Arguments.of(Named.of(name, body), expected);
  }
}
