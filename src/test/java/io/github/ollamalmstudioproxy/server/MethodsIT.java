package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.RawHttp;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Only the methods OpenAI's and LM Studio's APIs use reach the backend: CONNECT would turn the backend connection
 * into a tunnel (the simulator answers it 200 with no body, and the client then hangs), TRACE echoes the request back.
 */
class MethodsIT extends SimulatorBackedTest {
  /** A passthrough path under each prefix (/v1/models itself is the proxy's own list, GET and HEAD only). */
  private static final List<String> PREFIXES = List.of("/v1/files", "/api/v0/models", "/api/v1/models");

  @Test
  void connectAndTraceAre405WithAllowOnThePassthroughAndNeverForwarded() {
    for (String path : PREFIXES) {
      for (String method : List.of("CONNECT", "TRACE")) {
        String response = request(method, path);
        // The router answers before any route, in gin's plain text (as ServerBasicsIT), whatever the route's shape.
        assertThat(response).as(method + " " + path).startsWith("HTTP/1.1 405 ")
            .containsIgnoringCase("allow: HEAD, GET, POST, DELETE, OPTIONS, PATCH, PUT")
            .containsIgnoringCase("content-type: text/plain\r\n")
            .endsWith("\r\n\r\n405 method not allowed");
      }
    }
    assertThat(harness.simulator().log().all()).isEmpty();
  }

  @Test
  void unknownMethodsAre501EverywhereAndNeverForwarded() {
    for (String path : PREFIXES) {
      for (String method : List.of("FOO", "PROPFIND", "BREW")) {
        assertThat(request(method, path)).as(method + " " + path).startsWith("HTTP/1.1 501 ")
            .contains("{\"error\":{\"message\":\"501 method not implemented\"");
      }
    }
    assertThat(request("FOO", "/api/tags")).startsWith("HTTP/1.1 501 ")
        .contains("{\"error\":\"501 method not implemented\"}");
    assertThat(harness.simulator().log().all()).isEmpty();
  }

  @Test
  void theMethodsTheApisUseStillPassThrough() {
    for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
      harness.simulator().log().clear();
      assertThat(request(method, "/v1/files")).as(method).startsWith("HTTP/1.1 200 ");
      assertThat(harness.simulator().log().all()).as(method).hasSize(1)
          .allSatisfy(r -> assertThat(r.method()).isEqualTo(method));
    }
    assertThat(request("HEAD", "/v1/models")).startsWith("HTTP/1.1 200 ");
  }

  private static String request(String method, String path) {
    try (RawHttp raw = RawHttp.connect(harness.port())) {
      return raw.sendRaw(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").readAll();
    }
  }
}
