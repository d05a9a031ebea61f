package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The named faults of {@link SimulatorScript}, each seen from the client side. */
class ScriptedFaultsTest {
  private static final String ASK = "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

  private LmStudioSimulator simulator;
  private SimHttp http;

  @BeforeEach
  void start() {
    simulator = LmStudioSimulator.start(SimulatorOptions.defaults());
    simulator.script().tokens(List.of("a", "b", "c")).tokenInterval(Duration.ZERO);
    http = new SimHttp(simulator);
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @Test
  void failNextIsOneShotAndFailAlwaysLastsUntilCleared() {
    simulator.script().contextOverflow().failNext(503, "<html>busy</html>");

    HttpResponse<String> first = http.post("/v1/chat/completions", ASK + "}");
    assertThat(first.statusCode()).isEqualTo(400);
    assertThat(first.body()).contains("n_keep: 13055>= n_ctx: 4096");
    HttpResponse<String> second = http.post("/v1/chat/completions", ASK + "}");
    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(second.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(http.post("/v1/chat/completions", ASK + "}").statusCode()).isEqualTo(200);

    simulator.script().failAlways(SimulatorFailure.engineProtocolFailure());
    assertThat(http.post("/v1/embeddings", "{\"input\":\"x\"}").body()).contains("Engine protocol predict request failed");
    assertThat(http.post("/v1/completions", "{\"prompt\":\"x\"}").statusCode()).isEqualTo(400);
    simulator.script().clearFailures();
    assertThat(http.post("/v1/chat/completions", ASK + "}").statusCode()).isEqualTo(200);
  }

  @Test
  void aQueuedFailureWaitsForAnInferenceRequestAndComesBeforeValidation() {
    simulator.script().failNext(503, "<html>busy</html>");

    assertThat(http.get("/v1/models").statusCode()).isEqualTo(200);
    assertThat(http.post("/api/v1/models/load", "{\"model\":\"google/gemma-3-4b\"}").statusCode()).isEqualTo(200);
    assertThat(http.post("/v1/chat/completions", "{\"messages\":[]}").statusCode()).isEqualTo(503);
    assertThat(http.post("/v1/chat/completions", "{\"messages\":[]}").body())
        .contains("No user query found in messages.");
  }

  @Test
  void midStreamErrorSendsAnErrorEventAndNoDone() {
    simulator.script().midStreamError(2, "Error rendering prompt with jinja template");

    HttpResponse<String> response = http.post("/v1/chat/completions", ASK + ",\"stream\":true}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(SimHttp.dataLines(response.body())).hasSize(3);
    assertThat(response.body()).endsWith(
        "data: {\"error\":{\"message\":\"Error rendering prompt with jinja template\"}}\n\n")
        .doesNotContain("[DONE]");
  }

  @Test
  void abruptCloseDropsTheConnectionMidStream() throws Exception {
    simulator.script().abruptCloseAfter(2);
    String received;
    try (Socket socket = http.rawPost("/v1/chat/completions", ASK + ",\"stream\":true}")) {
      received = readToEnd(socket.getInputStream());
    }

    assertThat(received).startsWith("HTTP/1.1 200").contains("\"content\":\"b\"").doesNotContain("\"content\":\"c\"")
        .doesNotContain("[DONE]").doesNotContain("\r\n0\r\n\r\n");
    RecordedRequest request = simulator.log().awaitRequest("/v1/chat/completions", SimHttp.TIMEOUT);
    assertThat(request.completed()).isFalse();
    assertThat(request.clientClosedNanos()).isNull();
  }

  @Test
  void headersDuringPrefillSendsTheStatusBeforeTheSilence() throws Exception {
    simulator.script().prefillDelay(Duration.ofSeconds(3)).headersDuringPrefill(true);
    try (Socket socket = http.rawPost("/v1/chat/completions", ASK + ",\"stream\":true}")) {
      socket.setSoTimeout(2_000);
      String head = SimHttp.readUntil(socket.getInputStream(), "\r\n\r\n");

      assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-type: text/event-stream")
          .doesNotContain("data:");
    }
  }

  @Test
  void usageAndFinishReasonOverridesWin() {
    simulator.script().usage(1000, 7).finishReason("length");

    String body = http.post("/v1/chat/completions", ASK + "}").body();

    assertThat(body).contains("\"finish_reason\":\"length\"")
        .contains("\"prompt_tokens\":1000,\"completion_tokens\":7,\"total_tokens\":1007");
  }

  @Test
  void resetRestoresTheDemoAnswer() {
    simulator.script().noModelsLoaded().reset();

    String body = http.post("/v1/chat/completions", ASK + "}").body();

    assertThat(body).contains(String.join("", SimulatorScript.DEFAULT_TOKENS));
  }

  @Test
  void aReaderThatStallsPausesGenerationInsteadOfBuffering() throws Exception {
    // About 17 MB of events: more than loopback socket buffers can hold, so the write queue must fill up.
    int pieces = 40_000;
    simulator.script().tokens(Collections.nCopies(pieces, " token".repeat(33)));
    try (Socket socket = http.rawPost("/v1/chat/completions", ASK + ",\"stream\":true}")) {
      RecordedRequest request = simulator.log().awaitRequest("/v1/chat/completions", SimHttp.TIMEOUT);
      Thread.sleep(500);
      int whileStalled = request.tokensEmitted();

      SimHttp.readUntil(socket.getInputStream(), "data: [DONE]\n\n");

      assertThat(whileStalled).isLessThan(pieces);
      assertThat(request.tokensEmitted()).isEqualTo(pieces);
    }
  }

  private static String readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
