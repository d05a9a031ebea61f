package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.translate.HistoryTruncation;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ollama's {@code truncate} (default true, {@code server/routes.go:2695}) against a backend that refuses a chat longer
 * than its context: the oldest turns go, system messages and the last user turn stay ({@code server/prompt.go:35-73}),
 * and the chat is replayed, a bounded number of times. {@code truncate:false} gets the backend's refusal as a 400.
 * The simulator's qwen is loaded with a 64-token context and refuses with LM Studio's literal text (reference §5).
 */
class TruncateIT {
  private static ProxyHarness harness;

  @BeforeAll
  static void start() {
    harness = ProxyHarness.start(SimulatorOptions.builder().preload("qwen/qwen3-4b", 64).build());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @BeforeEach
  void reset() {
    harness.simulator().script().reset().tokenInterval(Duration.ofMillis(1));
    harness.simulator().log().clear();
  }

  /** System, then {@code turns} user/assistant pairs of ten words each, then the question. 4 + 2 + 28 t + 5 tokens. */
  private static String longChat(int turns, String extra) {
    StringBuilder messages = new StringBuilder("{\"role\":\"system\",\"content\":\"Be brief.\"}");
    for (int i = 0; i < turns; i++) {
      messages.append(",{\"role\":\"user\",\"content\":\"turn ").append(i).append(" one two three four five six seven")
          .append(" eight\"},{\"role\":\"assistant\",\"content\":\"answer ").append(i)
          .append(" one two three four five six seven eight\"}");
    }
    messages.append(",{\"role\":\"user\",\"content\":\"and now the question?\"}");
    return "{\"model\":\"qwen/qwen3-4b\",\"stream\":false" + extra + ",\"messages\":[" + messages + "]}";
  }

  @Test
  void aChatTooLongForTheContextLosesItsOldestTurnsAndIsAnswered() {
    HttpResponse<String> response = harness.post("/api/chat", longChat(6, ""));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(Ndjson.json(response.body()).path("done").asBoolean()).isTrue();
    List<RecordedRequest> sent = harness.simulator().log().byPath("/v1/chat/completions");
    assertThat(sent.size()).isBetween(2, 1 + HistoryTruncation.MAX_ROUNDS);
    JsonNode last = Ndjson.json(sent.get(sent.size() - 1).body()).path("messages");
    assertThat(last.size()).isLessThan(14);
    assertThat(last.get(0).path("content").asText()).isEqualTo("Be brief.");
    assertThat(last.get(last.size() - 1).path("content").asText()).isEqualTo("and now the question?");
    assertThat(last.get(last.size() - 2).path("content").asText()).as("the newest turns stay").startsWith("answer 5");
  }

  @Test
  void truncateFalseAnswersTheBackendsRefusalAsA400() {
    HttpResponse<String> response = harness.post("/api/chat", longChat(6, ",\"truncate\":false"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Ndjson.json(response.body()).path("error").asText()).startsWith("The number of tokens to keep from "
        + "the initial prompt is greater than the context length (n_keep: ");
    assertThat(harness.simulator().log().byPath("/v1/chat/completions")).hasSize(1);
  }

  @Test
  void aLastTurnThatAloneDoesNotFitIsTheBackendsRefusalAfterTheHistoryWent() {
    String words = "w ".repeat(80).strip();
    HttpResponse<String> response = harness.post("/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"messages\":["
        + "{\"role\":\"user\",\"content\":\"earlier\"},{\"role\":\"assistant\",\"content\":\"ok\"},"
        + "{\"role\":\"user\",\"content\":\"" + words + "\"}]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Ndjson.json(response.body()).path("error").asText()).contains("n_keep: 84>= n_ctx: 64");
    List<RecordedRequest> sent = harness.simulator().log().byPath("/v1/chat/completions");
    assertThat(Ndjson.json(sent.get(sent.size() - 1).body()).path("messages").size()).isEqualTo(1);
  }

  @Test
  void aStreamedChatIsTruncatedBeforeItsFirstLine() {
    HttpResponse<String> response = harness.post("/api/chat", longChat(6, "").replace("\"stream\":false",
        "\"stream\":true"));

    assertThat(response.statusCode()).isEqualTo(200);
    Ndjson.of(response).endsWithOneDone();
  }
}
