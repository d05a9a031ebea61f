package io.github.ollamalmstudioproxy.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.github.ollamalmstudioproxy.backend.ClientGoneException;
import io.github.ollamalmstudioproxy.ollama.Json;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.server.RequestScope.ErrorShape;
import io.github.ollamalmstudioproxy.translate.anthropic.AnthropicErrors;
import io.github.ollamalmstudioproxy.upstream.Refused;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of answers: complete bodies (HEAD-aware), and errors in the shape of the route's API. Every answer
 * goes through the request's {@link ResponseState}, which alone decides an error's form: a status and a body before
 * the first byte, one {@code {"error"}} line after it on an NDJSON stream, a reset on a passthrough body. A request
 * whose client went away gets nothing: nobody is left to read it.
 */
final class Replies {
  static final String JSON = "application/json; charset=utf-8";
  /** Gin's {@code MIMEPlain}, without a charset: what Ollama's router sends with its 404 and 405. */
  static final String PLAIN = "text/plain";
  private static final Logger log = LoggerFactory.getLogger(Replies.class);

  private Replies() {}

  /** A complete answer; a HEAD request gets the same headers, Content-Length included, and no body. */
  static void send(RequestScope scope, int status, String contentType, Buffer body) {
    if (scope.cancelled() || scope.response().closed()) {
      return;
    }
    write(scope, status, contentType, body);
  }

  private static Future<Void> write(RequestScope scope, int status, String contentType, Buffer body) {
    scope.state().ended();
    HttpServerResponse response = scope.response().setStatusCode(status);
    if (BodyGate.awaitsContinue(scope)) {
      // Answered before the client sent its body: whether it sends it now or not, the connection cannot be reused.
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    if (contentType != null) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    }
    // An answer given before the request body was read, with "Connection: close" (a 413, a 503, a refused
    // 100-continue): Vert.x would keep the connection open until the client sends the rest, so it is closed once the
    // answer is out; a client still sending its body gets a moment to finish, or the close would reset the answer.
    boolean closeAfter = !scope.request().isEnded()
        && "close".equalsIgnoreCase(response.headers().get(HttpHeaders.CONNECTION));
    Future<Void> written;
    if (scope.request().method() == HttpMethod.HEAD) {
      written = response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end();
    } else {
      written = response.end(body);
    }
    if (closeAfter) {
      if (BodyGate.awaitsContinue(scope)) {
        written.onComplete(done -> scope.request().connection().close());
      } else {
        written.onComplete(done -> LingeringClose.after(scope.context().owner(), scope.request()));
      }
    }
    return written;
  }

  static void send(RequestScope scope, int status, String contentType, String body) {
    send(scope, status, contentType, Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** 200 with a JSON body already serialised. */
  static void json(RequestScope scope, Buffer body) {
    send(scope, 200, JSON, body);
  }

  /** 200 with {@code body} serialised by the shared mapper. */
  static void json(RequestScope scope, Object body) {
    byte[] bytes;
    try {
      bytes = Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      fail(scope, e);
      return;
    }
    json(scope, Buffer.buffer(bytes));
  }

  /** An answer without a body (a CORS preflight's 204). */
  static void empty(RequestScope scope, int status) {
    send(scope, status, null, Buffer.buffer());
  }

  /** An error the proxy itself decided, in the route's shape. */
  static void error(RequestScope scope, int status, String message) {
    if (scope.cancelled() || scope.response().closed()) {
      return;
    }
    switch (scope.state().phase()) {
      case NOT_STARTED -> send(scope, status, JSON, body(scope.errorShape(), status, message));
      case STREAMING -> endStreamWithError(scope, message);
      case ENDED -> throw new IllegalStateException("the request was answered twice; second answer: " + status + " "
          + message);
    }
  }

  /**
   * Any failure: an {@link OllamaError} keeps its status and message; a client that went away gets nothing; anything
   * else is a bug, logged with its stack, and the client gets a fixed message (never a Java exception's text).
   */
  static void fail(RequestScope scope, Throwable cause) {
    if (scope.cancelled() || cause instanceof ClientGoneException) {
      return;
    }
    if (cause instanceof Busy) {
      error(scope, 503, Admission.BUSY);
    } else if (cause instanceof Refused refused) {
      error(scope, 503, refused.getMessage());
    } else if (cause instanceof OllamaError e) {
      // One line per failed request: a client's mistake is news, a backend that fails us is a warning.
      // The path and the message (which can quote a model name or the backend's words) are escaped.
      String path = LogText.escape(scope.request().path());
      // What happened underneath (a transport failure's exception) goes to the log only, never to the client.
      String message = LogText.escape(e.getMessage()) + (e.getCause() == null ? ""
          : " (" + LogText.escape(e.getCause().toString()) + ")");
      if (e.status() >= 500) {
        log.warn("{} {} {}: {}", scope.id(), path, e.status(), message);
      } else {
        log.info("{} {} {}: {}", scope.id(), path, e.status(), message);
      }
      error(scope, e.status(), e.getMessage());
    } else {
      log.error("{} unexpected failure in {}", scope.id(), LogText.escape(scope.request().path()), cause);
      error(scope, 500, "internal error");
    }
  }

  /**
   * The one answer of a request the proxy gave up on ({@link RequestScope#abandon}), which counts as cancelled and so
   * gets nothing through the methods above: the error in the route's shape before the first byte, the end of the
   * stream after it. Completes once the answer is written (at once when there is nothing left to write).
   */
  static Future<Void> abandoned(RequestScope scope, int status, String message) {
    if (scope.response().closed()) {
      return Future.succeededFuture();
    }
    return switch (scope.state().phase()) {
      case NOT_STARTED -> write(scope, status, JSON, Buffer.buffer(body(scope.errorShape(), status, message)
          .getBytes(StandardCharsets.UTF_8)));
      case STREAMING -> endStreamWithError(scope, message);
      case ENDED -> Future.succeededFuture();
    };
  }

  /** After the first byte: one {@code {"error"}} line ends an NDJSON stream; a passthrough body is cut by a reset. */
  private static Future<Void> endStreamWithError(RequestScope scope, String message) {
    scope.state().ended();
    HttpServerResponse response = scope.response();
    if (scope.errorShape() == ErrorShape.OLLAMA) {
      return response.end(Buffer.buffer(errorLine(message)));
    }
    response.reset();
    return Future.succeededFuture();
  }

  /** {@code {"error":"<message>"}} plus {@code '\n'}, the NDJSON error line. */
  static byte[] errorLine(String message) {
    return ("{\"error\":\"" + escape(message) + "\"}\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String body(ErrorShape shape, int status, String message) {
    if (shape == ErrorShape.OLLAMA) {
      return "{\"error\":\"" + escape(message) + "\"}";
    }
    if (shape == ErrorShape.ANTHROPIC) {
      return new String(AnthropicErrors.body(new OllamaError(status, message)), StandardCharsets.UTF_8);
    }
    return "{\"error\":{\"message\":\"" + escape(message) + "\",\"type\":\"" + openAiType(status)
        + "\",\"param\":null,\"code\":null}}";
  }

  private static String openAiType(int status) {
    return status == 404 ? "not_found_error" : status < 500 ? "invalid_request_error" : "api_error";
  }

  private static String escape(String message) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(message == null ? "" : message));
  }
}
