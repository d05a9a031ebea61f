package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.backend.ClientGoneException;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an Ollama request body as JSON, whatever its Content-Type (Ollama ignores it, so {@code curl -d} works).
 *
 * <p>The body is bounded: a declared or streamed size over the limit fails with 413 as soon as it is known, and the
 * connection is closed after the answer instead of reading the rest into memory.
 *
 * <p>A route that reaches the backend takes its {@code --max-in-flight} slot here, once the body is in and valid
 * (see {@link RequestScope#bodyRead}): a client that is slow to send its body holds no slot, and past the cap the
 * answer is Ollama's 503.
 */
final class JsonBodyReader {
  private static final Logger log = LoggerFactory.getLogger(JsonBodyReader.class);

  private final long maxBytes;
  private final boolean logBodies;

  JsonBodyReader(long maxBytes, boolean logBodies) {
    this.maxBytes = maxBytes;
    this.logBodies = logBodies;
  }

  /** The parsed body; fails with an {@link OllamaError} (400 or 413) that the caller answers. */
  Future<JsonNode> read(RequestScope scope) {
    HttpServerRequest request = scope.request();
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && parseLength(declared) > maxBytes) {
      return tooLarge(scope);
    }
    Promise<JsonNode> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      if (body.length() + chunk.length() > maxBytes) {
        request.pause();
        tooLarge(scope).onFailure(promise::tryFail);
        return;
      }
      body.appendBuffer(chunk);
    });
    request.endHandler(v -> {
      if (!promise.future().isComplete()) {
        parse(scope, body, promise);
      }
    });
    // The client's stream broke off (a reset, a closed connection): a hang-up, answered to nobody and not an error.
    request.exceptionHandler(e -> {
      log.debug("{} request body broke off: {}", scope.id(), e.toString());
      promise.tryFail(new ClientGoneException());
    });
    return promise.future();
  }

  private void parse(RequestScope scope, Buffer body, Promise<JsonNode> promise) {
    if (logBodies && log.isDebugEnabled()) {
      log.debug("{} request body: {}", scope.id(), LogText.escape(body.toString(), Integer.MAX_VALUE));
    }
    if (body.length() == 0) {
      promise.fail(OllamaError.badRequest("missing request body"));
      return;
    }
    try {
      JsonNode node = Json.MAPPER.readTree(body.getBytes());
      if (node == null || node.isMissingNode()) {
        promise.fail(OllamaError.badRequest("missing request body"));
      } else if (!node.isObject()) {
        promise.fail(OllamaError.badRequest("invalid request body: expected a JSON object"));
      } else if (!scope.bodyRead()) {
        promise.fail(new Busy());
      } else {
        promise.complete(node);
      }
    } catch (JsonProcessingException e) {
      promise.fail(OllamaError.badRequest(Json.describe(e)));
    } catch (IOException e) {
      promise.fail(OllamaError.badRequest("invalid JSON: " + e.getMessage()));
    }
  }

  private Future<JsonNode> tooLarge(RequestScope scope) {
    scope.response().putHeader(HttpHeaders.CONNECTION, "close");
    return Future.failedFuture(new OllamaError(413, "request body too large: the limit is " + maxBytes
        + " bytes (--max-body-size)"));
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
