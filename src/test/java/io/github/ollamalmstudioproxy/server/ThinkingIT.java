package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import io.github.ollamalmstudioproxy.support.Upstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reasoning goes to {@code thinking}, never into {@code content}; {@code think} maps to {@code reasoning_effort}. */
class ThinkingIT extends SimulatorBackedTest {
  private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
  @BeforeEach
  void script() {
    harness.simulator().script().tokenInterval(Duration.ofMillis(1))
        .reasoning(List.of("The user", " greets", " me.")).tokens(List.of("Hello", "!"));
  }

  @Test
  void reasoningContentIsSeparatedIntoThinkingBeforeTheContent() {
    Ndjson out = Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\"," + HI + "}")).endsWithOneDone();

    assertThat(out.joined("thinking")).isEqualTo("The user greets me.");
    assertThat(out.joined("content")).isEqualTo("Hello!");
    List<JsonNode> body = out.body();
    assertThat(body.subList(0, 3)).allSatisfy(l -> {
      assertThat(l.path("message").path("thinking").asText()).isNotEmpty();
      assertThat(l.path("message").path("content").asText("missing")).isEmpty();
    });
    assertThat(body.subList(3, body.size())).allSatisfy(l -> assertThat(l.path("message").has("thinking")).isFalse());
    assertThat(Upstream.chatBody(harness).has("reasoning_effort")).as("think absent sends nothing").isFalse();
  }

  @Test
  void gptOssReasoningFieldIsSeparatedToo() {
    harness.simulator().script().reasoningField("reasoning");
    Ndjson out = Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\"," + HI + "}")).endsWithOneDone();

    assertThat(out.joined("thinking")).isEqualTo("The user greets me.");
    assertThat(out.joined("content")).isEqualTo("Hello!");
  }

  @Test
  void inlineThinkTagsInContentAreSplitIntoThinking() {
    harness.simulator().script().reasoning(List.of()).tokens(List.of("<thi", "nk>\n", "pondering", "</think>", "\n\n",
        "Answer", "."));
    Ndjson out = Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\"," + HI + "}")).endsWithOneDone();

    assertThat(out.joined("thinking")).isEqualTo("pondering");
    assertThat(out.joined("content")).isEqualTo("Answer.");
  }

  @Test
  void nonStreamingChatAggregatesThinkingAndContentSeparately() {
    JsonNode body = Ndjson.json(chat("{\"model\":\"qwen/qwen3-4b\",\"stream\":false," + HI + "}").body());

    assertThat(body.path("message").path("thinking").asText()).isEqualTo("The user greets me.");
    assertThat(body.path("message").path("content").asText()).isEqualTo("Hello!");
  }

  @Test
  void generatePutsThinkingAtTheTopLevel() {
    Ndjson out = Ndjson.of(harness.post("/api/generate", "{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"hi\"}"))
        .endsWithOneDone();

    assertThat(out.joined("thinking")).isEqualTo("The user greets me.");
    assertThat(out.joined("response")).isEqualTo("Hello!");
    assertThat(out.lines()).allSatisfy(l -> assertThat(l.has("message")).isFalse());
    JsonNode aggregated = Ndjson.json(harness.post("/api/generate",
        "{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"hi\",\"stream\":false}").body());
    assertThat(aggregated.path("thinking").asText()).isEqualTo("The user greets me.");
    assertThat(aggregated.path("response").asText()).isEqualTo("Hello!");
  }

  @ParameterizedTest(name = "think {0} -> reasoning_effort {1}")
  @CsvSource({"true, medium", "false, none", "'\"low\"', low", "'\"medium\"', medium", "'\"high\"', high",
      "'\"max\"', high"})
  void thinkBecomesReasoningEffort(String think, String effort) {
    Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\",\"think\":" + think + "," + HI + "}")).endsWithOneDone();

    assertThat(Upstream.chatBody(harness).path("reasoning_effort").asText()).isEqualTo(effort);
  }

  @Test
  void thinkFalseDropsReasoningThatStillArrives() {
    Ndjson out = Ndjson.of(chat("{\"model\":\"qwen/qwen3-4b\",\"think\":false," + HI + "}")).endsWithOneDone();
    JsonNode aggregated = Ndjson.json(chat("{\"model\":\"qwen/qwen3-4b\",\"think\":false,\"stream\":false," + HI
        + "}").body());

    assertThat(out.lines()).noneMatch(l -> l.path("message").has("thinking"));
    assertThat(out.joined("content")).isEqualTo("Hello!");
    assertThat(aggregated.path("message").has("thinking")).isFalse();
    assertThat(aggregated.path("message").path("content").asText()).isEqualTo("Hello!");
  }

  @ParameterizedTest(name = "think {0}")
  @ValueSource(strings = {"\"extreme\"", "\"\"", "1", "{}", "\"true\""})
  void invalidThinkValueIs400AndNothingIsSent(String think) {
    HttpResponse<String> response = chat("{\"model\":\"qwen/qwen3-4b\",\"think\":" + think + "," + HI + "}");
    HttpResponse<String> generate = harness.post("/api/generate",
        "{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"x\",\"think\":" + think + "}");

    for (HttpResponse<String> r : List.of(response, generate)) {
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(Ndjson.json(r.body()).path("error").asText()).startsWith("invalid think value");
    }
    assertThat(Upstream.inference(harness)).isEmpty();
  }

  private static HttpResponse<String> chat(String body) {
    return harness.post("/api/chat", body);
  }

  @Test
  void askingAModelWithoutReasoningToThinkIsA400LikeOllamaButThinkFalseIsFine() {
    HttpResponse<String> refused = harness.post("/api/chat", "{\"model\":\"meta-llama-3.1-8b-instruct\","
        + "\"think\":true,\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).isEqualTo("{\"error\":\"\\\"meta-llama-3.1-8b-instruct\\\" does not support thinking\"}");

    HttpResponse<String> allowed = harness.post("/api/chat", "{\"model\":\"meta-llama-3.1-8b-instruct\","
        + "\"think\":false,\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(allowed.statusCode()).isEqualTo(200);
  }
}
