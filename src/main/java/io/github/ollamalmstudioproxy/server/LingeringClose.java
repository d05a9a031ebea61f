package io.github.ollamalmstudioproxy.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

/**
 * Closes a connection whose request was answered before its body was read (a 413, a 503 for a full body budget),
 * the way nginx's {@code lingering_close} does: the rest of the body is read and thrown away for a short while first.
 * Closing at once, with the client still sending, makes the kernel answer its next bytes with a reset, and a reset
 * can destroy the answer the client has not read yet: it would see "broken pipe" instead of the 413 or 503. The
 * bytes read here are dropped as they come, so lingering costs no memory, and it is bounded in time: at most
 * {@link #LINGER_MILLIS} in all, and the connection closes as soon as the client is silent for {@link #IDLE_MILLIS}.
 */
final class LingeringClose {
  static final long LINGER_MILLIS = 3_000;
  static final long IDLE_MILLIS = 500;

  private final Vertx vertx;
  private final HttpConnection connection;
  private final long deadline;
  private long idleTimer;

  private LingeringClose(Vertx vertx, HttpConnection connection) {
    this.vertx = vertx;
    this.connection = connection;
    this.deadline = vertx.setTimer(LINGER_MILLIS, t -> close());
    this.idleTimer = vertx.setTimer(IDLE_MILLIS, t -> close());
  }

  static void after(Vertx vertx, HttpServerRequest request) {
    if (request.isEnded()) {
      request.connection().close();
      return;
    }
    LingeringClose linger = new LingeringClose(vertx, request.connection());
    request.handler(ignored -> linger.stillSending());
    request.exceptionHandler(ignored -> linger.close());
    request.endHandler(v -> linger.close());
    request.resume();
  }

  private void stillSending() {
    if (vertx.cancelTimer(idleTimer)) {
      idleTimer = vertx.setTimer(IDLE_MILLIS, t -> close());
    }
  }

  private void close() {
    vertx.cancelTimer(deadline);
    vertx.cancelTimer(idleTimer);
    connection.close();
  }
}
