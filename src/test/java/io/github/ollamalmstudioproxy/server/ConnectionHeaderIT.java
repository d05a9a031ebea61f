package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawBackend;
import io.github.ollamalmstudioproxy.support.RawHttp;
import org.junit.jupiter.api.Test;

/**
 * A backend whose {@code Connection} header names the framing headers ({@code Connection: content-length}, which no
 * sender should write) must not make the passthrough lose the body: the proxy still relays it, framed by itself.
 */
class ConnectionHeaderIT {
  private static final String BODY = "{\"object\":\"list\",\"data\":[]}";

  @Test
  void aBodyIsRelayedWhateverTheConnectionHeaderNames() {
    try (RawBackend backend = RawBackend.start()) {
      backend.answer("/v1/models", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
          + "Connection: content-length\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY);
      backend.answer("/v1/chunked", "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
          + "Connection: transfer-encoding, keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "7\r\ndata: 1\r\n9\r\n\n\ndata: 2\r\n0\r\n\r\n");
      backend.answer("/v1/custom", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
          + "Connection: X-Hop, Content-Type\r\nX-Hop: secret\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY);
      try (ProxyHarness proxy = ProxyHarness.withoutBackend(backend.url())) {
        String lengthNamed = get(proxy, "/v1/models");
        assertThat(lengthNamed).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\n" + BODY);
        assertThat(lengthNamed.toLowerCase()).contains("content-length: " + BODY.length());

        String chunkedNamed = get(proxy, "/v1/chunked");
        assertThat(chunkedNamed).startsWith("HTTP/1.1 200 ").containsIgnoringCase("transfer-encoding: chunked")
            .contains("data: 1", "data: 2");

        String custom = get(proxy, "/v1/custom");
        assertThat(custom).startsWith("HTTP/1.1 200 ").endsWith(BODY).doesNotContainIgnoringCase("x-hop")
            .containsIgnoringCase("content-type: application/json");
      }
    }
  }

  private static String get(ProxyHarness proxy, String path) {
    try (RawHttp raw = RawHttp.connect(proxy.port())) {
      return raw.send("GET", path, null).readAll();
    }
  }
}
