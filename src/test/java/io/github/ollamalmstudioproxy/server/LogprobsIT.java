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

/**
 * {@code logprobs} and {@code top_logprobs} through the real proxy: asked of the backend as Ollama asks llama-server
 * ({@code llm/llama_server.go} lines 2173-2175, v0.33.0-rc2), answered in Ollama's {@code Logprob} shape
 * ({@code api/types.go} lines 497-516) on each streamed line and concatenated in a {@code stream:false} answer
 * ({@code server/routes.go} lines 2391-2427).
 */
class LogprobsIT extends SimulatorBackedTest {
  private static final String ASK = "{\"model\":\"qwen/qwen3-4b\",\"logprobs\":true,\"top_logprobs\":2,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

  @BeforeEach
  void script() {
    harness.simulator().script().tokenInterval(Duration.ofMillis(1)).tokens(List.of("Hé", "!")).answerLogprobs(true);
  }

  @Test
  void streamedChatLinesCarryTheirTokensLogprobsInOllamasShape() {
    Ndjson out = Ndjson.of(harness.post("/api/chat", ASK + "}")).endsWithOneDone();

    JsonNode upstream = Upstream.chatBody(harness);
    assertThat(upstream.path("logprobs").asBoolean()).isTrue();
    assertThat(upstream.path("top_logprobs").asInt()).isEqualTo(2);
    List<String> raw = out.raw();
    assertThat(raw.get(0)).contains("\"done\":false,\"logprobs\":[{\"token\":\"Hé\",\"logprob\":-0.125,"
        + "\"bytes\":[72,195,169],\"top_logprobs\":[{\"token\":\"Hé\",\"logprob\":-0.125,\"bytes\":[72,195,169]},"
        + "{\"token\":\"Hé~1\",\"logprob\":-1.125,\"bytes\":[72,195,169,126,49]}]}]}");
    assertThat(out.last().has("logprobs")).as("the done line").isFalse();
  }

  @Test
  void nonStreamingChatConcatenatesEveryTokensLogprobs() {
    JsonNode body = Ndjson.json(harness.post("/api/chat", ASK + ",\"stream\":false}").body());

    assertThat(body.path("logprobs").findValuesAsText("token")).containsExactly("Hé", "Hé", "Hé~1", "!", "!", "!~1");
    assertThat(body.path("logprobs").get(1).path("logprob").asDouble()).isEqualTo(-0.25);
  }

  @Test
  void logprobsWithoutTopLogprobsLeaveTheAlternativesOut() {
    Ndjson out = Ndjson.of(harness.post("/api/generate",
        "{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"hi\",\"logprobs\":true}")).endsWithOneDone();

    assertThat(Upstream.chatBody(harness).path("top_logprobs").asInt()).as("asked for at least one").isEqualTo(1);
    assertThat(out.body().get(0).path("logprobs").toString())
        .isEqualTo("[{\"token\":\"Hé\",\"logprob\":-0.125,\"bytes\":[72,195,169]}]");
  }

  @Test
  void lmStudioAnswersNoLogprobsSoNoneAreSent() {
    harness.simulator().script().answerLogprobs(false);

    Ndjson out = Ndjson.of(harness.post("/api/chat", ASK + "}")).endsWithOneDone();

    assertThat(out.lines()).allSatisfy(l -> assertThat(l.has("logprobs")).as(l.toString()).isFalse());
    assertThat(out.joined("content")).isEqualTo("Hé!");
  }

  @Test
  void topLogprobsOutOfRangeIsRefusedBeforeTheBackend() {
    HttpResponse<String> response = harness.post("/api/chat",
        "{\"model\":\"qwen/qwen3-4b\",\"top_logprobs\":21,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"top_logprobs must be between 0 and 20\"}");
    assertThat(Upstream.inference(harness)).isEmpty();
  }
}
