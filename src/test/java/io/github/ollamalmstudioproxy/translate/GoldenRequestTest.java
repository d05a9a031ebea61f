package io.github.ollamalmstudioproxy.translate;

import static io.github.ollamalmstudioproxy.translate.JsonTestSupport.assertJsonEquals;
import static io.github.ollamalmstudioproxy.translate.JsonTestSupport.json;
import static io.github.ollamalmstudioproxy.translate.JsonTestSupport.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request golden files: {@code golden/<endpoint>/<case>/ollama-request.json} translates to {@code openai-request.json},
 * sent to {@code upstream-path.txt} (default {@code /v1/chat/completions}), or fails as {@code error.txt} says
 * ({@code <status> <message>}). The translation is for LM Studio unless {@code dialect.txt} says {@code openai} (a
 * generic OpenAI-compatible server). A new backend quirk is a new folder.
 */
class GoldenRequestTest {
  static final String BACKEND_MODEL = "qwen/qwen3-4b";

  static Stream<Arguments> chatCases() {
    return cases("chat-request");
  }

  static Stream<Arguments> generateCases() {
    return cases("generate-request");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chatCases")
  void chat(Path dir) {
    check(dir, body -> OllamaToOpenAi.chat(ChatRequest.parse(body), BACKEND_MODEL, dialect(dir)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("generateCases")
  void generate(Path dir) {
    check(dir, body -> OllamaToOpenAi.generate(GenerateRequest.parse(body), BACKEND_MODEL, dialect(dir)));
  }

  private static BackendDialect dialect(Path dir) {
    Path file = dir.resolve("dialect.txt");
    if (!Files.exists(file)) {
      return BackendDialect.LM_STUDIO;
    }
    String name = read(file).strip();
    assertThat(name).as("dialect.txt").isIn("lmstudio", "openai");
    return name.equals("openai") ? BackendDialect.OPENAI : BackendDialect.LM_STUDIO;
  }

  private static void check(Path dir, Function<JsonNode, UpstreamRequest> translate) {
    var body = json(read(dir.resolve("ollama-request.json")));
    Path error = dir.resolve("error.txt");
    if (Files.exists(error)) {
      String expected = read(error).strip();
      OllamaError e = catchThrowableOfType(OllamaError.class, () -> translate.apply(body));
      assertThat(e).as("expected an error").isNotNull();
      assertThat(e.status() + " " + e.getMessage()).isEqualTo(expected);
      return;
    }
    UpstreamRequest out = translate.apply(body);
    var expected = json(read(dir.resolve("openai-request.json")));
    Path upstreamPath = dir.resolve("upstream-path.txt");
    assertThat(out.path())
        .isEqualTo(Files.exists(upstreamPath) ? read(upstreamPath).strip() : UpstreamRequest.CHAT_COMPLETIONS);
    assertJsonEquals(expected, json(new String(out.body(), StandardCharsets.UTF_8)));
  }

  private static Stream<Arguments> cases(String endpoint) {
    return JsonTestSupport.cases(endpoint).stream()
        .map(dir -> Arguments.of(Named.of(dir.getFileName().toString(), dir)));
  }
}
