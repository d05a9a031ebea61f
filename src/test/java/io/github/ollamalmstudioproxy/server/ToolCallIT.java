package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import io.github.ollamalmstudioproxy.support.Upstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tool calling both ways. Out: fragments merged and emitted whole, arguments as an object, {@code function.index}
 * always present. In: history replayed as OpenAI wants it, with ids synthesised where ollama-python dropped them and
 * each tool result paired with its call. The simulator rejects unpaired results exactly as LM Studio does, so a
 * 200 already proves the pairing is consistent; the recorded body proves it is the right one.
 */
class ToolCallIT extends SimulatorBackedTest {
  private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
      + "\"description\":\"Weather for a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":"
      + "{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";
  private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"weather in Tokyo?\"}]";
  @BeforeEach
  void script() {
    harness.simulator().script().tokenInterval(Duration.ofMillis(1));
  }

  @Test
  void nonEmptyToolsAreForwardedUnchanged() {
    Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\"," + TOOLS + "," + HI + "}")).endsWithOneDone();

    assertThat(Upstream.chatBody(harness).path("tools")).isEqualTo(Ndjson.json("{" + TOOLS + "}").path("tools"));
  }

  @Test
  void streamedToolCallIsEmittedWholeWithObjectArgumentsBeforeTheFinalLine() {
    harness.simulator().script().toolCall("get_weather", "{\"city\":\"Tokyo\",\"days\":3,\"unit\":\"celsius\"}");
    Ndjson out = Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\"," + TOOLS + "," + HI + "}")).endsWithOneDone();

    List<JsonNode> withCalls = out.lines().stream().filter(l -> l.path("message").has("tool_calls")).toList();
    assertThat(withCalls).hasSize(1);
    JsonNode line = withCalls.get(0);
    assertThat(line.path("done").asBoolean()).isFalse();
    assertThat(line.path("message").path("content").asText("missing")).isEmpty();
    JsonNode call = line.path("message").path("tool_calls").path(0);
    assertThat(call.path("id").asText()).as("the backend's id is kept").matches("\\d{9,10}");
    assertThat(call.path("function").path("index").isInt()).isTrue();
    assertThat(call.path("function").path("index").asInt()).isZero();
    assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
    assertThat(call.path("function").path("arguments").toString())
        .isEqualTo("{\"city\":\"Tokyo\",\"days\":3,\"unit\":\"celsius\"}");
    assertThat(call.has("type")).isFalse();
    assertThat(out.last().path("done_reason").asText()).as("stop even when tools were called").isEqualTo("stop");
  }

  @Test
  void parallelToolCallsKeepTheirOrderAndIndexesAfterTheContent() {
    harness.simulator().script().tokens(List.of("Let me", " check.")).toolCall("get_weather", "{\"city\":\"Tokyo\"}")
        .toolCall("get_weather", "{\"city\":\"Paris\"}");
    Ndjson out = Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\"," + TOOLS + "," + HI + "}")).endsWithOneDone();

    assertThat(out.joined("content")).isEqualTo("Let me check.");
    List<JsonNode> calls = out.lines().stream().flatMap(l -> stream(l.path("message").path("tool_calls"))).toList();
    assertThat(calls).extracting(c -> c.path("function").path("index").asInt()).containsExactly(0, 1);
    assertThat(calls).extracting(c -> c.path("function").path("arguments").path("city").asText())
        .containsExactly("Tokyo", "Paris");
    assertThat(calls.get(0).path("id").asText()).isNotEqualTo(calls.get(1).path("id").asText());
    int firstCallLine = indexOfFirst(out, "tool_calls");
    assertThat(out.lines().subList(firstCallLine, out.lines().size()))
        .noneMatch(l -> !l.path("message").path("content").asText("").isEmpty());
  }

  @Test
  void nonStreamingToolCallsAreAggregatedIntoTheOneMessage() {
    harness.simulator().script().toolCall("get_weather", "{\"city\":\"Tokyo\"}").toolCall("get_time", "{}");
    JsonNode body = Ndjson.json(chat("{\"model\":\"qwen/qwen3-4b\",\"stream\":false," + TOOLS + "," + HI + "}")
        .body());

    JsonNode calls = body.path("message").path("tool_calls");
    assertThat(calls.size()).isEqualTo(2);
    assertThat(calls.path(0).path("function").toString())
        .isEqualTo("{\"index\":0,\"name\":\"get_weather\",\"arguments\":{\"city\":\"Tokyo\"}}");
    assertThat(calls.path(1).path("function").toString())
        .isEqualTo("{\"index\":1,\"name\":\"get_time\",\"arguments\":{}}");
    assertThat(body.path("done_reason").asText()).isEqualTo("stop");
  }

  @Test
  void invalidToolArgumentsFromTheBackendBecomeAnErrorLineOnceStreamingStarted() {
    harness.simulator().script().tokens(List.of("Checking.")).toolCall("get_weather", "{\"city\":");
    Ndjson out = Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\"," + TOOLS + "," + HI + "}"));

    assertThat(out.endsWithOneError()).isEqualTo("backend returned invalid tool call arguments for \"get_weather\"");
    assertThat(out.joined("content")).isEqualTo("Checking.");
  }

  @Test
  void invalidToolArgumentsBeforeAnyOutputAreAnErrorStatus() {
    harness.simulator().script().toolCall("get_weather", "{\"city\":");
    HttpResponse<String> streamed = chat("{\"model\":\"qwen/qwen3-4b\"," + TOOLS + "," + HI + "}");
    assertThat(streamed.statusCode()).isEqualTo(500);
    assertThat(streamed.body()).isEqualTo("{\"error\":\"backend returned invalid tool call arguments for "
        + "\\\"get_weather\\\"\"}");
    HttpResponse<String> aggregated = chat("{\"model\":\"qwen/qwen3-4b\",\"stream\":false," + TOOLS + "," + HI + "}");
    assertThat(aggregated.statusCode()).isGreaterThanOrEqualTo(400);
    assertThat(Ndjson.json(aggregated.body()).path("error").asText()).contains("invalid tool call arguments");
  }

  @Test
  void historyFromOllamaPythonGetsSynthesisedIdsStringArgumentsAndResultsPairedByName() {
    String body = "{\"model\":\"qwen/qwen3-4b\"," + TOOLS + ",\"messages\":["
        + "{\"role\":\"user\",\"content\":\"weather and time?\"},"
        + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
        + "{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Tokyo\"}}},"
        + "{\"function\":{\"name\":\"get_time\",\"arguments\":{\"tz\":\"JST\"}}},"
        + "{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]},"
        + "{\"role\":\"tool\",\"content\":\"10:00\",\"tool_name\":\"get_time\"},"
        + "{\"role\":\"tool\",\"content\":\"sunny\",\"tool_name\":\"get_weather\"},"
        + "{\"role\":\"tool\",\"content\":\"rain\",\"tool_name\":\"get_weather\"}]}";
    Ndjson.of(chat(body)).endsWithOneDone();
    JsonNode messages = Upstream.chatBody(harness).path("messages");

    JsonNode calls = messages.path(1).path("tool_calls");
    assertThat(stream(calls).map(c -> c.path("id").asText()).toList()).doesNotHaveDuplicates().allSatisfy(id ->
        assertThat(id).isNotEmpty());
    assertThat(stream(calls).map(c -> c.path("type").asText()).distinct().toList()).containsExactly("function");
    assertThat(calls.path(0).path("function").path("arguments").isTextual()).isTrue();
    assertThat(calls.path(0).path("function").path("arguments").asText()).isEqualTo("{\"city\":\"Tokyo\"}");
    String weatherTokyo = calls.path(0).path("id").asText();
    String time = calls.path(1).path("id").asText();
    String weatherParis = calls.path(2).path("id").asText();
    assertThat(List.of(messages.path(2), messages.path(3), messages.path(4)))
        .extracting(m -> m.path("tool_call_id").asText() + " " + m.path("name").asText())
        .containsExactly(time + " get_time", weatherTokyo + " get_weather", weatherParis + " get_weather");

    harness.simulator().log().clear();
    Ndjson.of(chat(body)).endsWithOneDone();
    assertThat(Upstream.chatBody(harness).path("messages").path(1).path("tool_calls")).as("deterministic ids")
        .isEqualTo(calls);
  }

  @Test
  void toolResultWithoutNameOrIdAnswersTheLatestUnansweredCall() {
    Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"},"
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"name\":\"a\",\"arguments\":{}}},"
        + "{\"function\":{\"name\":\"b\",\"arguments\":{}}}]},"
        + "{\"role\":\"tool\",\"content\":\"for b\"},{\"role\":\"tool\",\"content\":\"for a\"}]}")).endsWithOneDone();
    JsonNode messages = Upstream.chatBody(harness).path("messages");

    JsonNode calls = messages.path(1).path("tool_calls");
    assertThat(messages.path(2).path("tool_call_id").asText()).isEqualTo(calls.path(1).path("id").asText());
    assertThat(messages.path(3).path("tool_call_id").asText()).isEqualTo(calls.path(0).path("id").asText());
  }

  @Test
  void clientIdsAndStringArgumentsInHistoryAreKept() {
    Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"},"
        + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"call_abc12345\",\"function\":{\"name\":"
        + "\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},"
        + "{\"role\":\"tool\",\"content\":\"cold\",\"tool_call_id\":\"call_abc12345\"}]}")).endsWithOneDone();
    JsonNode messages = Upstream.chatBody(harness).path("messages");

    JsonNode call = messages.path(1).path("tool_calls").path(0);
    assertThat(call.path("id").asText()).isEqualTo("call_abc12345");
    assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"city\":\"Oslo\"}");
    assertThat(messages.path(2).path("tool_call_id").asText()).isEqualTo("call_abc12345");
  }

  @Test
  void toolCallsFromOneAnswerReplayAsHistoryThatTheBackendAccepts() {
    harness.simulator().script().toolCall("get_weather", "{\"city\":\"Tokyo\"}");
    JsonNode first = Ndjson.json(chat("{\"model\":\"qwen/qwen3-4b\",\"stream\":false," + TOOLS + "," + HI + "}")
        .body());
    harness.simulator().script().clearToolCalls().tokens(List.of("Sunny."));
    harness.simulator().log().clear();

    String assistant = first.path("message").toString();
    HttpResponse<String> second = chat("{\"model\":\"qwen/qwen3-4b\",\"stream\":false," + TOOLS + ",\"messages\":["
        + "{\"role\":\"user\",\"content\":\"weather in Tokyo?\"}," + assistant + ","
        + "{\"role\":\"tool\",\"content\":\"sunny\",\"tool_name\":\"get_weather\"}]}");

    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(Ndjson.json(second.body()).path("message").path("content").asText()).isEqualTo("Sunny.");
    JsonNode messages = Upstream.chatBody(harness).path("messages");
    assertThat(messages.path(2).path("tool_call_id").asText())
        .isEqualTo(first.path("message").path("tool_calls").path(0).path("id").asText());
  }

  /**
   * LlamaIndex.TS's agent loop ({@code run-llama/LlamaIndexTS:packages/providers/ollama/src/llm.ts}, {@code chat}:
   * a tool result is sent as {@code {role:"tool", content}}, the assistant turn as {@code {role, content}} without
   * its {@code tool_calls}; {@code num_ctx} 4096 always). The first turn's answer is replayed as that code replays it.
   * Real Ollama renders the result ({@code server/prompt.go:46}, {@code renderPrompt} of every message); LM Studio,
   * like the simulator, refuses a tool message with no call to answer, so this was a 400 before the proxy folded it.
   */
  @Test
  void llamaIndexHistoryWithoutTheAssistantsCallsIsAcceptedAndTheResultReachesTheModel() {
    harness.simulator().script().toolCall("get_weather", "{\"city\":\"Tokyo\"}");
    JsonNode first = Ndjson.json(chat("{\"model\":\"qwen/qwen3-4b\",\"stream\":false,\"options\":{\"num_ctx\":4096},"
        + TOOLS + "," + HI + "}").body());
    assertThat(first.path("message").path("tool_calls").size()).isEqualTo(1);
    harness.simulator().script().clearToolCalls().tokens(List.of("Sunny in Tokyo."));
    harness.simulator().log().clear();

    HttpResponse<String> second = chat("{\"model\":\"qwen/qwen3-4b\",\"stream\":false,\"options\":{\"num_ctx\":4096},"
        + TOOLS + ",\"messages\":[{\"role\":\"user\",\"content\":\"weather in Tokyo?\"},"
        + "{\"role\":\"assistant\",\"content\":" + first.path("message").path("content") + "},"
        + "{\"role\":\"tool\",\"content\":\"sunny, 24 C\"}]}");

    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(Ndjson.json(second.body()).path("message").path("content").asText()).isEqualTo("Sunny in Tokyo.");
    JsonNode messages = Upstream.chatBody(harness).path("messages");
    assertThat(messages.size()).isEqualTo(3);
    assertThat(messages.path(2).toString())
        .isEqualTo("{\"role\":\"user\",\"content\":\"Tool result:\\nsunny, 24 C\"}");
  }

  @Test
  void aToolMessageWithoutItsCallIsRefusedByTheSimulatorAsByLmStudio() {
    HttpResponse<String> direct = harness.send(java.net.http.HttpRequest.newBuilder(
        harness.direct("/v1/chat/completions")).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"qwen/qwen3-4b\",\"messages\":["
            + "{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"\"},"
            + "{\"role\":\"tool\",\"content\":\"sunny\"}]}")).build());

    assertThat(direct.statusCode()).isEqualTo(400);
    assertThat(direct.body()).contains("Invalid 'messages' in payload. Please check the structure of your "
        + "'messages' and try again");
  }

  private static HttpResponse<String> chat(String body) {
    return harness.post("/api/chat", body);
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  private static int indexOfFirst(Ndjson out, String messageField) {
    for (int i = 0; i < out.lines().size(); i++) {
      if (out.lines().get(i).path("message").has(messageField)) {
        return i;
      }
    }
    throw new AssertionError("no line with message." + messageField);
  }
}
