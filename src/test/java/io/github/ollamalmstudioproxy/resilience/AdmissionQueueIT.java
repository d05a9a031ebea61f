package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, point 4: a full backend makes requests wait in a bounded FIFO instead of an instant 503; a client that
 * hangs up leaves the queue at once and never reaches the backend; past the length or the wait, Ollama's 503.
 */
class AdmissionQueueIT {
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String BUSY =
      "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}";

  private static int chats(ProxyHarness harness) {
    return harness.simulator().log().byPath("/v1/chat/completions").size();
  }

  @Test
  void requestsWaitInOrderLeaveOnHangUpAndPastTheLengthGetTheBusyAnswer() {
    try (ProxyHarness harness = ProxyHarness.start("--max-in-flight", "1", "--queue-length", "2",
        "--queue-timeout", "20s")) {
      harness.simulator().script().prefillDelay(Duration.ofMillis(1500));
      RawHttp running = RawHttp.connect(harness.port()).send("POST", "/api/chat", CHAT);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> chats(harness) == 1);
      RawHttp leaves = RawHttp.connect(harness.port()).send("POST", "/api/chat", CHAT.replace("hi", "leaves"));
      RawHttp waits = RawHttp.connect(harness.port()).send("POST", "/api/chat", CHAT.replace("hi", "waits"));
      try {
        Awaitility.await().atMost(Duration.ofSeconds(5))
            .until(() -> harness.get("/metrics").body().contains("ollama_proxy_queued_requests 2.0"));
        HttpResponse<String> refused = harness.post("/api/chat", CHAT);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).isEqualTo(BUSY);

        leaves.hangUp();
        Awaitility.await().atMost(Duration.ofSeconds(5))
            .until(() -> harness.get("/metrics").body().contains("ollama_proxy_queued_requests 1.0"));
        assertThat(running.readUntil("\"done\":true")).contains("\"done\":true");
        String waited = waits.readUntil("\"done\":true");
        assertThat(waited).as("the queued request is served once the slot frees").contains("\"done\":true");
        Matcher load = Pattern.compile("\"load_duration\":(\\d+)").matcher(waited);
        assertThat(load.find()).isTrue();
        assertThat(Long.parseLong(load.group(1))).as("its time in the queue is part of load_duration, as Ollama's"
            + " scheduler wait is").isGreaterThan(Duration.ofMillis(500).toNanos());
        assertThat(harness.simulator().log().byPath("/v1/chat/completions"))
            .as("the request that left the queue never reached the backend")
            .noneMatch(r -> r.body().contains("leaves"));
        assertThat(harness.get("/metrics").body()).contains("ollama_proxy_queue_wait_seconds_count");
      } finally {
        running.close();
        leaves.close();
        waits.close();
      }
    }
  }

  @Test
  void aRequestQueuedLongerThanTheTimeoutGetsA503ThatSaysSo() {
    try (ProxyHarness harness = ProxyHarness.start("--max-in-flight", "1", "--queue-timeout", "600ms")) {
      harness.simulator().script().prefillDelay(Duration.ofSeconds(5));
      RawHttp running = RawHttp.connect(harness.port()).send("POST", "/api/chat", CHAT);
      try {
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> chats(harness) == 1);
        long started = System.nanoTime();
        HttpResponse<String> timedOut = harness.post("/api/chat", CHAT);
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(timedOut.statusCode()).isEqualTo(503);
        assertThat(timedOut.body()).contains("server busy, please try again.").contains("--queue-timeout");
        assertThat(waitedMillis).as("it waited in the queue first").isGreaterThanOrEqualTo(500);
        assertThat(chats(harness)).isEqualTo(1);
      } finally {
        running.close();
      }
    }
  }
}
