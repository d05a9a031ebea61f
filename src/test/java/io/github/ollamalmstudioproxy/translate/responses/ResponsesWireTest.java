package io.github.ollamalmstudioproxy.translate.responses;

import static io.github.ollamalmstudioproxy.translate.ClientApiGoldens.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.ClientApiGoldens;
import io.github.ollamalmstudioproxy.translate.Output;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Exact bytes of single Responses events and error renderings. */
class ResponsesWireTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC);
  private static final ResponsesRequest REQUEST =
      ResponsesRequest.parse(json("{\"model\":\"gpt-oss:20b\",\"input\":\"Hi\",\"stream\":true}"));

  private static String text(byte[] bytes) {
    return new String(bytes, UTF_8);
  }

  private static String chunk(String delta) {
    return "{\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}";
  }

  @Test
  void eachTokenIsOneDeltaEventContinuingTheSequence() {
    ResponsesStream stream = ResponsesStream.streaming(REQUEST, ClientApiGoldens.times(), CLOCK);
    assertThat(stream.id()).matches("resp_[0-9a-f]{24}");
    String digits = stream.id().substring(5);
    Output opened = stream.open();
    assertThat(opened.lines()).extracting(ResponsesWireTest::text)
        .allSatisfy(e -> assertThat(e).contains("\"created_at\":1800000000,\"completed_at\":null"));
    assertThat(text(opened.line(1))).startsWith(
        "event: response.in_progress\ndata: {\"type\":\"response.in_progress\",\"sequence_number\":1,");
    Output first = stream.onEvent(null, chunk("{\"content\":\"He\"}"), 1);
    assertThat(first.count()).isEqualTo(3);
    assertThat(text(first.line(0))).isEqualTo("event: response.output_item.added\ndata: {\"type\":"
        + "\"response.output_item.added\",\"sequence_number\":2,\"output_index\":0,\"item\":{\"id\":\"msg_" + digits
        + "_0\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}}\n\n");
    Output next = stream.onEvent(null, chunk("{\"content\":\"llo\"}"), 2);
    assertThat(text(next.line(0))).isEqualTo("event: response.output_text.delta\ndata: {\"type\":"
        + "\"response.output_text.delta\",\"sequence_number\":5,\"item_id\":\"msg_" + digits + "_0\","
        + "\"output_index\":0,\"content_index\":0,\"delta\":\"llo\",\"logprobs\":[]}\n\n");
  }

  @Test
  void aFailureBeforeAnyEventStillOpensTheResponse() {
    ResponsesStream stream = ResponsesStream.streaming(REQUEST, ClientApiGoldens.times(), CLOCK);
    Output out = stream.onEvent("error", "{\"error\":{\"message\":\"terminated\"}}", 1);
    assertThat(out.count()).isZero();
    String events = text(stream.failureEvent(out.ending().failure()));
    String[] parts = events.split("(?<=\n\n)");
    assertThat(parts).hasSize(3);
    assertThat(parts[0]).startsWith("event: response.created\ndata: {\"type\":\"response.created\","
        + "\"sequence_number\":0,");
    assertThat(parts[2]).startsWith("event: response.failed\ndata: {\"type\":\"response.failed\","
        + "\"sequence_number\":2,\"response\":{\"id\":\"" + stream.id() + "\",");
    assertThat(parts[2]).contains("\"status\":\"failed\"", "\"output\":[]",
        "\"error\":{\"code\":\"api_error\",\"message\":\"terminated\"}", "\"usage\":null");
  }

  @Test
  void aShutdownIsAFailureTheClientRetries() {
    ResponsesStream stream = ResponsesStream.streaming(REQUEST, ClientApiGoldens.times(), CLOCK);
    stream.open();
    Output out = stream.cancel(1);
    assertThat(out.ending().failure().status()).isEqualTo(503);
    assertThat(text(stream.failureEvent(out.ending().failure())))
        .contains("\"sequence_number\":2,", "\"error\":{\"code\":\"server_is_overloaded\",");
  }

  @Test
  void errorBodies() {
    assertThat(text(ResponsesErrors.body(OllamaError.modelNotFound("gpt-oss:20b")))).isEqualTo(
        "{\"error\":{\"message\":\"model 'gpt-oss:20b' not found\",\"type\":\"not_found_error\",\"param\":null,"
            + "\"code\":null}}");
    assertThat(text(ResponsesErrors.body(new OllamaError(500, "boom")))).isEqualTo(
        "{\"error\":{\"message\":\"boom\",\"type\":\"api_error\",\"param\":null,\"code\":null}}");
    assertThat(text(ResponsesErrors.body(new OllamaError(400,
        "Trying to keep the first 9000 tokens when context the overflows. However, the model is loaded with context "
            + "length of only 4096 tokens")))).endsWith(
        "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"context_length_exceeded\"}}");
    assertThat(ResponsesErrors.code(new OllamaError(429, "slow down"))).isEqualTo("rate_limit_exceeded");
  }

  @Test
  void theAggregatedResponseHasEveryFieldAndNoStreamFraming() {
    ResponsesStream stream = ResponsesStream.aggregating(REQUEST, ClientApiGoldens.times(), CLOCK);
    stream.onEvent(null, chunk("{\"content\":\"Hi\"}"), 1);
    Output out = stream.onDone(2);
    String body = text(out.ending().body());
    assertThat(body).isEqualTo("{\"id\":\"" + stream.id() + "\",\"object\":\"response\",\"created_at\":1800000000,"
        + "\"completed_at\":1800000000,\"status\":\"completed\",\"incomplete_details\":null,\"model\":\"gpt-oss:20b\","
        + "\"previous_response_id\":null,\"instructions\":null,\"output\":[{\"id\":\"msg_" + stream.id().substring(5)
        + "_0\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":"
        + "\"output_text\",\"text\":\"Hi\",\"annotations\":[],\"logprobs\":[]}]}],\"error\":null,\"tools\":[],"
        + "\"tool_choice\":\"auto\",\"truncation\":\"disabled\",\"parallel_tool_calls\":true,\"text\":{\"format\":"
        + "{\"type\":\"text\"}},\"top_p\":1.0,\"presence_penalty\":0,\"frequency_penalty\":0,\"top_logprobs\":0,"
        + "\"temperature\":1.0,\"reasoning\":null,\"usage\":null,\"max_output_tokens\":null,\"max_tool_calls\":null,"
        + "\"store\":false,\"background\":false,\"service_tier\":\"default\",\"metadata\":{},"
        + "\"safety_identifier\":null,\"prompt_cache_key\":null}");
  }
}
