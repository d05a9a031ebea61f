package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.simulator.SimulatorFailure;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each of LM Studio's literal error strings, in each shape, arrives as the Ollama error a client expects. */
class BackendErrorsIT {
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":%s,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static ProxyHarness harness;

  @BeforeAll
  static void start() {
    harness = ProxyHarness.start("--load-retries", "2");
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @BeforeEach
  void reset() {
    harness.simulator().script().reset();
    harness.simulator().log().clear();
  }

  static Stream<Arguments> neverRetried() {
    return Stream.of(
        Arguments.of("context overflow 0.4", SimulatorFailure.contextOverflow(), 400,
            "The number of tokens to keep from the initial prompt is greater than the context length"),
        Arguments.of("context overflow llama.cpp wording", SimulatorFailure.contextOverflowLlamaCpp(12378, 4096), 400,
            "Cannot truncate prompt with n_keep (12378) >= n_ctx (4096)"),
        Arguments.of("invalid messages", SimulatorFailure.invalidMessages(), 400,
            "Invalid 'messages' in payload"),
        Arguments.of("template error", SimulatorFailure.templateError("No user query found in messages."), 400,
            "Error rendering prompt with jinja template"),
        Arguments.of("json_object format", SimulatorFailure.jsonObjectFormat(), 400,
            "'response_format.type' must be 'json_schema' or 'text'"),
        Arguments.of("tool_choice object", SimulatorFailure.toolChoiceObject(), 400,
            "Invalid tool_choice type: 'object'"),
        Arguments.of("images to a non-vision model", SimulatorFailure.imagesNotSupported("qwen/qwen3-4b"), 400,
            "does not support image inputs"),
        Arguments.of("unknown model identifier", SimulatorFailure.invalidModelIdentifier("x", List.of("a", "b")), 404,
            "model 'qwen/qwen3-4b' not found"),
        Arguments.of("other 4xx keeps its status", SimulatorFailure.bare(422, "unprocessable thing"), 422,
            "unprocessable thing"),
        Arguments.of("other 5xx becomes 500", SimulatorFailure.openAi(503, "engine overloaded", null, null), 500,
            "engine overloaded"),
        Arguments.of("HTTP 200 with an error body", SimulatorFailure.of(200, "{\"error\":\"something odd\"}"), 500,
            "something odd"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("neverRetried")
  void nonRetryableErrorsCarryTheBackendsReasonAndAreSentOnce(String name, SimulatorFailure failure, int status,
      String message) {
    for (boolean stream : new boolean[] {true, false}) {
      harness.simulator().log().clear();
      harness.simulator().script().failNext(failure);
      HttpResponse<String> response = harness.post("/api/chat", CHAT.formatted(stream));
      assertThat(response.statusCode()).as("stream=" + stream).isEqualTo(status);
      assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
      assertThat(response.body()).startsWith("{\"error\":\"").contains(escape(message));
      assertThat(harness.simulator().log().byPath("/v1/chat/completions")).hasSize(1);
    }
  }

  static Stream<Arguments> retriedOnce() {
    return Stream.of(
        Arguments.of("engine protocol failure", SimulatorFailure.engineProtocolFailure()),
        Arguments.of("model crashed", SimulatorFailure.modelCrashed(1)),
        Arguments.of("HTML 500", SimulatorFailure.htmlServerError()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("retriedOnce")
  void transientFailuresAreReplayedOnce(String name, SimulatorFailure failure) {
    harness.simulator().script().failNext(failure);
    HttpResponse<String> response = harness.post("/api/chat", CHAT.formatted(false));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"done\":true");
    assertThat(harness.simulator().log().byPath("/v1/chat/completions")).hasSize(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("retriedOnce")
  void aTransientFailureThatRepeatsIsReportedNotRetriedForever(String name, SimulatorFailure failure) {
    harness.simulator().script().failAlways(failure);
    HttpResponse<String> response = harness.post("/api/chat", CHAT.formatted(true));
    assertThat(response.statusCode()).isEqualTo(failure.status() < 500 ? failure.status() : 500);
    assertThat(response.body()).startsWith("{\"error\":\"");
    assertThat(harness.simulator().log().byPath("/v1/chat/completions")).hasSize(2);
  }

  private static String escape(String message) {
    return message.replace("\"", "\\\"");
  }
}
