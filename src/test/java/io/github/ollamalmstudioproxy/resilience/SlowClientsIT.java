package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, "slow or idle clients cannot lock others out": the listener's header, body and keep-alive timeouts, each
 * with a client just under it (served) and one past it (closed, or answered 408). The timeouts are a few hundred
 * milliseconds here; every wait is bounded by {@link #BOUND}.
 */
class SlowClientsIT {
  private static final Duration BOUND = Duration.ofSeconds(5);
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  @Test
  void aSilentConnectionIsClosedAfterTheHeaderTimeout() {
    try (ProxyHarness harness = ProxyHarness.start("--header-timeout", "300ms");
        RawHttp silent = RawHttp.connect(harness.port())) {
      long connected = System.nanoTime();
      assertThat(silent.closedByServerWithin(BOUND)).as("closed by the proxy").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - connected)).as("not before the header timeout")
          .isGreaterThanOrEqualTo(Duration.ofMillis(250));
      assertThat(silent.received()).isEmpty();
    }
  }

  @Test
  void aHalfSentHeaderIsClosedAfterTheHeaderTimeoutWithoutAnAnswer() {
    try (ProxyHarness harness = ProxyHarness.start("--header-timeout", "300ms");
        RawHttp half = RawHttp.connect(harness.port())) {
      half.sendRaw("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le");
      assertThat(half.closedByServerWithin(BOUND)).isTrue();
      assertThat(half.received()).isEmpty();
      assertThat(harness.get("/").statusCode()).as("others are served").isEqualTo(200);
    }
  }

  @Test
  void headersThatArriveInPiecesWithinTheHeaderTimeoutAreServed() throws Exception {
    try (ProxyHarness harness = ProxyHarness.start("--header-timeout", "800ms");
        RawHttp slow = RawHttp.connect(harness.port())) {
      slow.sendRaw("GET / HTTP/1.1\r\n");
      Thread.sleep(200);
      slow.sendRaw("Host: 127.0.0.1\r\n");
      Thread.sleep(200);
      slow.sendRaw("Connection: close\r\n\r\n");
      assertThat(slow.readAll()).startsWith("HTTP/1.1 200").endsWith("Ollama is running");
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterTheKeepAliveTimeout() {
    try (ProxyHarness harness = ProxyHarness.start("--keep-alive-timeout", "300ms");
        RawHttp client = RawHttp.connect(harness.port())) {
      client.sendRaw(GET_ROOT).readUntil("Ollama is running");
      long answered = System.nanoTime();
      assertThat(client.closedByServerWithin(BOUND)).as("closed by the proxy").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - answered)).as("not before the keep-alive timeout")
          .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
  }

  /** Between two requests the keep-alive timeout applies, not the (shorter) header timeout of a fresh connection. */
  @Test
  void aKeepAliveConnectionServesTheNextRequestWithinTheKeepAliveTimeout() throws Exception {
    try (ProxyHarness harness = ProxyHarness.start("--header-timeout", "300ms", "--keep-alive-timeout", "3s");
        RawHttp client = RawHttp.connect(harness.port())) {
      client.sendRaw(GET_ROOT).readUntil("Ollama is running");
      Thread.sleep(700);
      client.sendRaw("GET /api/version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assertThat(client.readUntil("\"version\"")).as("the same connection, past the header timeout").isNotEmpty();
    }
  }

  @Test
  void aStalledBodyOnAnOllamaRouteGets408AndItsConnectionIsClosed() {
    try (ProxyHarness harness = ProxyHarness.start("--body-timeout", "300ms");
        RawHttp stalled = RawHttp.connect(harness.port())) {
      stalled.sendRaw("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{");
      assertThat(stalled.closedByServerWithin(BOUND)).as("closed by the proxy").isTrue();
      assertThat(stalled.received()).startsWith("HTTP/1.1 408").contains("connection: close")
          .endsWith("{\"error\":\"request body not received in time (--body-timeout 300ms)\"}");
      assertThat(harness.simulator().log().byPath("/v1/chat/completions")).isEmpty();
      assertThat(harness.proxy().activeRequests()).isZero();
    }
  }

  /**
   * Issue 11, point 6, passthrough side: a passthrough request streams its body to the backend, so it holds its slot
   * from the start; the body timeout bounds how long. Past it the request is answered 408, its backend request reset
   * and its slot freed.
   */
  @Test
  void stalledPassthroughBodiesHoldTheirSlotsOnlyUntilTheBodyTimeout() {
    try (ProxyHarness harness = ProxyHarness.start("--max-in-flight", "2", "--queue-length", "0", "--body-timeout", "500ms")) {
      List<RawHttp> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          stalled.add(RawHttp.connect(harness.port()).sendRaw("POST /v1/chat/completions HTTP/1.1\r\n"
              + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"));
        }
        Awaitility.await().atMost(BOUND).until(() -> harness.proxy().activeRequests() == 2);
        assertThat(harness.post("/v1/chat/completions", CHAT).statusCode()).as("both slots held").isEqualTo(503);

        for (RawHttp client : stalled) {
          assertThat(client.closedByServerWithin(BOUND)).isTrue();
          assertThat(client.received()).startsWith("HTTP/1.1 408").contains("\"error\":{\"message\":"
              + "\"request body not received in time (--body-timeout 500ms)\"");
        }
        Awaitility.await().atMost(BOUND).until(() -> harness.proxy().activeRequests() == 0);
        assertThat(harness.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
        assertThat(harness.post("/api/chat", CHAT).statusCode()).isEqualTo(200);
        assertThat(harness.proxy().metrics().scrape()).as("not counted as a hang-up")
            .containsPattern("ollama_proxy_upstream_aborts\\S* 0\\.0");
      } finally {
        stalled.forEach(RawHttp::close);
      }
    }
  }

  @Test
  void aBodyThatArrivesInPiecesWithinTheBodyTimeoutIsServed() throws Exception {
    String body = "{\"model\":\"qwen/qwen3-4b\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    int half = body.length() / 2;
    try (ProxyHarness harness = ProxyHarness.start("--body-timeout", "800ms");
        RawHttp slow = RawHttp.connect(harness.port())) {
      slow.sendRaw("POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: "
          + body.length() + "\r\n\r\n" + body.substring(0, half));
      Thread.sleep(300);
      slow.sendRaw(body.substring(half));
      assertThat(slow.readAll()).startsWith("HTTP/1.1 200").contains("\"done\":true");
    }
  }

  /** Once the body is in, no listener timeout runs: a silent prefill and a slow answer outlast all three. */
  @Test
  void aSlowAnswerIsNotCutByTheListenerTimeouts() {
    try (ProxyHarness harness = ProxyHarness.start("--header-timeout", "300ms", "--body-timeout", "300ms",
        "--keep-alive-timeout", "300ms")) {
      harness.simulator().script().prefillDelay(Duration.ofMillis(700)).tokens(Collections.nCopies(6, "t"))
          .tokenInterval(Duration.ofMillis(100));
      assertThat(harness.post("/api/chat", CHAT).body()).contains("\"done\":true").doesNotContain("\"error\"");
      assertThat(harness.post("/v1/chat/completions", CHAT).body()).endsWith("data: [DONE]\n\n");
    }
  }
}
