package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding: a page on an attacker's name that resolves to 127.0.0.1 calls the proxy as a same-origin page. On a
 * loopback listener only local Host names pass (Ollama's allowedHostsMiddleware); a missing or repeated Host is a 400.
 */
class HostHeaderIT extends SimulatorBackedTest {
  private static final String EVIL = "rebind.evil.example";
  private static final String UNLOAD = "{\"model\":\"qwen/qwen3-4b\",\"keep_alive\":0}";
  private static final String CHAT = "{\"model\":\"qwen/qwen3-4b\",\"stream\":false,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void aRebindingPageIsRefusedOnEveryRouteAndNothingReachesTheBackend() {
    for (String[] call : List.of(
        new String[] {"GET", "/api/tags", null},
        new String[] {"POST", "/api/chat", CHAT},
        new String[] {"POST", "/api/generate", UNLOAD},
        new String[] {"GET", "/v1/models", null},
        new String[] {"POST", "/v1/chat/completions", CHAT},
        new String[] {"GET", "/api/v0/models", null})) {
      for (String host : List.of(EVIL, EVIL + ":" + harness.port())) {
        String response = request(call[0], call[1], call[2], "Host: " + host, "Origin: http://" + host);
        assertThat(response).as(call[0] + " " + call[1] + " Host " + host).startsWith("HTTP/1.1 403 ")
            .contains("--allowed-hosts");
      }
    }
    assertThat(harness.simulator().log().all()).isEmpty();
  }

  @Test
  void aRebindingPreflightIsRefusedToo() {
    String response = request("OPTIONS", "/api/chat", null, "Host: " + EVIL, "Origin: http://" + EVIL,
        "Access-Control-Request-Method: POST");
    assertThat(response).startsWith("HTTP/1.1 403 ").doesNotContainIgnoringCase("access-control-allow-origin");
  }

  @Test
  void localNamesAndAddressesPass() {
    for (String host : List.of("127.0.0.1:" + harness.port(), "localhost:" + harness.port(), "localhost",
        "ui.localhost", "nas.local", "box.internal", "[::1]:" + harness.port(), "10.0.0.7", "192.168.1.2:80")) {
      assertThat(request("GET", "/api/version", null, "Host: " + host)).as(host).startsWith("HTTP/1.1 200 ");
    }
    String machine = machineHostName();
    if (machine != null && machine.matches("[A-Za-z0-9.-]+")) {
      assertThat(request("GET", "/api/version", null, "Host: " + machine)).as(machine).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void anAbsoluteTargetNamesTheHostItself() {
    assertThat(request("GET", "http://" + EVIL + "/api/tags", null, "Host: 127.0.0.1"))
        .startsWith("HTTP/1.1 403 ");
    assertThat(harness.simulator().log().all()).isEmpty();
  }

  @Test
  void aMissingRepeatedOrMalformedHostIsABadRequest() {
    assertThat(send("GET /api/version HTTP/1.1\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 400 ")
        .contains("missing Host header");
    assertThat(send("GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: " + EVIL + "\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ").contains("more than one Host header");
    assertThat(send("GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1/x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ").contains("malformed Host header");
    // HTTP/1.0 has no Host requirement, and Ollama lets such a request through.
    assertThat(send("GET /api/version HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.0 200 ");
    assertThat(harness.simulator().log().all()).isEmpty();
  }

  @Test
  void configuredHostsPassWithWildcards() {
    try (ProxyHarness own = ProxyHarness.start("--allowed-hosts", "proxy.example.org, *.corp.example")) {
      assertThat(request(own, "GET", "/api/version", null, "Host: proxy.example.org:11434")).startsWith("HTTP/1.1 200 ");
      assertThat(request(own, "GET", "/api/version", null, "Host: gpu.corp.example")).startsWith("HTTP/1.1 200 ");
      assertThat(request(own, "GET", "/api/version", null, "Host: " + EVIL)).startsWith("HTTP/1.1 403 ");
    }
  }

  private static String machineHostName() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    } catch (IOException e) {
      return null;
    }
  }

  private static String request(String method, String path, String body, String... headers) {
    return request(harness, method, path, body, headers);
  }

  private static String request(ProxyHarness target, String method, String path, String body, String... headers) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nConnection: close\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
    }
    try (RawHttp raw = RawHttp.connect(target.port())) {
      return raw.sendRaw(head + "\r\n" + (body == null ? "" : body)).readAll();
    }
  }

  private static String send(String request) {
    try (RawHttp raw = RawHttp.connect(harness.port())) {
      return raw.sendRaw(request).readAll();
    }
  }
}
