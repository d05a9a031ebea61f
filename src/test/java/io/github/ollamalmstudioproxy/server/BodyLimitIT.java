package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --max-body-size} holds on every route, the passthrough included, whether the body declares its length or
 * comes chunked; {@code Expect: 100-continue} gets its 100 only after every check passed, or the refusal at once.
 */
class BodyLimitIT {
  private static final int LIMIT = 1024 * 1024;
  private static final List<String> PASSTHROUGH = List.of("/v1/chat/completions", "/v1/embeddings",
      "/api/v0/chat/completions", "/api/v1/chat");
  private static ProxyHarness harness;
  private static ProxyHarness keyed;

  @BeforeAll
  static void start() {
    harness = ProxyHarness.start("--max-body-size", "1MiB");
    keyed = ProxyHarness.start("--max-body-size", "1MiB", "--api-key", "s3cret");
  }

  @AfterAll
  static void stop() {
    harness.close();
    keyed.close();
  }

  @BeforeEach
  void reset() {
    harness.simulator().log().clear();
    keyed.simulator().log().clear();
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedOnEveryPassthroughPrefixBeforeAnythingIsSent() {
    for (String path : PASSTHROUGH) {
      for (long length : List.of(5L * 1000 * 1000, 2L * 1024 * 1024 * 1024, LIMIT + 1L)) {
        String response;
        try (RawHttp raw = RawHttp.connect(harness.port())) {
          response = raw.sendRaw("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Content-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n")
              .readUntil("(--max-body-size)");
        }
        assertThat(response).as(path + " " + length).startsWith("HTTP/1.1 413 ")
            .containsIgnoringCase("connection: close")
            .contains("{\"error\":{\"message\":\"request body too large: the limit is 1048576 bytes (--max-body-size)\"");
      }
    }
    assertThat(harness.simulator().log().all()).isEmpty();
  }

  @Test
  void aClientStillSendingItsBodyReadsThe413InsteadOfAReset() throws Exception {
    // 16 MiB is more than loopback's socket buffers hold, so the client is still sending when the 413 goes out; the
    // proxy reads the rest away before it closes (a close with unread bytes resets the connection and the answer).
    byte[] body = new byte[16 * LIMIT];
    Arrays.fill(body, (byte) ' ');
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (String path : List.of("/api/chat", "/v1/chat/completions")) {
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + harness.port() + path)).timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(413);
        assertThat(response.body()).as(path).contains("request body too large");
      }
    }
  }

  @Test
  void aChunkedBodyOverTheLimitIsCutOffAndAnswered413() {
    for (String path : PASSTHROUGH) {
      try (RawHttp raw = RawHttp.connect(harness.port())) {
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
          raw.sendRaw("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n");
          String chunk = "x".repeat(64 * 1024);
          for (int i = 0; i < 40; i++) {
            raw.sendRaw(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
          }
          raw.sendRaw("0\r\n\r\n");
        });
        String response = raw.readUntil("--max-body-size");
        assertThat(response).as(path).startsWith("HTTP/1.1 413 ").containsIgnoringCase("connection: close");
        sending.cancel(true);
      }
    }
    assertThat(harness.simulator().log().all()).as("no complete request reached the backend").isEmpty();
  }

  @Test
  void aChunkedBodyUnderTheLimitArrivesWhole() {
    String body = "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(200_000)
        + "\"}]}";
    StringBuilder chunked = new StringBuilder();
    for (int i = 0; i < body.length(); i += 30_000) {
      String piece = body.substring(i, Math.min(body.length(), i + 30_000));
      chunked.append(Integer.toHexString(piece.length())).append("\r\n").append(piece).append("\r\n");
    }
    try (RawHttp raw = RawHttp.connect(harness.port())) {
      String response = raw.sendRaw("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
          + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked + "0\r\n\r\n").readAll();
      assertThat(response).startsWith("HTTP/1.1 200 ");
    }
    RecordedRequest seen = harness.simulator().log().awaitRequest("/v1/chat/completions", Duration.ofSeconds(5));
    assertThat(seen.body()).isEqualTo(body);
  }

  @Test
  void aClientThatBreaksOffMidBodyNeverDeliversATruncatedRequest() throws Exception {
    for (boolean reset : List.of(false, true)) {
      try (RawHttp raw = RawHttp.connect(harness.port())) {
        raw.sendRaw("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"model\":\"qwen/q\r\n");
        Thread.sleep(300);
        if (reset) {
          raw.abort();
        }
      }
    }
    Thread.sleep(500);
    assertThat(harness.simulator().log().all()).as("a truncated body is not a complete request").isEmpty();
  }

  @Test
  void expectContinueIsAnsweredAfterTheChecksThenTheBodyFlows() {
    String body = "{\"model\":\"qwen/qwen3-4b\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    for (String path : List.of("/v1/chat/completions", "/api/chat")) {
      try (RawHttp raw = RawHttp.connect(harness.port())) {
        raw.sendRaw("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nExpect: 100-continue\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n");
        assertThat(raw.readUntil("\r\n\r\n")).as(path).startsWith("HTTP/1.1 100 Continue\r\n");
        String response = raw.sendRaw(body).readAll();
        assertThat(response).as(path).contains("HTTP/1.1 200 ");
      }
    }
  }

  @Test
  void expectContinueGetsTheRefusalAtOnceWithoutA100() {
    String tooLarge = head(harness, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
        + "Content-Length: 5000000\r\n\r\n");
    assertThat(tooLarge).startsWith("HTTP/1.1 413 ").doesNotContain("100 Continue")
        .containsIgnoringCase("connection: close");

    String unauthorized = head(keyed, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Expect: 100-continue\r\nContent-Length: 20\r\n\r\n");
    assertThat(unauthorized).startsWith("HTTP/1.1 401 ").doesNotContain("100 Continue")
        .containsIgnoringCase("connection: close");

    String unknownExpectation = head(harness, "POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: teapot\r\n"
        + "Content-Length: 20\r\n\r\n");
    assertThat(unknownExpectation).startsWith("HTTP/1.1 417 ");
    assertThat(harness.simulator().log().all()).isEmpty();
    assertThat(keyed.simulator().log().all()).isEmpty();
  }

  /** Sends a request head without its body and reads the answer until the proxy closes the connection (it waits
   * {@code LingeringClose.IDLE_MILLIS} for the body first). */
  private static String head(ProxyHarness target, String head) {
    try (RawHttp raw = RawHttp.connect(target.port())) {
      return raw.sendRaw(head).readAll();
    }
  }
}
