package io.github.ollamalmstudioproxy.translate;

import static io.github.ollamalmstudioproxy.translate.ErrorClass.INVALID_REQUEST;
import static io.github.ollamalmstudioproxy.translate.ErrorClass.MODEL_NOT_FOUND;
import static io.github.ollamalmstudioproxy.translate.ErrorClass.OTHER;
import static io.github.ollamalmstudioproxy.translate.ErrorClass.RETRY_AFTER_LOAD;
import static io.github.ollamalmstudioproxy.translate.ErrorClass.RETRY_ONCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each literal backend error means. The LM Studio rows are the strings of {@code shared/reference/lmstudio-api.md}
 * §5, with the status that version answered; the llama-server rows are its client mistakes that come back as 500
 * (reference {@code llama-server.md} §3), which must not look transient.
 */
class BackendErrorKindTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One backend answer: its status, the message already unwrapped from the body, and the raw body. */
  record Answer(int status, String message, String body) {}

  static Stream<Arguments> lmStudioStrings() {
    return Stream.of(
        bare("no models loaded, 0.4 (400)", 400,
            "No models loaded. Please load a model in the developer page or use the 'lms load' command.",
            RETRY_AFTER_LOAD),
        bare("no models loaded, 0.3.5 (404, backticks, no final period)", 404,
            "No models loaded. Please load a model in the developer page or use the `lms load` command",
            RETRY_AFTER_LOAD),
        openAi("no models loaded, 0.4.8 object shape", 400,
            "No models loaded. Please load a model in the developer page or use the 'lms load' command.",
            RETRY_AFTER_LOAD),
        bare("model is unloaded", 400, "Model is unloaded.", RETRY_AFTER_LOAD),
        openAi("invalid model identifier, JIT on (400)", 400,
            "Invalid model identifier \"qwen3:4b\". Please specify a valid downloaded model (e.g., qwen/qwen3-4b, "
                + "openai/gpt-oss-20b, google/gemma-3-4b).",
            MODEL_NOT_FOUND),
        openAi("model not found, 0.3.16 and older (404)", 404,
            "Model \"qwen3:4b\" not found. Please specify a valid model.\n\nYour models:\n\nqwen/qwen3-4b\n"
                + "openai/gpt-oss-20b",
            MODEL_NOT_FOUND),
        bare("JIT load failed for lack of resources", 400,
            "Failed to load model \"qwen/qwen3-4b\". Error: Model loading aborted due to insufficient system "
                + "resources. Overloading the system will likely cause it to freeze...",
            OTHER),
        bare("JIT load failed, engine protocol startup aborted", 400,
            "Failed to load model \"qwen/qwen3-4b\". Error: Engine protocol startup was aborted", RETRY_AFTER_LOAD),
        bare("JIT load failed, operation canceled (0.3.5, 404)", 404,
            "Failed to load model \"qwen/qwen3-4b\". Error: Operation canceled", RETRY_AFTER_LOAD),
        bare("engine predict request failed", 400, "Engine protocol predict request failed: fetch failed", RETRY_ONCE),
        bare("model crashed", 400, "The model has crashed without additional information. (Exit code: 18446744072635812000)",
            RETRY_ONCE),
        bare("operation canceled outside a load", 400, "Operation canceled", RETRY_ONCE),
        bare("context overflow, 0.4", 400,
            "The number of tokens to keep from the initial prompt is greater than the context length (n_keep: 13055>= "
                + "n_ctx: 4096). Try to load the model with a larger context length, or provide a shorter input.",
            INVALID_REQUEST),
        bare("context overflow, 0.4, without the parenthesised part", 400,
            "The number of tokens to keep from the initial prompt is greater than the context length. Try to load the "
                + "model with a larger context length, or provide a shorter input.",
            INVALID_REQUEST),
        bare("context overflow, llama.cpp wording", 400, "Cannot truncate prompt with n_keep (12378) >= n_ctx (4096)",
            INVALID_REQUEST),
        bare("context overflow, 0.3 and older", 400,
            "Trying to keep the first 15857 tokens when context the overflows. However, the model is loaded with "
                + "context length of only 4096 tokens, which is not enough. Try to load the model with a larger context "
                + "length, or provide a shorter input",
            INVALID_REQUEST),
        // UI text whose API form is unknown; none of the classifier's needles match it, so it is passed on as is.
        bare("gpt-oss mid-generation overflow (UI text)", 400,
            "Reached context length of 8192 tokens with model (arch: gpt-oss) that does not currently support "
                + "mid-generation context overflow.",
            OTHER),
        bare("invalid messages", 400,
            "Invalid 'messages' in payload. Please check the structure of your 'messages' and try again",
            INVALID_REQUEST),
        bare("jinja template error", 400,
            "Error rendering prompt with jinja template: \"No user query found in messages.\"", INVALID_REQUEST),
        bare("json_object response format", 400, "'response_format.type' must be 'json_schema' or 'text'",
            INVALID_REQUEST),
        bare("tool_choice object", 400,
            "Invalid tool_choice type: 'object'. Supported string values: none, auto, required", INVALID_REQUEST),
        bare("images to a non-vision model", 400,
            "The provided messages contain images, but qwen/qwen3-4b does not support image inputs.",
            INVALID_REQUEST),
        v1("API token missing (0.4)", 401, "An LM Studio API token is required to make requests to this server",
            OTHER),
        bare("unknown route (HTTP 200)", 200, "Unexpected endpoint or method. (POST /v1/unknown)", OTHER));
  }

  static Stream<Arguments> llamaServerStrings() {
    return Stream.of(
        llama("malformed JSON body", 500,
            "[json.exception.parse_error.101] parse error at line 1, column 56: syntax error while parsing object - "
                + "unexpected end of input; expected '}'",
            OTHER),
        llama("chat without messages ('not found' that is not a model)", 500,
            "[json.exception.out_of_range.403] key 'messages' not found", OTHER),
        llama("messages not an array", 500,
            "Failed to parse messages: Expected 'messages' to be an array, got \"hi\"; messages = \"hi\"", OTHER),
        llama("n greater than 1", 500, "Only one completion choice is allowed", OTHER),
        llama("unknown path", 404, "File Not Found", OTHER),
        llama("completions on an embeddings server", 501,
            "This server does not support completions. Start it without `--embeddings`", OTHER),
        llama("wrong bearer", 401, "Invalid API Key", OTHER));
  }

  static Stream<Arguments> edges() {
    String html502 = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
        + "</center></body></html>";
    String doctype = "\n  <!DOCTYPE html>\n<html><body><p>Internal Server Error</p></body></html>";
    return Stream.of(
        row("HTML 502 from an intermediary", 502, "502 Bad Gateway", html502, RETRY_ONCE),
        row("HTML 500 with doctype after leading whitespace", 500, "Internal Server Error", doctype, RETRY_ONCE),
        row("HTML 503 in upper case", 503, "Service Unavailable", "<HTML><BODY>Service Unavailable</BODY></HTML>",
            RETRY_ONCE),
        row("HTML 500 with a null message", 500, null, html502, RETRY_ONCE),
        row("HTML 404 is not transient", 404, "404 Not Found", "<html><body><h1>404 Not Found</h1></body></html>",
            OTHER),
        row("HTML 400 is not transient", 400, "Bad Request", "<!doctype html><html><body>Bad Request</body></html>",
            OTHER),
        row("plain-text 500 is not transient", 500, "Internal Server Error", "Internal Server Error", OTHER),
        row("JSON 500 with an unknown message is not transient", 500, "something odd happened",
            "{\"error\":\"something odd happened\"}", OTHER),
        row("the message decides before an HTML 5xx body", 500, "No models loaded.",
            "<html><body>No models loaded.</body></html>", RETRY_AFTER_LOAD),
        row("failed to load model without a reason", 400, "Failed to load model \"qwen/qwen3-4b\".", null, OTHER),
        row("failed to load model beats not-loaded wording", 400,
            "Failed to load model \"qwen/qwen3-4b\". Error: No models loaded", null, OTHER),
        row("failed to load model, transient reason in mixed case", 400,
            "FAILED TO LOAD MODEL \"m\". Error: OPERATION CANCELED", null, RETRY_AFTER_LOAD),
        row("not loaded in upper case", 400, "NO MODELS LOADED", null, RETRY_AFTER_LOAD),
        row("invalid model identifier in mixed case", 400, "iNvAlId MoDeL iDeNtIfIeR \"x\"", null, MODEL_NOT_FOUND),
        row("error object with only the model_not_found code", 404, "{\"code\":\"model_not_found\"}",
            "{\"error\":{\"code\":\"model_not_found\"}}", MODEL_NOT_FOUND),
        row("context overflow in upper case", 400, "CANNOT TRUNCATE PROMPT WITH N_KEEP (1) >= N_CTX (1)", null,
            INVALID_REQUEST),
        row("null message and null body", 400, null, null, OTHER),
        row("null message: the JSON body is not searched", 500, null, "{\"error\":\"No models loaded.\"}", OTHER),
        row("empty message", 400, "", "", OTHER),
        row("unknown text", 400, "the moon is made of cheese", "{\"error\":\"the moon is made of cheese\"}", OTHER));
  }

  /**
   * Each substring the classifier looks for, alone in otherwise neutral text: a needle dropped from one of its lists
   * shows up here by name.
   */
  static Stream<Arguments> needles() {
    return Stream.of(
        needle("no models loaded", RETRY_AFTER_LOAD),
        needle("model is unloaded", RETRY_AFTER_LOAD),
        needle("failed to load model \"m\": engine protocol startup was aborted", RETRY_AFTER_LOAD),
        needle("failed to load model \"m\": operation canceled", RETRY_AFTER_LOAD),
        needle("failed to load model \"m\": out of memory", OTHER),
        needle("engine protocol predict request failed", RETRY_ONCE),
        needle("operation canceled", RETRY_ONCE),
        needle("has crashed", RETRY_ONCE),
        needle("invalid model identifier", MODEL_NOT_FOUND),
        needle("model_not_found", MODEL_NOT_FOUND),
        needle("not found. please specify a valid model", MODEL_NOT_FOUND),
        needle("greater than the context length", INVALID_REQUEST),
        needle("cannot truncate prompt", INVALID_REQUEST),
        needle("trying to keep the first", INVALID_REQUEST),
        needle("context length of only", INVALID_REQUEST),
        needle("error rendering prompt with jinja template", INVALID_REQUEST),
        needle("invalid 'messages'", INVALID_REQUEST),
        needle("response_format", INVALID_REQUEST),
        needle("tool_choice", INVALID_REQUEST),
        needle("does not support image inputs", INVALID_REQUEST));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lmStudioStrings")
  void classifiesEveryLiteralLmStudioError(Answer answer, ErrorClass expected) {
    assertThat(BackendErrors.kind(answer.status(), answer.message(), answer.body())).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("llamaServerStrings")
  void neverTakesLlamaServerClientMistakesForTransientFailures(Answer answer, ErrorClass expected) {
    assertThat(BackendErrors.kind(answer.status(), answer.message(), answer.body())).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edges")
  void handlesHtmlPagesCaseAndMissingText(Answer answer, ErrorClass expected) {
    assertThat(BackendErrors.kind(answer.status(), answer.message(), answer.body())).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("needles")
  void recognisesEachNeedleOnItsOwnInAnyCase(String message, ErrorClass expected) {
    for (String text : new String[] {message, message.toUpperCase(Locale.ROOT)}) {
      String wrapped = "backend says: " + text + " (see logs)";
      assertThat(BackendErrors.kind(400, wrapped, null)).as(wrapped).isEqualTo(expected);
    }
  }

  /** LM Studio's bare-string shape, {@code {"error":"…"}}. */
  private static Arguments bare(String name, int status, String message, ErrorClass expected) {
    return row(name, status, message, MAPPER.createObjectNode().put("error", message).toString(), expected);
  }

  /** The OpenAI object shape LM Studio uses on {@code /v1}. */
  private static Arguments openAi(String name, int status, String message, ErrorClass expected) {
    var body = MAPPER.createObjectNode();
    body.putObject("error").put("message", message).put("type", "invalid_request_error").put("param", "model")
        .putNull("code");
    return row(name, status, message, body.toString(), expected);
  }

  /** LM Studio's native v1 object shape. */
  private static Arguments v1(String name, int status, String message, ErrorClass expected) {
    var body = MAPPER.createObjectNode();
    body.putObject("error").put("type", "invalid_request").put("code", "invalid_api_key").put("message", message);
    return row(name, status, message, body.toString(), expected);
  }

  /** llama-server's {@code {"error":{"code":…,"message":…,"type":…}}}. */
  private static Arguments llama(String name, int status, String message, ErrorClass expected) {
    var body = MAPPER.createObjectNode();
    String type = switch (status) {
      case 401 -> "authentication_error";
      case 404 -> "not_found_error";
      case 501 -> "not_supported_error";
      default -> "server_error";
    };
    body.putObject("error").put("code", status).put("message", message).put("type", type);
    return row(name, status, message, body.toString(), expected);
  }

  private static Arguments row(String name, int status, String message, String body, ErrorClass expected) {
    return Arguments.of(Named.of(name, new Answer(status, message, body)), expected);
  }

  private static Arguments needle(String message, ErrorClass expected) {
    return Arguments.of(message, expected);
  }
}
