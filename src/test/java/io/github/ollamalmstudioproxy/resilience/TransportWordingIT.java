package io.github.ollamalmstudioproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.LogCapture;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawBackend;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backend that cannot be used says what failed, on the passthrough and on Ollama's routes alike: "is its server
 * running?" only when the connection was refused, and never a Java exception's text in an answer.
 */
class TransportWordingIT {
  private static final String CHAT = "{\"model\":\"m\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void eachBrokenAnswerIsNamedForWhatItIs() {
    try (RawBackend backend = RawBackend.start(); LogCapture logs = LogCapture.open();
        ProxyHarness proxy = ProxyHarness.withoutBackend(backend.url())) {
      String v1 = "/v1/models";
      check(proxy, backend, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
          + "Content-Length: 3\r\n\r\n{}", "sent a malformed HTTP answer (conflicting Content-Length headers)");
      check(proxy, backend, "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(20_000) + "\r\nContent-Length: 2\r\n\r\n{}",
          "sent an answer the proxy cannot read: its headers are too large");
      check(proxy, backend, "SSH-2.0-OpenSSH_9.6\r\n\r\n", "sent a malformed HTTP answer (no HTTP status line)");
      check(proxy, backend, "", "closed the connection without an answer");

      assertThat(logs.at("ERROR")).as("a bad backend answer is no bug of the proxy").isEmpty();
      assertThat(logs.at("WARN")).anyMatch(l -> l.contains("Multiple Content-Length values found"))
          .anyMatch(l -> l.contains("larger than"));
    }
  }

  @Test
  void onlyARefusedConnectionAsksWhetherTheServerRuns() {
    try (ProxyHarness proxy = ProxyHarness.withoutBackend(URI.create("http://127.0.0.1:9"))) {
      for (HttpResponse<String> response : List.of(proxy.get("/v1/models"), proxy.get("/api/tags"))) {
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("cannot reach LM Studio at http://127.0.0.1:9: connection refused",
            "is its server running?");
      }
    }
  }

  private static void check(ProxyHarness proxy, RawBackend backend, String answer, String words) {
    for (String path : List.of("/v1/models", "/api/v0/models", "/api/v1/models", "/v1/chat/completions")) {
      backend.answer(path, answer);
    }
    List<HttpResponse<String>> responses = List.of(proxy.get("/v1/models"), proxy.get("/api/tags"),
        proxy.post("/v1/chat/completions", CHAT));
    for (HttpResponse<String> response : responses) {
      String path = response.uri().getPath();
      assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(502);
      assertThat(response.body()).as(path).contains(words).doesNotContain("is its server running")
          .doesNotContain("Exception").doesNotContain("java.").doesNotContain("Content-Length values");
    }
  }
}
