package io.github.ollamalmstudioproxy.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes LM Studio's SSE framing. Chat and text completions send {@code data: <compact json>\n\n} per event, no
 * {@code event:} lines on success, and {@code data: [DONE]\n\n} at the end; {@code /v1/responses} and
 * {@code /v1/messages} send named events ({@code event: <type>\ndata: <compact json>\n\n}) and no {@code [DONE]}.
 * Each event is its own write, so each is its own HTTP chunk.
 */
final class SseWriter {
  private final Exchange exchange;

  SseWriter(Exchange exchange) {
    this.exchange = exchange;
  }

  /** Sends the 200 and the SSE headers now, before any event. */
  void open() {
    HttpServerResponse response = exchange.response;
    if (exchange.clientGone() || response.headWritten()) {
      return;
    }
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Connection", "keep-alive");
    response.writeHead();
  }

  void data(JsonNode event) {
    write("data: " + SimJson.write(event) + "\n\n");
  }

  /** A named event: {@code event: <type>}, then its {@code data:} line. */
  void event(String type, JsonNode data) {
    write("event: " + type + "\ndata: " + SimJson.write(data) + "\n\n");
  }

  /** The stream error of reference §2.2: an {@code error} object and no {@code choices}; then the stream ends. */
  void errorAndEnd(String message, boolean eventLine) {
    ObjectNode root = SimJson.object();
    root.putObject("error").put("message", message);
    write((eventLine ? "event: error\n" : "") + "data: " + SimJson.write(root) + "\n\n");
    end();
  }

  void doneAndEnd() {
    write("data: [DONE]\n\n");
    end();
  }

  private void write(String text) {
    if (!exchange.clientGone() && !exchange.response.ended()) {
      exchange.response.write(text);
    }
  }

  void end() {
    exchange.end("");
  }
}
