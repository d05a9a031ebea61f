package io.github.ollamalmstudioproxy.translate.anthropic;

import static io.github.ollamalmstudioproxy.translate.ClientApiGoldens.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.ClientApiGoldens;
import io.github.ollamalmstudioproxy.translate.Output;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Exact bytes of single Anthropic events and error renderings: no extra field, {@code null} where the SDK wants it. */
class AnthropicWireTest {
  private static final MessagesRequest REQUEST = MessagesRequest.parse(json(
      "{\"model\":\"claude-x\",\"max_tokens\":10,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));

  private static String text(byte[] bytes) {
    return new String(bytes, UTF_8);
  }

  private static String chunk(String delta) {
    return "{\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}";
  }

  @Test
  void pingIsTheBareEvent() {
    assertThat(text(AnthropicStream.ping())).isEqualTo("event: ping\ndata: {\"type\":\"ping\"}\n\n");
  }

  @Test
  void messageStartHasNullStopFieldsAndZeroUsage() {
    AnthropicStream stream = AnthropicStream.streaming(REQUEST, ClientApiGoldens.times());
    Output out = stream.open();
    assertThat(out.count()).isEqualTo(1);
    assertThat(text(out.line(0))).isEqualTo("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{"
        + "\"id\":\"" + stream.id() + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\","
        + "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
        + "\"usage\":{\"input_tokens\":0,\"output_tokens\":0}}}\n\n");
    assertThat(stream.id()).matches("msg_[0-9a-f]{24}");
    assertThat(stream.open().count()).as("once only").isZero();
  }

  @Test
  void firstTokenOpensTheBlockWithEmptyTextThenEachTokenIsOneDelta() {
    AnthropicStream stream = AnthropicStream.streaming(REQUEST, ClientApiGoldens.times());
    Output first = stream.onEvent(null, chunk("{\"content\":\"He\"}"), 1);
    assertThat(first.lines()).extracting(AnthropicWireTest::text).containsExactly(
        text(AnthropicStream.streaming(REQUEST, ClientApiGoldens.times()).open().line(0))
            .replaceAll("msg_[0-9a-f]{24}", stream.id()),
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
            + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"He\"}}\n\n");
    Output next = stream.onEvent(null, chunk("{\"content\":\"llo \\\"x\\\"\\n\"}"), 2);
    assertThat(next.count()).isEqualTo(1);
    assertThat(text(next.line(0))).isEqualTo("event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
        + "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"llo \\\"x\\\"\\n\"}}\n\n");
  }

  @Test
  void thinkingBlockStartsWithEmptyThinkingAndSignature() {
    AnthropicStream stream = AnthropicStream.streaming(REQUEST, ClientApiGoldens.times());
    stream.open();
    Output out = stream.onEvent(null, chunk("{\"reasoning_content\":\"Hm\"}"), 1);
    assertThat(out.lines()).extracting(AnthropicWireTest::text).containsExactly(
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
            + "\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Hm\"}}\n\n");
  }

  @Test
  void aFailureIsOnlyTheTypedEnding() {
    AnthropicStream stream = AnthropicStream.streaming(REQUEST, ClientApiGoldens.times());
    stream.onEvent(null, chunk("{\"content\":\"a\"}"), 1);
    Output out = stream.onEvent("error", "{\"error\":{\"message\":\"terminated\"}}", 2);
    assertThat(out.count()).isZero();
    assertThat(out.ending().failure().status()).isEqualTo(500);
    assertThat(text(stream.failureEvent(out.ending().failure()))).isEqualTo(
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"terminated\"}}\n\n");
    assertThat(stream.onDone(3).count()).isZero();
    assertThat(stream.onDone(3).ended()).isFalse();
  }

  @Test
  void aShutdownIsAnOverloadedFailure() {
    AnthropicStream stream = AnthropicStream.streaming(REQUEST, ClientApiGoldens.times());
    Output out = stream.cancel(1);
    assertThat(out.ending().failure().status()).isEqualTo(503);
    assertThat(text(AnthropicErrors.body(out.ending().failure()))).isEqualTo(
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"the proxy is shutting down\"}}");
  }

  @ParameterizedTest
  @CsvSource({"400,invalid_request_error", "401,authentication_error", "403,permission_error",
      "404,not_found_error", "413,request_too_large", "429,rate_limit_error", "500,api_error", "502,api_error",
      "503,overloaded_error", "529,overloaded_error"})
  void errorTypesFollowTheStatus(int status, String type) {
    assertThat(AnthropicErrors.type(status)).isEqualTo(type);
  }

  @Test
  void bodyWithRequestId() {
    assertThat(text(AnthropicErrors.body(OllamaError.modelNotFound("claude-x"), "req_1"))).isEqualTo(
        "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model 'claude-x' not found\"},"
            + "\"request_id\":\"req_1\"}");
  }

  @Test
  void contextOverflowIsAPromptTooLongInvalidRequestWhateverTheStatus() {
    OllamaError overflow = new OllamaError(500,
        "The number of tokens to keep from the initial prompt is greater than the context length");
    assertThat(text(AnthropicErrors.event(overflow))).isEqualTo("event: error\ndata: {\"type\":\"error\",\"error\":{"
        + "\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: The number of tokens to keep from the "
        + "initial prompt is greater than the context length\"}}\n\n");
  }

  @Test
  void countsComeFromTheBackendOnly() {
    AnthropicStream stream = AnthropicStream.aggregating(REQUEST, ClientApiGoldens.times());
    assertThat(stream.promptTokens()).isEqualTo(-1);
    stream.onEvent(null, "{\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}", 1);
    assertThat(stream.promptTokens()).isEqualTo(7);
    assertThat(stream.completionTokens()).isEqualTo(3);
  }
}
