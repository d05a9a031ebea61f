package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SSE bytes of {@code /v1/chat/completions}, compared as text so key order, {@code {}} and {@code []} count. */
class ChatStreamWireTest {
  private static final String HEAD = "data: {\"id\":\"ID\",\"object\":\"chat.completion.chunk\",\"created\":0,"
      + "\"model\":\"qwen/qwen3-4b\",\"system_fingerprint\":\"qwen/qwen3-4b\",";
  private static final String ASK = "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]";

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
  void streamPutsRoleInFirstDeltaAndEndsWithEmptyDeltaAndDone() {
    HttpResponse<String> response = http.post("/v1/chat/completions", ASK + "}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(normalized(response.body())).isEqualTo(
        HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},"
            + "\"logprobs\":null,\"finish_reason\":null}]}\n\n"
        + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"},"
            + "\"logprobs\":null,\"finish_reason\":null}]}\n\n"
        + HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n"
        + "data: [DONE]\n\n");
  }

  @Test
  void includeUsageAddsOneChoicelessUsageChunkBeforeDone() {
    HttpResponse<String> response =
        http.post("/v1/chat/completions", ASK + ",\"stream_options\":{\"include_usage\":true}}");

    String body = normalized(response.body());
    assertThat(body).endsWith(
        HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n"
        + HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":6,\"completion_tokens\":2,\"total_tokens\":8}}\n\n"
        + "data: [DONE]\n\n");
    assertThat(body).containsOnlyOnce("\"usage\"");
  }

  @Test
  void everyChunkRepeatsOneIdAndCreated() {
    String body = http.post("/v1/chat/completions", ASK + "}").body();

    List<JsonNode> chunks = SimHttp.dataLines(body).stream().filter(d -> !d.equals("[DONE]"))
        .map(SimHttp::parse).toList();
    Set<String> ids = chunks.stream().map(c -> c.get("id").asText()).collect(Collectors.toSet());
    assertThat(ids).hasSize(1);
    assertThat(ids.iterator().next()).matches("chatcmpl-[a-z0-9]{21}");
    assertThat(chunks).extracting(c -> c.get("created").asLong()).containsOnly(chunks.get(0).get("created").asLong());
  }

  @Test
  void reasoningStreamsBeforeContentInTheChosenField() {
    simulator.script().reasoning(List.of("Think", "ing")).reasoningField("reasoning");

    List<String> data = SimHttp.dataLines(http.post("/v1/chat/completions", ASK + "}").body());

    assertThat(SimHttp.parse(data.get(0)).at("/choices/0/delta").toString())
        .isEqualTo("{\"role\":\"assistant\",\"reasoning\":\"Think\"}");
    assertThat(SimHttp.parse(data.get(1)).at("/choices/0/delta").toString()).isEqualTo("{\"reasoning\":\"ing\"}");
    assertThat(SimHttp.parse(data.get(2)).at("/choices/0/delta").toString()).isEqualTo("{\"content\":\"Hello\"}");
  }

  @Test
  void parallelToolCallsStreamAsFragmentsByIndex() {
    simulator.script().tokens(List.of()).toolCall("get_weather", "{\"city\":\"Paris\"}")
        .toolCall("get_time", "{\"tz\":\"CET\"}");

    List<JsonNode> calls = SimHttp.dataLines(http.post("/v1/chat/completions", ASK + "}").body()).stream()
        .filter(d -> !d.equals("[DONE]")).map(SimHttp::parse)
        .filter(c -> c.at("/choices/0/delta/tool_calls").isArray())
        .map(c -> c.at("/choices/0/delta/tool_calls/0")).toList();

    JsonNode first = calls.get(0);
    assertThat(first.get("index").asInt()).isZero();
    assertThat(first.get("id").asText()).matches("[0-9]{9,10}");
    assertThat(first.get("type").asText()).isEqualTo("function");
    assertThat(first.get("function").toString()).isEqualTo("{\"name\":\"get_weather\",\"arguments\":\"\"}");
    assertThat(calls.get(1).toString()).isEqualTo("{\"index\":0,\"function\":{\"arguments\":\"{\\\"cit\"}}");
    assertThat(arguments(calls, 0)).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(arguments(calls, 1)).isEqualTo("{\"tz\":\"CET\"}");
    assertThat(calls.stream().filter(c -> c.has("id")).map(c -> c.get("index").asInt())).containsExactly(0, 1);
    String body = http.post("/v1/chat/completions", ASK + "}").body();
    assertThat(body).contains("\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"");
  }

  @Test
  void maxTokensCutsTheAnswerWithFinishReasonLength() {
    String body = http.post("/v1/chat/completions",
        ASK + ",\"max_tokens\":1,\"stream_options\":{\"include_usage\":true}}").body();

    assertThat(body).doesNotContain(" there").contains("\"finish_reason\":\"length\"")
        .contains("\"completion_tokens\":1,");
  }

  private static String arguments(List<JsonNode> calls, int index) {
    return calls.stream().filter(c -> c.get("index").asInt() == index)
        .map(c -> c.at("/function/arguments").asText()).collect(Collectors.joining());
  }

  private static String normalized(String body) {
    return body.replaceAll("\"id\":\"chatcmpl-[a-z0-9]+\"", "\"id\":\"ID\"").replaceAll("\"created\":\\d+", "\"created\":0");
  }
}
