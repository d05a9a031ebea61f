package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.simulator.RecordedRequest;
import io.github.ollamalmstudioproxy.support.Ndjson;
import io.github.ollamalmstudioproxy.support.ProxyHarness;
import io.github.ollamalmstudioproxy.support.RawHttp;
import io.github.ollamalmstudioproxy.support.Upstream;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown on {@code /api/chat}: a stream that outlives the drain ends with a line marked {@code cancelled}
 * that Ollama's clients raise as an error (never a {@code done:true}), and its backend request is reset.
 */
class ChatShutdownIT {
  @Test
  void streamCutByTheDrainTimeoutEndsWithTheCancelledDoneChunk() throws Exception {
    try (ProxyHarness harness = ProxyHarness.start()) {
      harness.simulator().script().tokens(Collections.nCopies(500, "x")).tokenInterval(Duration.ofMillis(20));
      RawHttp client = RawHttp.connect(harness.port()).send("POST", "/api/chat",
          "{\"model\":\"qwen/qwen3-4b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      RecordedRequest upstream = harness.simulator().log().awaitRequest("/v1/chat/completions", Upstream.WAIT);
      client.readUntil("\"content\":\"x\"");

      harness.proxy().shutdown(Duration.ofMillis(300)).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);

      String response = client.readAll();
      String body = dechunk(response.substring(response.indexOf("\r\n\r\n") + 4));
      Ndjson out = Ndjson.parse(body);
      JsonNode last = out.last();
      // Not a normal completion (issue 13, point 7): an error key that ollama-js and ollama-python raise on, no
      // done:true anywhere (Ollama's own cut just closes the connection), and a reason other than "stop".
      assertThat(out.lines()).noneMatch(l -> l.path("done").asBoolean(false));
      assertThat(last.path("done_reason").asText()).isEqualTo("cancelled");
      assertThat(last.path("error").asText()).contains("shutting down");
      assertThat(last.path("cancelled").asBoolean()).isTrue();
      assertThat(last.path("partial_response").asBoolean()).isTrue();
      harness.simulator().log().awaitClientClose(upstream, Upstream.WAIT);
    }
  }

  /** Decodes an HTTP/1.1 chunked body read from a raw socket. */
  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < chunked.length()) {
      int eol = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
      if (size == 0) {
        break;
      }
      // The payload is ASCII-safe here ("x" tokens and JSON punctuation), so chars equal bytes.
      out.append(chunked, eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
    return out.toString();
  }
}
