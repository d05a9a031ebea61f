package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bytes of {@code POST /v1/responses}, streamed and not, compared as text so key order and nulls count. */
class ResponsesWireTest {
  private static final String ASK = "{\"model\":\"qwen/qwen3-4b\",\"input\":\"Say hello\"";
  private static final String STREAM = ASK + ",\"stream\":true}";
  private static final String OPEN = "\"id\":\"RESP\",\"object\":\"response\",\"created_at\":0,";
  private static final String ECHO = "\"parallel_tool_calls\":true,\"previous_response_id\":null,"
      + "\"tool_choice\":\"auto\",\"tools\":[]";
  private static final String IN_PROGRESS = "{" + OPEN + "\"status\":\"in_progress\",\"error\":null,"
      + "\"incomplete_details\":null,\"instructions\":null,\"max_output_tokens\":null,\"model\":\"qwen/qwen3-4b\","
      + "\"output\":[]," + ECHO + ",\"usage\":null}";
  private static final String MESSAGE_DONE = "{\"id\":\"MSG\",\"type\":\"message\",\"status\":\"completed\","
      + "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hello there\",\"annotations\":[]}]}";

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
  void aTextStreamIsOneMessageItemBetweenCreatedAndCompleted() {
    HttpResponse<String> response = http.post("/v1/responses", STREAM);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    String item = "\"item_id\":\"MSG\",\"output_index\":0,\"content_index\":0,";
    assertThat(normalized(response.body())).isEqualTo(
        "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":"
            + IN_PROGRESS + "}\n\n"
        + "event: response.in_progress\ndata: {\"type\":\"response.in_progress\",\"sequence_number\":1,\"response\":"
            + IN_PROGRESS + "}\n\n"
        + "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"sequence_number\":2,"
            + "\"output_index\":0,\"item\":{\"id\":\"MSG\",\"type\":\"message\",\"status\":\"in_progress\","
            + "\"role\":\"assistant\",\"content\":[]}}\n\n"
        + "event: response.content_part.added\ndata: {\"type\":\"response.content_part.added\",\"sequence_number\":3,"
            + item + "\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}}\n\n"
        + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":4,"
            + item + "\"delta\":\"Hello\",\"logprobs\":[]}\n\n"
        + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":5,"
            + item + "\"delta\":\" there\",\"logprobs\":[]}\n\n"
        + "event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\",\"sequence_number\":6,"
            + item + "\"text\":\"Hello there\",\"logprobs\":[]}\n\n"
        + "event: response.content_part.done\ndata: {\"type\":\"response.content_part.done\",\"sequence_number\":7,"
            + item + "\"part\":{\"type\":\"output_text\",\"text\":\"Hello there\",\"annotations\":[]}}\n\n"
        + "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"sequence_number\":8,"
            + "\"output_index\":0,\"item\":" + MESSAGE_DONE + "}\n\n"
        + "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":9,\"response\":{"
            + OPEN + "\"status\":\"completed\",\"error\":null,\"incomplete_details\":null,\"instructions\":null,"
            + "\"max_output_tokens\":null,\"model\":\"qwen/qwen3-4b\",\"output\":[" + MESSAGE_DONE + "]," + ECHO
            + ",\"usage\":{\"input_tokens\":6,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":2,"
            + "\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":8}}}\n\n");
    assertThat(response.body()).doesNotContain("[DONE]");
  }

  @Test
  void idsAreRespMsgRsAndFcWithBase36AndEveryEventNamesItsType() {
    simulator.script().reasoning(List.of("Hmm")).toolCall("get_weather", "{}");

    String body = http.post("/v1/responses", STREAM).body();
    List<JsonNode> events = SimHttp.dataLines(body).stream().map(SimHttp::parse).toList();

    assertThat(events.get(0).at("/response/id").asText()).matches("resp_[a-z0-9]{21}");
    List<String> itemIds = events.stream().filter(e -> e.get("type").asText().equals("response.output_item.added"))
        .map(e -> e.at("/item/id").asText()).toList();
    assertThat(itemIds).hasSize(3);
    assertThat(itemIds.get(0)).matches("rs_[a-z0-9]{21}");
    assertThat(itemIds.get(1)).matches("msg_[a-z0-9]{21}");
    assertThat(itemIds.get(2)).matches("fc_[a-z0-9]{21}");
    List<String> names = body.lines().filter(l -> l.startsWith("event: ")).map(l -> l.substring(7)).toList();
    assertThat(names).isEqualTo(events.stream().map(e -> e.get("type").asText()).toList());
    assertThat(events).extracting(e -> e.get("sequence_number").asInt())
        .isEqualTo(IntStream.range(0, events.size()).boxed().toList());
  }

  @Test
  void reasoningIsAReasoningItemWithReasoningTextBeforeTheMessage() {
    simulator.script().reasoning(List.of("Think", "ing"));

    List<String> data = SimHttp.dataLines(http.post("/v1/responses", STREAM).body()).stream()
        .map(ResponsesWireTest::normalized).toList();

    String item = "\"item_id\":\"RS\",\"output_index\":0,\"content_index\":0,";
    assertThat(data.get(2)).isEqualTo("{\"type\":\"response.output_item.added\",\"sequence_number\":2,"
        + "\"output_index\":0,\"item\":{\"id\":\"RS\",\"type\":\"reasoning\",\"summary\":[],\"content\":[],"
        + "\"status\":\"in_progress\"}}");
    assertThat(data.get(3)).isEqualTo("{\"type\":\"response.content_part.added\",\"sequence_number\":3," + item
        + "\"part\":{\"type\":\"reasoning_text\",\"text\":\"\"}}");
    assertThat(data.get(4)).isEqualTo("{\"type\":\"response.reasoning_text.delta\",\"sequence_number\":4," + item
        + "\"delta\":\"Think\"}");
    assertThat(data.get(6)).isEqualTo("{\"type\":\"response.reasoning_text.done\",\"sequence_number\":6," + item
        + "\"text\":\"Thinking\"}");
    assertThat(data.get(8)).isEqualTo("{\"type\":\"response.output_item.done\",\"sequence_number\":8,"
        + "\"output_index\":0,\"item\":{\"id\":\"RS\",\"type\":\"reasoning\",\"summary\":[],"
        + "\"content\":[{\"type\":\"reasoning_text\",\"text\":\"Thinking\"}],\"status\":\"completed\"}}");
    assertThat(data.get(9)).contains("\"output_index\":1,\"item\":{\"id\":\"MSG\",\"type\":\"message\"");
    assertThat(data.get(data.size() - 1)).contains("\"output_tokens\":4,\"output_tokens_details\":"
        + "{\"reasoning_tokens\":2}");
  }

  @Test
  void aToolCallIsAFunctionCallItemWithArgumentDeltas() {
    simulator.script().tokens(List.of()).toolCall("get_weather", "{\"city\":\"Paris\"}");

    List<String> data = SimHttp.dataLines(http.post("/v1/responses", STREAM).body()).stream()
        .map(ResponsesWireTest::normalized).toList();

    assertThat(data.get(2)).isEqualTo("{\"type\":\"response.output_item.added\",\"sequence_number\":2,"
        + "\"output_index\":0,\"item\":{\"id\":\"FC\",\"type\":\"function_call\",\"status\":\"in_progress\","
        + "\"arguments\":\"\",\"call_id\":\"CALL\",\"name\":\"get_weather\"}}");
    assertThat(data.get(3)).isEqualTo("{\"type\":\"response.function_call_arguments.delta\",\"sequence_number\":3,"
        + "\"item_id\":\"FC\",\"output_index\":0,\"delta\":\"{\\\"cit\"}");
    assertThat(data.get(7)).isEqualTo("{\"type\":\"response.function_call_arguments.done\",\"sequence_number\":7,"
        + "\"item_id\":\"FC\",\"output_index\":0,\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}");
    assertThat(data.get(8)).isEqualTo("{\"type\":\"response.output_item.done\",\"sequence_number\":8,"
        + "\"output_index\":0,\"item\":{\"id\":\"FC\",\"type\":\"function_call\",\"status\":\"completed\","
        + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\",\"call_id\":\"CALL\",\"name\":\"get_weather\"}}");
    assertThat(data.get(9)).startsWith("{\"type\":\"response.completed\",\"sequence_number\":9,");
    assertThat(data).hasSize(10);
  }

  @Test
  void maxOutputTokensCutsTheAnswerIntoAnIncompleteResponse() {
    String body = http.post("/v1/responses", ASK + ",\"stream\":true,\"max_output_tokens\":1}").body();

    assertThat(body).doesNotContain(" there").doesNotContain("response.completed");
    List<String> data = SimHttp.dataLines(body);
    JsonNode last = SimHttp.parse(data.get(data.size() - 1));
    assertThat(last.get("type").asText()).isEqualTo("response.incomplete");
    assertThat(last.at("/response/status").asText()).isEqualTo("incomplete");
    assertThat(last.at("/response/incomplete_details").toString()).isEqualTo("{\"reason\":\"max_output_tokens\"}");
    assertThat(last.at("/response/max_output_tokens").asInt()).isEqualTo(1);
    assertThat(last.at("/response/output/0/status").asText()).isEqualTo("incomplete");
    assertThat(last.at("/response/usage/output_tokens").asInt()).isEqualTo(1);
  }

  @Test
  void withoutStreamTheAnswerIsOneResponseObject() {
    HttpResponse<String> response = http.post("/v1/responses", ASK + "}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    assertThat(normalized(response.body())).isEqualTo("{" + OPEN + "\"status\":\"completed\",\"error\":null,"
        + "\"incomplete_details\":null,\"instructions\":null,\"max_output_tokens\":null,\"model\":\"qwen/qwen3-4b\","
        + "\"output\":[" + MESSAGE_DONE + "]," + ECHO + ",\"usage\":{\"input_tokens\":6,"
        + "\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":2,"
        + "\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":8}}");
  }

  @Test
  void withoutStreamReasoningMessageAndCallsAreItemsInOrderAndTheRequestIsEchoed() {
    simulator.script().reasoning(List.of("Hmm")).toolCall("get_weather", "{\"city\":\"Paris\"}");
    String tools = "[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}]";

    JsonNode body = SimHttp.json(http.post("/v1/responses", "{\"model\":\"qwen/qwen3-4b\","
        + "\"instructions\":\"Be brief.\","
        + "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Weather in Paris?\"}]}],"
        + "\"tools\":" + tools + ",\"max_output_tokens\":100}"));

    assertThat(body.get("output")).extracting(i -> i.get("type").asText())
        .containsExactly("reasoning", "message", "function_call");
    assertThat(body.at("/output/0/content/0/text").asText()).isEqualTo("Hmm");
    assertThat(body.at("/output/2/arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(body.at("/output/2/call_id").asText()).matches("[0-9]{9,10}");
    assertThat(body.get("instructions").asText()).isEqualTo("Be brief.");
    assertThat(body.get("max_output_tokens").asInt()).isEqualTo(100);
    assertThat(body.get("tools").toString()).isEqualTo(tools);
    // instructions (4 + 2) + one input item (4 + 3) + one tool (10)
    assertThat(body.at("/usage/input_tokens").asInt()).isEqualTo(23);
  }

  @Test
  void validationAnswersInOpenAisShapeWithTheSchemasWords() {
    HttpResponse<String> noInput = http.post("/v1/responses", "{\"model\":\"qwen/qwen3-4b\",\"stream\":true}");
    HttpResponse<String> noFormat = http.post("/v1/responses", ASK + ",\"text\":{}}");
    HttpResponse<String> namespace = http.post("/v1/responses", ASK + ",\"tools\":[{\"type\":\"function\","
        + "\"name\":\"f\"},{\"type\":\"namespace\",\"name\":\"mcp__idea__\",\"tools\":[]}]}");

    assertThat(noInput.statusCode()).isEqualTo(400);
    assertThat(noInput.body()).isEqualTo("{\"error\":{\"message\":\"Required\",\"type\":\"invalid_request_error\","
        + "\"param\":\"input\",\"code\":\"missing_required_parameter\"}}");
    assertThat(noFormat.body()).isEqualTo("{\"error\":{\"message\":\"Required\",\"type\":\"invalid_request_error\","
        + "\"param\":\"text.format\",\"code\":\"missing_required_parameter\"}}");
    assertThat(namespace.statusCode()).isEqualTo(400);
    assertThat(namespace.body()).isEqualTo("{\"error\":{\"message\":\"Invalid\",\"type\":\"invalid_request_error\","
        + "\"param\":\"tools.1.type\",\"code\":\"invalid_string\"}}");
  }

  @Test
  void theLegacyProfileWithTheRouteOnUsesTheZeroThreeToolWording() {
    try (LmStudioSimulator legacy = LmStudioSimulator.start(
        SimulatorOptions.builder().version("0.3").nativeResponsesAndMessages(true).build())) {
      HttpResponse<String> response = new SimHttp(legacy).post("/v1/responses",
          ASK + ",\"tools\":[{\"type\":\"web_search\"}]}");

      assertThat(response.body()).isEqualTo("{\"error\":{\"message\":\"Invalid discriminator value. Expected "
          + "'function' | 'mcp'\",\"type\":\"invalid_request_error\",\"param\":\"tools.0.type\","
          + "\"code\":\"invalid_union_discriminator\"}}");
      legacy.script().tokens(List.of("ok")).tokenInterval(Duration.ZERO);
      assertThat(SimHttp.json(new SimHttp(legacy).post("/v1/responses", ASK + "}")).at("/output/0/content/0/text")
          .asText()).isEqualTo("ok");
    }
  }

  @Test
  void imagesForATextModelAreRefusedAsOnChat() {
    HttpResponse<String> response = http.post("/v1/responses", "{\"model\":\"qwen/qwen3-4b\",\"input\":[{\"role\":"
        + "\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,iVBO\"}]}]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("The provided messages contain images, but qwen/qwen3-4b does not support "
        + "image inputs.");
  }

  private static String normalized(String body) {
    return body.replaceAll("\"resp_[a-z0-9]+\"", "\"RESP\"").replaceAll("\"msg_[a-z0-9]+\"", "\"MSG\"")
        .replaceAll("\"rs_[a-z0-9]+\"", "\"RS\"").replaceAll("\"fc_[a-z0-9]+\"", "\"FC\"")
        .replaceAll("\"call_id\":\"[0-9]+\"", "\"call_id\":\"CALL\"")
        .replaceAll("\"created_at\":\\d+", "\"created_at\":0");
  }
}
