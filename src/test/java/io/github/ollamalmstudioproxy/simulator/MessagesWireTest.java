package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bytes of {@code POST /v1/messages}, streamed and not, compared as text so key order and nulls count. */
class MessagesWireTest {
  private static final String ASK = "{\"model\":\"qwen/qwen3-4b\",\"max_tokens\":64,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]";
  private static final String STREAM = ASK + ",\"stream\":true}";

  private LmStudioSimulator simulator;
  private SimHttp http;

  @BeforeEach
  void start() {
    simulator = LmStudioSimulator.start(SimulatorOptions.defaults());
    simulator.script().tokens(List.of("Hello", " there")).tokenInterval(Duration.ZERO);
    http = new SimHttp(simulator);
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @Test
  void aTextStreamIsOneBlockBetweenMessageStartAndMessageStop() {
    HttpResponse<String> response = http.post("/v1/messages", STREAM);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(normalized(response.body())).isEqualTo(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"ID\",\"type\":\"message\","
            + "\"role\":\"assistant\",\"model\":\"qwen/qwen3-4b\",\"content\":[],\"stop_reason\":null,"
            + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":6,\"output_tokens\":0}}}\n\n"
        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
            + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n"
        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\" there\"}}\n\n"
        + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
            + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}\n\n"
        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    assertThat(response.body()).doesNotContain("[DONE]");
  }

  @Test
  void theMessageIdIsMsgAndBase36() {
    JsonNode start = SimHttp.parse(SimHttp.dataLines(http.post("/v1/messages", STREAM).body()).get(0));

    assertThat(start.at("/message/id").asText()).matches("msg_[a-z0-9]{21}");
  }

  @Test
  void reasoningStreamsAsAThinkingBlockBeforeTheText() {
    simulator.script().reasoning(List.of("Think", "ing"));

    List<String> data = SimHttp.dataLines(http.post("/v1/messages", STREAM).body());

    assertThat(data.get(1)).isEqualTo("{\"type\":\"content_block_start\",\"index\":0,"
        + "\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}");
    assertThat(data.get(2)).isEqualTo("{\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Think\"}}");
    assertThat(data.get(4)).isEqualTo("{\"type\":\"content_block_stop\",\"index\":0}");
    assertThat(data.get(5)).isEqualTo("{\"type\":\"content_block_start\",\"index\":1,"
        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
    assertThat(data.get(6)).contains("\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}");
    assertThat(data.get(data.size() - 2)).contains("\"usage\":{\"output_tokens\":4}");
  }

  @Test
  void aToolCallStreamsAsToolUseWithInputJsonDeltasAndStopsForToolUse() {
    simulator.script().tokens(List.of()).toolCall("get_weather", "{\"city\":\"Paris\"}");

    String body = http.post("/v1/messages", STREAM).body();
    List<JsonNode> events = SimHttp.dataLines(body).stream().map(SimHttp::parse).toList();

    JsonNode block = events.get(1).get("content_block");
    assertThat(block.get("id").asText()).matches("[0-9]{9,10}");
    assertThat(normalizedToolId(events.get(1).toString())).isEqualTo("{\"type\":\"content_block_start\",\"index\":0,"
        + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"TOOL\",\"name\":\"get_weather\",\"input\":{}}}");
    assertThat(events.get(2).toString()).isEqualTo("{\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"cit\"}}");
    String json = events.stream().filter(e -> e.at("/delta/type").asText().equals("input_json_delta"))
        .map(e -> e.at("/delta/partial_json").asText()).reduce("", String::concat);
    assertThat(json).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(body).contains("\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null}");
  }

  @Test
  void maxTokensCutsTheAnswerWithStopReasonMaxTokens() {
    String body = http.post("/v1/messages", STREAM.replace("\"max_tokens\":64", "\"max_tokens\":1")).body();

    assertThat(body).doesNotContain(" there").contains("\"stop_reason\":\"max_tokens\"")
        .contains("\"usage\":{\"output_tokens\":1}");
  }

  @Test
  void withoutStreamTheAnswerIsOneMessage() {
    HttpResponse<String> response = http.post("/v1/messages", ASK + "}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    assertThat(normalized(response.body())).isEqualTo("{\"id\":\"ID\",\"type\":\"message\",\"role\":\"assistant\","
        + "\"model\":\"qwen/qwen3-4b\",\"content\":[{\"type\":\"text\",\"text\":\"Hello there\"}],"
        + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":6,\"output_tokens\":2}}");
  }

  @Test
  void withoutStreamReasoningAndToolCallsAreBlocksInOrder() {
    simulator.script().reasoning(List.of("Hmm")).toolCall("get_weather", "{\"city\":\"Paris\"}")
        .toolCall("get_time", "{\"tz\":\"CET\"}");

    JsonNode message = SimHttp.json(http.post("/v1/messages", ASK + "}"));

    JsonNode content = message.get("content");
    assertThat(content).hasSize(4);
    assertThat(content.get(0).toString()).isEqualTo("{\"type\":\"thinking\",\"thinking\":\"Hmm\",\"signature\":\"\"}");
    assertThat(content.get(1).toString()).isEqualTo("{\"type\":\"text\",\"text\":\"Hello there\"}");
    assertThat(normalizedToolId(content.get(2).toString()))
        .isEqualTo("{\"type\":\"tool_use\",\"id\":\"TOOL\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}");
    assertThat(content.get(3).at("/input/tz").asText()).isEqualTo("CET");
    assertThat(content.get(2).get("id").asText()).isNotEqualTo(content.get(3).get("id").asText());
    assertThat(message.get("stop_reason").asText()).isEqualTo("tool_use");
  }

  @Test
  void missingMaxTokensOrMessagesIsAnAnthropicInvalidRequest() {
    HttpResponse<String> noMax = http.post("/v1/messages",
        "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    HttpResponse<String> noMessages = http.post("/v1/messages", "{\"model\":\"qwen/qwen3-4b\",\"max_tokens\":8}");

    assertThat(noMax.statusCode()).isEqualTo(400);
    assertThat(noMax.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    assertThat(noMax.body()).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
        + "\"message\":\"max_tokens: Field required\"}}");
    assertThat(noMessages.statusCode()).isEqualTo(400);
    assertThat(noMessages.body()).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
        + "\"message\":\"messages: Field required\"}}");
  }

  @Test
  void modelErrorsKeepTheirStatusAndWordingInAnthropicsShape() {
    try (LmStudioSimulator noFallback =
        LmStudioSimulator.start(SimulatorOptions.builder().singleModelFallback(false).build())) {
      HttpResponse<String> response = new SimHttp(noFallback).post("/v1/messages", ASK.replace("qwen/qwen3-4b", "gpt-4")
          + "}");

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(response.body()).startsWith("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
          + "\"message\":\"Invalid model identifier \\\"gpt-4\\\". Please specify a valid downloaded model");
    }
  }

  @Test
  void imagesForATextModelAreRefusedInAnthropicsShape() {
    String image = "{\"model\":\"qwen/qwen3-4b\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":["
        + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBO\"}},"
        + "{\"type\":\"text\",\"text\":\"What is this?\"}]}]}";

    HttpResponse<String> response = http.post("/v1/messages", image);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
        + "\"message\":\"The provided messages contain images, but qwen/qwen3-4b does not support image inputs.\"}}");
  }

  private static String normalized(String body) {
    return body.replaceAll("\"id\":\"msg_[a-z0-9]+\"", "\"id\":\"ID\"");
  }

  private static String normalizedToolId(String json) {
    return json.replaceAll("\"id\":\"[0-9]+\"", "\"id\":\"TOOL\"");
  }
}
