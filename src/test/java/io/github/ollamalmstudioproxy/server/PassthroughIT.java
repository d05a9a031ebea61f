package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.support.RawHttp;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PassthroughIT extends SimulatorBackedTest {
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
  @Test
  void lmStudiosOwnModelListsArriveByteIdenticalToTheBackendsOwn() {
    // /v1/models is Ollama's list of /api/tags names (OpenAiLayerIT); LM Studio's own APIs pass as they are.
    for (String path : List.of("/api/v0/models", "/api/v1/models")) {
      HttpResponse<String> proxied = harness.get(path);
      HttpResponse<String> direct = harness.send(HttpRequest.newBuilder(harness.direct(path)).build());
      assertThat(proxied.statusCode()).as(path).isEqualTo(direct.statusCode());
      assertThat(proxied.body()).as(path).isEqualTo(direct.body());
      assertThat(proxied.headers().firstValue("content-type")).isEqualTo(direct.headers().firstValue("content-type"));
    }
  }

  @Test
  void requestMethodPathQueryAndBodyReachTheBackendUnchanged() {
    harness.post("/v1/chat/completions?trace=1&x=%20y", CHAT + ",\"stream\":false}");
    RecordedRequest seen = harness.simulator().log().awaitRequest("/v1/chat/completions?trace=1&x=%20y",
        Duration.ofSeconds(5));
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.body()).isEqualTo(CHAT + ",\"stream\":false}");
  }

  @Test
  void streamingResponseIsForwardedEventByEventUnchanged() {
    harness.simulator().script().tokens(List.of("Hel", "lo", " wörld", " ✓")).tokenInterval(Duration.ofMillis(5));
    HttpResponse<Stream<String>> response = harness.sendLines(HttpRequest.newBuilder(harness.url("/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(CHAT + ",\"stream\":true}")).build());
    List<String> lines = new ArrayList<>();
    response.body().forEach(lines::add);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v)
        .startsWith("text/event-stream"));
    String body = String.join("\n", lines);
    assertThat(body).contains("\"content\":\"Hel\"", "\"content\":\" wörld\"", "\"content\":\" ✓\"")
        .endsWith("data: [DONE]\n");
    assertThat(lines.stream().filter(l -> l.startsWith("data: ")).count()).isEqualTo(4 + 2);
  }

  @Test
  void backendStatusAndBodyPassUnchangedEvenForErrors() {
    harness.simulator().script().failNext(400, "{\"error\":\"'response_format.type' must be 'json_schema' or 'text'\"}");
    HttpResponse<String> response = harness.post("/v1/chat/completions", CHAT + "}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"'response_format.type' must be 'json_schema' or 'text'\"}");

    HttpResponse<String> unknown = harness.get("/v1/no-such-route");
    assertThat(unknown.statusCode()).isEqualTo(200);
    assertThat(unknown.body()).contains("Unexpected endpoint or method. (GET /v1/no-such-route)");
  }

  @Test
  void pathsThatLeaveThePrefixAreRefusedAndNeverSent() {
    for (String path : List.of("/v1/../lmstudio-greeting", "/v1/%2e%2e/lmstudio-greeting",
        "/api/v1/..%2f..%2flmstudio-greeting", "/api/v0/%252e%252e/x")) {
      try (RawHttp raw = RawHttp.connect(harness.port())) {
        String response = raw.send("GET", path, null).readAll();
        assertThat(response).as(path).startsWith("HTTP/1.1 400").contains("invalid path");
      }
    }
    assertThat(harness.simulator().log().all()).isEmpty();
  }

  @Test
  void hopByHopHeadersAreNotForwarded() {
    try (RawHttp raw = RawHttp.connect(harness.port())) {
      raw.send("GET", "/api/v0/models", null, "X-Custom: kept", "TE: trailers", "Keep-Alive: timeout=5",
          "Proxy-Authorization: Basic eDp5", "X-Hop: named-by-connection",
          "Connection: X-Hop").readUntil("HTTP/1.1 200");
    }
    RecordedRequest seen = harness.simulator().log().awaitRequest("/api/v0/models", Duration.ofSeconds(5));
    assertThat(seen.header("x-custom")).isEqualTo("kept");
    for (String hop : List.of("te", "keep-alive", "proxy-authorization", "x-hop")) {
      assertThat(seen.header(hop)).as(hop).isNull();
    }
  }

  /**
   * A backend that closes its connection right after every stream although it announced keep-alive (llama-server):
   * the next request can be written on that closing pooled connection. Nothing of it reached the backend, so it is
   * sent again on a fresh connection, body included, and every request completes exactly once.
   */
  @Test
  void backToBackStreamsSurviveABackendThatClosesAfterEachAnswer() {
    harness.simulator().script().closeConnectionAfterEachAnswer(true).tokens(List.of("a", "b"))
        .tokenInterval(Duration.ZERO);
    String body = CHAT + ",\"stream\":true}";
    List<String> failures = new ArrayList<>();
    int requests = 200;
    for (int i = 0; i < requests; i++) {
      String path = i % 4 < 2 ? "/v1/chat/completions" : "/api/v0/chat/completions";
      String answer;
      if (i % 2 == 0) {
        HttpResponse<String> response = harness.send(HttpRequest.newBuilder(harness.url(path))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        answer = response.statusCode() + " " + response.body();
      } else {
        try (RawHttp raw = RawHttp.connect(harness.port())) {
          // Head and body in one write, as curl sends a small request.
          answer = raw.sendRaw("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
              + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).readAll();
        }
      }
      if (!(answer.startsWith("200 ") || answer.startsWith("HTTP/1.1 200 ")) || !answer.contains("data: [DONE]")) {
        failures.add("#" + i + " " + path + ": " + answer.substring(0, Math.min(200, answer.length())));
      }
    }

    assertThat(failures).isEmpty();
    // Only the chats: a run longer than the catalog's 5 s TTL also refetches /api/v1/models for /v1 name resolution.
    assertThat(harness.simulator().log().all().stream().filter(r -> r.pathOnly().endsWith("/chat/completions")))
        .as("each request reached the backend once").hasSize(requests);
  }
}
