package io.github.ollamalmstudioproxy.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BackendErrorsTest {

  static Stream<Arguments> bodies() {
    return Stream.of(
        c("LM Studio bare string", "{\"error\":\"'response_format.type' must be 'json_schema' or 'text'\"}",
            "'response_format.type' must be 'json_schema' or 'text'"),
        c("OpenAI object", "{\"error\":{\"message\":\"Invalid model identifier \\\"x\\\".\",\"type\":\"invalid_request_error\","
            + "\"param\":\"model\",\"code\":\"model_not_found\"}}", "Invalid model identifier \"x\"."),
        c("LM Studio v1 object", "{\"error\":{\"type\":\"invalid_request\",\"code\":\"invalid_api_key\",\"message\":\"token required\"}}",
            "token required"),
        c("llama-server object", "{\"error\":{\"code\":500,\"message\":\"Only one completion choice is allowed\",\"type\":\"server_error\"}}",
            "Only one completion choice is allowed"),
        c("top-level message", "{\"message\":\"No models loaded.\"}", "No models loaded."),
        c("llama-server error line payload", "{\"code\":500,\"message\":\"slot unavailable\",\"type\":\"server_error\"}",
            "slot unavailable"),
        c("FastAPI detail", "{\"detail\":\"Not Found\"}", "Not Found"),
        c("old LM Studio title and cause", "{\"title\":\"Failed to embed string\",\"cause\":\"bad input\"}",
            "Failed to embed string: bad input"),
        c("error object without message", "{\"error\":{\"code\":404}}", "{\"code\":404}"),
        c("plain text", "  Engine protocol predict request failed: fetch failed\n", "Engine protocol predict request failed: fetch failed"),
        c("HTML page", "<html><head><title>502</title><style>p{}</style></head><body><h1>Bad Gateway</h1></body></html>",
            "502 Bad Gateway"),
        c("unknown JSON object kept as text", "{\"foo\":1}", "{\"foo\":1}"),
        c("empty", "", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void unwrapsEveryKnownShape(String body, String expected) {
    assertThat(BackendErrors.message(body)).isEqualTo(expected);
  }

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of(400, 400), Arguments.of(401, 401), Arguments.of(404, 404), Arguments.of(429, 429),
        Arguments.of(500, 500), Arguments.of(501, 500), Arguments.of(503, 500), Arguments.of(302, 500));
  }

  @ParameterizedTest(name = "backend {0} -> {1}")
  @MethodSource("statuses")
  void clientErrorsKeepTheirStatusServerErrorsBecome500(int backend, int expected) {
    OllamaError e = BackendErrors.classify(backend, "{\"error\":\"why\"}").toOllamaError("m");
    assertThat(e.status()).isEqualTo(expected);
    assertThat(e.getMessage()).isEqualTo("why");
  }

  /**
   * llama-server 3.21.1's {@code /infill} for a model without FIM tokens answers 501; the request is wrong for the
   * model (Ollama's {@code does not support insert} is a 400), so it is a 400 with llama-server's reason, not a 500.
   */
  @Test
  void llamaServersInfillRefusalIsA400WithItsReason() {
    String body = "{\"error\":{\"code\":501,\"message\":\"Infill is not supported by this model: prefix token is"
        + " missing. suffix token is missing. middle token is missing. \",\"type\":\"not_supported_error\"}}";

    BackendError error = BackendErrors.classify(501, body);

    assertThat(error.kind()).isEqualTo(ErrorClass.INVALID_REQUEST);
    assertThat(error.toOllamaError("m").status()).isEqualTo(400);
    assertThat(error.message()).startsWith("Infill is not supported by this model: prefix token is missing.");
  }

  @Test
  void emptyBodyStillGivesAMessage() {
    assertThat(BackendErrors.classify(503, "").message()).isEqualTo("backend returned HTTP 503");
    assertThat(BackendErrors.classifyStreamed("").message()).isEqualTo("backend error");
  }

  @Test
  void longBodiesAreBounded() {
    assertThat(BackendErrors.message("x".repeat(10_000))).hasSize(BackendErrors.MAX_MESSAGE_CHARS + 1);
  }

  private static Arguments c(String name, String body, String expected) {
    return Arguments.of(Named.of(name, body), expected);
  }
}
