package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.LogCapture;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Credentials in {@code --backend http://user:password@host} are the backend's Basic auth and nothing else: no error
 * message, no log line and no answer shows them; {@code /readyz} tells a caller without the proxy's key only
 * ready or not ready.
 */
class BackendCredentialsIT {
  private static final String SECRET = "hunter2";
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":false,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void theUrlsCredentialsAreSentAsBasicAuth() {
    try (ProxyHarness harness = withCredentials()) {
      assertThat(harness.get("/api/tags").statusCode()).isEqualTo(200);
      assertThat(harness.get("/v1/models").statusCode()).isEqualTo(200);
      String basic = "Basic " + Base64.getEncoder().encodeToString(("ops:" + SECRET).getBytes(StandardCharsets.UTF_8));
      assertThat(harness.simulator().log().all()).isNotEmpty()
          .allSatisfy(r -> assertThat(r.header("authorization")).as(r.path()).isEqualTo(basic));
    }
  }

  @Test
  void theUrlsCredentialsAppearInNoAnswerAndNoLogLine() {
    try (LogCapture logs = LogCapture.open(); ProxyHarness harness = withCredentials()) {
      harness.simulator().close();
      List<HttpResponse<String>> failures = List.of(harness.get("/readyz"), harness.get("/v1/models"),
          harness.get("/api/v0/models"), harness.get("/api/tags"), harness.post("/api/chat", CHAT));
      for (HttpResponse<String> failure : failures) {
        assertThat(failure.statusCode()).as(failure.uri().getPath()).isIn(502, 503);
        assertThat(failure.body()).as(failure.uri().getPath()).doesNotContain(SECRET).doesNotContain("ops:")
            .contains("127.0.0.1");
      }
      assertThat(logs.lines()).isNotEmpty().noneMatch(line -> line.contains(SECRET) || line.contains("ops:"));
    }
  }

  private static ProxyHarness withCredentials() {
    return ProxyHarness.startWithBackendUrl(url -> url.replace("http://", "http://ops:" + SECRET + "@"));
  }

  @Test
  void readinessTellsTheReasonOnlyToCallersWithTheKey() {
    try (ProxyHarness harness = ProxyHarness.start("--api-key", "k3y")) {
      harness.simulator().close();
      HttpResponse<String> anonymous = harness.get("/readyz");
      assertThat(anonymous.statusCode()).isEqualTo(503);
      assertThat(anonymous.body()).isEqualTo("{\"error\":\"not ready\"}");

      HttpResponse<String> wrongKey = readyz(harness, "Bearer nope");
      assertThat(wrongKey.body()).isEqualTo("{\"error\":\"not ready\"}");

      HttpResponse<String> operator = readyz(harness, "Bearer k3y");
      assertThat(operator.statusCode()).isEqualTo(503);
      assertThat(operator.body()).startsWith("{\"error\":\"not ready: ").contains("127.0.0.1");
    }
  }

  private static HttpResponse<String> readyz(ProxyHarness harness, String authorization) {
    return harness.send(HttpRequest.newBuilder(harness.url("/readyz")).header("Authorization", authorization).build());
  }
}
