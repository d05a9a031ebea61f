package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.LogCapture;
import io.github.ollamalmstudioproxy.support.RawHttp;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Client text in log lines is escaped: a newline cannot forge an access line, an ANSI escape never reaches a terminal. */
class LogSafetyIT extends SimulatorBackedTest {
  private static final String FORGED = "2026-01-01T00:00:00.000Z INFO  access 0000000000000000 GET /api/tags 200 1ms 0B";

  @Test
  void modelNamesPathsAndOriginsCannotForgeLinesOrColours() throws Exception {
    try (LogCapture logs = LogCapture.open()) {
      String model = "evil\\n" + FORGED + "\\u001b[31m";
      harness.post("/api/chat", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      harness.post("/api/show", "{\"model\":\"" + model + "\"}");
      try (RawHttp raw = RawHttp.connect(harness.port())) {
        raw.sendRaw("GET /api/\u001b[2Jtags\u001b[0m HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").readAll();
      }
      try (RawHttp raw = RawHttp.connect(harness.port())) {
        raw.send("GET", "/api/tags", null, "Origin: https://evil.example\u001b[31m").readAll();
      }
      try (RawHttp raw = RawHttp.connect(harness.port())) {
        raw.send("GET", "/v1/%2e%2e/\u001b[31mx", null).readAll();
      }
      Thread.sleep(200);

      List<String> lines = logs.lines();
      assertThat(lines).as("the requests were logged").hasSizeGreaterThanOrEqualTo(5);
      assertThat(lines).noneMatch(line -> line.contains("\n") || line.contains("\r") || line.contains("\u001b"));
      assertThat(lines).anyMatch(line -> line.contains("evil\\n2026-01-01T00:00:00.000Z INFO  access"));
      assertThat(lines).anyMatch(line -> line.contains("\\u001b[2Jtags"));
    }
  }
}
