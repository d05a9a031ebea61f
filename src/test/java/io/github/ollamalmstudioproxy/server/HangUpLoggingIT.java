package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.support.LogCapture;
import io.github.ollamalmstudioproxy.support.RawHttp;
import io.github.ollamalmstudioproxy.support.SimulatorBackedTest;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A client that hangs up is ordinary, whenever it does it (mid-upload, during a silent prefill, mid-stream) and
 * however (FIN or reset): the access log says 499, and nothing is logged at ERROR or WARN.
 */
class HangUpLoggingIT extends SimulatorBackedTest {
  private static final String STREAM = "{\"model\":\"qwen/qwen3-4b\",\"stream\":true,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me a long story\"}]}";
  private static final String WHOLE = "{\"model\":\"qwen/qwen3-4b\",\"stream\":false,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me a long story\"}]}";

  @Test
  void hangUpsInEveryPhaseAreNeitherErrorsNorWarnings() throws Exception {
    int hangUps = 0;
    try (LogCapture logs = LogCapture.open()) {
      for (boolean reset : List.of(false, true)) {
        for (String path : List.of("/v1/chat/completions", "/api/chat")) {
          // Mid-upload: half of the declared body, then gone.
          hangUp(reset, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Content-Length: " + (STREAM.length() * 2) + "\r\n\r\n" + STREAM, 200);
          hangUps++;
        }
        hangUp(reset, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "10\r\n{\"model\":\"qwen/q\r\n", 200);
        hangUps++;

        harness.simulator().script().prefillDelay(Duration.ofSeconds(5));
        for (String[] call : List.of(new String[] {"/v1/chat/completions", STREAM},
            new String[] {"/api/chat", STREAM}, new String[] {"/api/chat", WHOLE})) {
          // During a silent prefill.
          hangUp(reset, request(call[0], call[1]), 300);
          hangUps++;
        }
        harness.simulator().script().prefillDelay(Duration.ZERO).tokens(List.of("a", "b", "c", "d", "e", "f"))
            .tokenInterval(Duration.ofMillis(100));
        for (String path : List.of("/v1/chat/completions", "/api/chat")) {
          // Mid-stream.
          hangUp(reset, request(path, STREAM), 250);
          hangUps++;
        }
        harness.simulator().script().reset();
      }
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> harness.proxy().activeRequests() == 0);
      Thread.sleep(300);
      assertThat(logs.at("ERROR")).isEmpty();
      assertThat(logs.at("WARN")).isEmpty();
      assertThat(logs.lines().stream().filter(l -> l.startsWith("INFO access")).toList()).hasSize(hangUps)
          .allMatch(l -> l.contains(" 499 "));
    }
  }

  private static String request(String path, String body) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body;
  }

  private static void hangUp(boolean reset, String request, long afterMillis) throws InterruptedException {
    RawHttp raw = RawHttp.connect(harness.port());
    raw.sendRaw(request);
    Thread.sleep(afterMillis);
    if (reset) {
      raw.abort();
    } else {
      raw.close();
    }
  }
}
