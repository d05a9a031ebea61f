package io.github.ollamalmstudioproxy.server;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failure to get an answer from the backend into the response the client sees before any byte went out:
 * 502 when the backend cannot be reached (with the hint users need most: start LM Studio's server), 504 when it
 * stayed silent past the first-byte timeout.
 */
final class BackendFailures {
  private static final Logger log = LoggerFactory.getLogger(BackendFailures.class);

  /** Writes an error body in the route's API shape. */
  interface ErrorWriter {
    void write(HttpServerResponse response, int status, String message);
  }

  private final URI backend;

  BackendFailures(URI backend) {
    this.backend = backend;
  }

  void beforeResponse(RequestScope scope, Throwable cause, ErrorWriter writer) {
    if (scope.cancelled()) {
      return;
    }
    int status = status(cause);
    String message = message(cause);
    log.warn("{} backend failed: {}", scope.id(), message);
    writer.write(scope.response(), status, message);
  }

  static int status(Throwable cause) {
    return cause instanceof TimeoutException ? 504 : 502;
  }

  String message(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return "the backend at " + backend + " did not answer in time: " + cause.getMessage();
    }
    return "cannot reach LM Studio at " + backend + ": " + reason(cause)
        + " — is its server running? (lms server start)";
  }

  private static String reason(Throwable cause) {
    if (cause instanceof ConnectException || cause instanceof ConnectTimeoutException) {
      return "connection refused or timed out";
    }
    if (cause instanceof UnknownHostException) {
      return "unknown host";
    }
    if (cause instanceof HttpClosedException) {
      return "connection closed by the backend";
    }
    String text = cause.getMessage();
    return text == null ? cause.getClass().getSimpleName() : text;
  }
}
