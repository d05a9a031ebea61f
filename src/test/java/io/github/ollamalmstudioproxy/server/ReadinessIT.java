package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, point 8: {@code /readyz} is public, so one unauthenticated client polling it in a loop must not turn into
 * as many backend requests, nor leave them running when it hangs up, nor take the connections chats need.
 */
class ReadinessIT {
  private static final Duration BOUND = Duration.ofSeconds(5);
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":false,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void aFloodOfReadinessChecksCostsTheBackendAboutOneProbePerSecond() throws Exception {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().log().clear();
      ExecutorService pool = Executors.newFixedThreadPool(16);
      long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
      List<Future<Integer>> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 16; i++) {
          clients.add(pool.submit(() -> {
            int ready = 0;
            while (System.nanoTime() < until) {
              ready += harness.get("/readyz").statusCode() == 200 ? 1 : 0;
            }
            return ready;
          }));
        }
        int answered = 0;
        for (Future<Integer> client : clients) {
          answered += client.get(10, TimeUnit.SECONDS);
        }
        int probes = harness.simulator().log().byPath("/v1/models").size();
        assertThat(answered).as("ready answers").isGreaterThanOrEqualTo(16);
        assertThat(probes).as(answered + " checks in 1.5 s").isBetween(1, 3);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void checksAgainstASlowBackendShareOneProbeAndTheirHangUpsLeaveNothingBehind() throws Exception {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().routeDelay("/v1/models", Duration.ofSeconds(2));
      harness.simulator().log().clear();
      List<RawHttp> impatient = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        impatient.add(RawHttp.connect(harness.port()).send("GET", "/readyz", null));
      }
      harness.simulator().log().awaitRequest("/v1/models", BOUND);
      Thread.sleep(200);
      impatient.forEach(RawHttp::hangUp);

      long started = System.nanoTime();
      HttpResponse<String> chat = harness.post("/api/chat", CHAT);
      assertThat(chat.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the chat did not wait for the probe")
          .isLessThan(Duration.ofMillis(1500));
      assertThat(harness.simulator().log().byPath("/v1/models")).as("one probe for 30 checks").hasSize(1);
      Awaitility.await().atMost(BOUND).until(() -> harness.proxy().activeRequests() == 0);
    }
  }

  /** The probe has its own deadline (the first-byte timeout here, at most 10 s): /readyz never hangs on the backend. */
  @Test
  void aProbeAnsweredWithinItsDeadlineIsReadyAndOnePastItIsNot() throws Exception {
    try (ProxyHarness harness = ProxyHarness.start("--first-byte-timeout", "600ms")) {
      harness.simulator().script().routeDelay("/v1/models", Duration.ofMillis(200));
      assertThat(harness.get("/readyz").statusCode()).isEqualTo(200);

      Thread.sleep(1100);
      harness.simulator().script().routeDelay("/v1/models", Duration.ofSeconds(3));
      long started = System.nanoTime();
      HttpResponse<String> late = harness.get("/readyz");
      assertThat(late.statusCode()).isEqualTo(503);
      assertThat(late.body()).contains("did not answer in time");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
    }
  }
}
