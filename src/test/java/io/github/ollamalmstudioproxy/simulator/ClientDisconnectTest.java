package io.github.ollamalmstudioproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that hangs up is recorded with the time of the close, and generation stops: the backend-side view that the
 * proxy's cancellation tests rely on (style example 9).
 */
class ClientDisconnectTest {
  private static final String STREAM = "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
  /** Vert.x sees a FIN within milliseconds; the bound only absorbs a slow, shared CI machine. */
  private static final long NOTICE_BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(1_000);

  private LmStudioSimulator simulator;
  private SimHttp http;

  @BeforeEach
  void start() {
    simulator = LmStudioSimulator.start(SimulatorOptions.defaults());
    http = new SimHttp(simulator);
  }

  @AfterEach
  void stop() {
    simulator.close();
  }

  @Test
  void hangUpDuringSilentPrefillIsRecordedAndNothingIsGenerated() throws Exception {
    simulator.script().prefillDelay(Duration.ofSeconds(5));
    RecordedRequest request;
    long closedAt;
    try (Socket socket = http.rawPost("/v1/chat/completions", STREAM)) {
      request = simulator.log().awaitRequest("/v1/chat/completions", SimHttp.TIMEOUT);
      closedAt = System.nanoTime();
    }

    long noticed = simulator.log().awaitClientClose(request, SimHttp.TIMEOUT);

    assertThat(noticed - closedAt).isLessThan(NOTICE_BOUND_NANOS);
    assertThat(request.completed()).isFalse();
    Thread.sleep(100);
    assertThat(request.tokensEmitted()).isZero();
  }

  @Test
  void hangUpMidStreamStopsTokenEmission() throws Exception {
    simulator.script().tokens(Collections.nCopies(200, " tok")).tokenInterval(Duration.ofMillis(10));
    RecordedRequest request;
    try (Socket socket = http.rawPost("/v1/chat/completions", STREAM)) {
      InputStream in = socket.getInputStream();
      String seen = SimHttp.readUntil(in, "HTTP/1.1 200");
      while (seen.split("data: ", -1).length <= 3) {
        seen += SimHttp.readUntil(in, "data: ");
      }
      request = simulator.log().awaitRequest("/v1/chat/completions", SimHttp.TIMEOUT);
    }

    simulator.log().awaitClientClose(request, SimHttp.TIMEOUT);
    int atClose = request.tokensEmitted();
    Thread.sleep(150);

    assertThat(request.tokensEmitted()).isEqualTo(atClose).isLessThan(200);
    assertThat(request.completed()).isFalse();
  }

  @Test
  void hangUpDuringNonStreamingGenerationIsRecordedToo() throws Exception {
    simulator.script().tokenInterval(Duration.ofMillis(200));
    RecordedRequest request;
    try (Socket socket = http.rawPost("/v1/chat/completions", STREAM.replace("true", "false"))) {
      request = simulator.log().awaitRequest("/v1/chat/completions", SimHttp.TIMEOUT);
    }

    simulator.log().awaitClientClose(request, SimHttp.TIMEOUT);
    int atClose = request.tokensEmitted();
    Thread.sleep(250);
    assertThat(request.tokensEmitted()).isEqualTo(atClose);
  }

  @Test
  void aCompletedStreamIsNotAHangUp() {
    simulator.script().tokenInterval(Duration.ZERO);
    http.post("/v1/chat/completions", STREAM);

    RecordedRequest request = simulator.log().awaitRequest("/v1/chat/completions", SimHttp.TIMEOUT);
    assertThat(request.completed()).isTrue();
    assertThat(request.clientClosedNanos()).isNull();
    assertThat(request.tokensEmitted()).isEqualTo(SimulatorScript.DEFAULT_TOKENS.size());
  }
}
