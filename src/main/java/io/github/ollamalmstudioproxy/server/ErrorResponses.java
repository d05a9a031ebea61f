package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Errors the proxy itself produces, in the shape the client's API expects: Ollama's {@code {"error":"..."}} on
 * Ollama routes, and OpenAI's {@code {"error":{"message":...}}} on the OpenAI-compatible passthrough.
 */
public final class ErrorResponses {
  private ErrorResponses() {}

  public static void ollama(HttpServerResponse response, int status, String message) {
    send(response, status, "{\"error\":\"" + escape(message) + "\"}");
  }

  public static void openAi(HttpServerResponse response, int status, String message) {
    String type = status == 404 ? "not_found_error" : status < 500 ? "invalid_request_error" : "api_error";
    send(response, status, "{\"error\":{\"message\":\"" + escape(message) + "\",\"type\":\"" + type
        + "\",\"param\":null,\"code\":null}}");
  }

  /** The JSON body of an Ollama error line, for errors that happen after a stream has started. */
  public static String ollamaLine(String message) {
    return "{\"error\":\"" + escape(message) + "\"}\n";
  }

  private static void send(HttpServerResponse response, int status, String body) {
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .end(body);
  }

  static String escape(String message) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(message == null ? "" : message));
  }
}
