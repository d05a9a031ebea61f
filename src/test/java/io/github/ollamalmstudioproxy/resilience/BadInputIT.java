package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input gets a clear Ollama-style error with the right status, and nothing reaches the backend. */
class BadInputIT {
  /** Small on purpose, so the bound is tested on both sides without large bodies. */
  private static final int LIMIT = 4096;
  private static ProxyHarness harness;

  @BeforeAll
  static void start() {
    harness = ProxyHarness.start("--max-body-size", Integer.toString(LIMIT));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        Arguments.of("/api/chat", "{\"model\":\"qwen/qwen3-4b\",", 400, "invalid JSON at line 1, column 26"),
        Arguments.of("/api/chat", "", 400, "missing request body"),
        Arguments.of("/api/chat", "[1,2]", 400, "expected a JSON object"),
        Arguments.of("/api/chat", "{\"messages\":[]}", 400, "model is required"),
        Arguments.of("/api/generate", "{\"prompt\":\"hi\"}", 404, "model '' not found"),
        Arguments.of("/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"messages\":\"hi\"}", 400, "messages"),
        Arguments.of("/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":[1]}]}",
            400, "content"),
        Arguments.of("/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"stream\":\"yes\",\"messages\":[]}", 400, "stream"),
        Arguments.of("/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"think\":\"maybe\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}", 400, "invalid think value"),
        Arguments.of("/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\","
            + "\"images\":[\"not base64!\"]}]}", 400, "image"),
        Arguments.of("/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"options\":{\"temperature\":\"hot\"},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "temperature"),
        Arguments.of("/api/chat", "{\"model\":\"qwen/qwen3-4b\",\"options\":{\"num_predict\":99999999999999999999},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400,
            "option \\\"num_predict\\\" is out of range for an integer"),
        Arguments.of("/api/generate",
            "{\"model\":\"qwen/qwen3-4b\",\"prompt\":\"hi\",\"options\":{\"temperature\":1e999999}}", 400,
            "invalid value for \\\"options.temperature\\\": the number is out of range"),
        Arguments.of("/api/show", "{}", 400, "model is required"),
        Arguments.of("/api/embed", "{\"model\":\"text-embedding-nomic-embed-text-v1.5\",\"input\":5}", 400,
            "invalid input type"),
        Arguments.of("/api/embed", "{\"model\":\"qwen/qwen3-4b\",\"input\":\"a\"}", 400,
            "\\\"qwen/qwen3-4b\\\" does not support embedding"));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("badBodies")
  void badBodiesGetAClearErrorAndNeverReachTheBackend(String path, String body, int status, String message) {
    harness.simulator().log().clear();
    HttpResponse<String> response = harness.post(path, body);
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    assertThat(response.body()).startsWith("{\"error\":\"").contains(message);
    assertThat(harness.simulator().log().all()).noneMatch(r -> r.method().equals("POST"));
  }

  @Test
  void anyContentTypeIsAcceptedAsOllamaDoes() {
    HttpResponse<String> response = harness.send(HttpRequest.newBuilder(harness.url("/api/show"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"qwen/qwen3-4b\"}")).build());
    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void bodyJustUnderTheLimitIsReadAndJustOverIs413() {
    String under = showBodyOfSize(LIMIT);
    assertThat(harness.post("/api/show", under).statusCode()).isEqualTo(200);

    String over = showBodyOfSize(LIMIT + 1);
    HttpResponse<String> tooLarge = harness.post("/api/show", over);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.body()).contains("request body too large", "--max-body-size");
  }

  @Test
  void oversizedChunkedBodyIs413WithoutBeingReadWhole() {
    try (RawHttp raw = RawHttp.connect(harness.port())) {
      StringBuilder request = new StringBuilder("POST /api/chat HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
      String chunk = "x".repeat(1000);
      for (int i = 0; i < 8; i++) {
        request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
      }
      String response = raw.sendRaw(request.toString()).readUntil("\r\n\r\n");
      assertThat(response).startsWith("HTTP/1.1 413");
    }
  }

  @Test
  void unknownRoutesAndWrongMethodsAreRejected() {
    assertThat(harness.get("/api/nothing-here").statusCode()).isEqualTo(404);
    assertThat(harness.get("/api/chat").statusCode()).isEqualTo(405);
    assertThat(harness.get("/api/chat").headers().firstValue("allow")).hasValue("POST");
  }

  @Test
  void theProxyStillAnswersAfterBadInput() {
    assertThat(harness.get("/api/version").statusCode()).isEqualTo(200);
  }

  /** A valid /api/show body padded with spaces to exactly {@code size} bytes. */
  private static String showBodyOfSize(int size) {
    String body = "{\"model\":\"qwen/qwen3-4b\"}";
    return body + " ".repeat(size - body.length());
  }
}
