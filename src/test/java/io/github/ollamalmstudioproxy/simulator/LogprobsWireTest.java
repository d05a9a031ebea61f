package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Log probabilities on {@code /v1/chat/completions}: {@code null} by default even when asked, as LM Studio answers
 * (lmstudio-ai/lms#60); with {@link SimulatorScript#answerLogprobs} on, llama-server's shape.
 */
class LogprobsWireTest {
  private static final String ASK = "{\"model\":\"qwen/qwen3-4b\",\"logprobs\":true,\"top_logprobs\":2,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]";

  private LmStudioSimulator simulator;
  private SimHttp http;

  @BeforeEach
  void start() {
    simulator = LmStudioSimulator.start(SimulatorOptions.defaults());
    simulator.script().tokens(List.of("Hé", " there")).tokenInterval(Duration.ZERO);
    http = new SimHttp(simulator);
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @Test
  void askedLogprobsAreNullLikeLmStudioUnlessScripted() {
    JsonNode body = SimHttp.parse(http.post("/v1/chat/completions", ASK + "}").body());

    assertThat(body.path("choices").get(0).get("logprobs").isNull()).isTrue();
  }

  @Test
  void scriptedLogprobsStreamOneEntryPerContentTokenWithTheChosenTokenFirst() {
    simulator.script().answerLogprobs(true);

    List<String> data = SimHttp.dataLines(http.post("/v1/chat/completions", ASK + ",\"stream\":true}").body());

    assertThat(data.get(0)).contains("\"logprobs\":{\"content\":[{\"token\":\"Hé\",\"bytes\":[72,195,169],"
        + "\"logprob\":-0.125,\"top_logprobs\":[{\"token\":\"Hé\",\"bytes\":[72,195,169],\"logprob\":-0.125},"
        + "{\"token\":\"Hé~1\",\"bytes\":[72,195,169,126,49],\"logprob\":-1.125}]}]}");
    assertThat(data.get(1)).contains("\"token\":\" there\"").contains("\"logprob\":-0.25,");
    assertThat(data.get(2)).contains("\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"");
  }

  @Test
  void scriptedLogprobsInTheWholeBodyListEveryContentToken() {
    simulator.script().answerLogprobs(true);

    JsonNode content = SimHttp.parse(http.post("/v1/chat/completions", ASK + "}").body())
        .path("choices").get(0).path("logprobs").path("content");

    assertThat(content.findValuesAsText("token")).containsExactly("Hé", "Hé", "Hé~1", " there", " there", " there~1");
    assertThat(content.size()).isEqualTo(2);
  }

  @Test
  void scriptedLogprobsAreNotSentUnasked() {
    simulator.script().answerLogprobs(true);

    JsonNode body = SimHttp.parse(http.post("/v1/chat/completions",
        "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").body());

    assertThat(body.path("choices").get(0).get("logprobs").isNull()).isTrue();
  }
}
