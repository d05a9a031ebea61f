package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.support.RawHttp;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * A client that hangs up must stop the backend at once: the simulator records when the proxy closed its upstream
 * connection, and the test measures the gap from the client's own close. The bound asserted is generous (1 s) so a
 * loaded CI machine does not flake; the measured figure is printed.
 */
class CancellationIT extends SimulatorBackedTest {
  private static final String STREAM = "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String NON_STREAM = STREAM.replace("\"stream\":true", "\"stream\":false");
  private static final Duration BOUND = Duration.ofSeconds(1);
  @Test
  void clientHangUpDuringSilentPrefillResetsBackendRequest() {
    harness.simulator().script().prefillDelay(Duration.ofSeconds(20)).headersDuringPrefill(false);
    assertHangUpReachesBackend(STREAM, null, "passthrough, silent prefill");
  }

  @Test
  void clientHangUpMidStreamResetsBackendRequest() {
    harness.simulator().script().tokens(Collections.nCopies(2000, "tok ")).tokenInterval(Duration.ofMillis(20));
    assertHangUpReachesBackend(STREAM, "tok ", "passthrough, mid-stream");
  }

  @Test
  void clientHangUpDuringNonStreamingRequestResetsBackendRequest() {
    harness.simulator().script().prefillDelay(Duration.ofSeconds(20));
    assertHangUpReachesBackend(NON_STREAM, null, "passthrough, non-streaming");
  }

  @Test
  void activeRequestsReturnToZeroAfterHangUps() {
    harness.simulator().script().prefillDelay(Duration.ofSeconds(20));
    for (int i = 0; i < 5; i++) {
      assertHangUpReachesBackend(STREAM, null, "repeated hang-up " + i);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> harness.proxy().activeRequests() == 0);
  }

  private void assertHangUpReachesBackend(String body, String waitFor, String label) {
    RawHttp client = RawHttp.connect(harness.port()).send("POST", "/v1/chat/completions", body);
    RecordedRequest upstream = harness.simulator().log().awaitRequest("/v1/chat/completions", Duration.ofSeconds(5));
    if (waitFor != null) {
      client.readUntil(waitFor);
    }
    long hungUp = client.hangUp();
    long backendSawClose = harness.simulator().log().awaitClientClose(upstream, Duration.ofSeconds(5));
    Duration gap = Duration.ofNanos(backendSawClose - hungUp);
    System.out.printf("cancellation (%s): backend saw the close %.2f ms after the client hung up%n", label,
        gap.toNanos() / 1e6);
    assertThat(gap).isLessThan(BOUND);
    harness.simulator().log().clear();
  }

}
