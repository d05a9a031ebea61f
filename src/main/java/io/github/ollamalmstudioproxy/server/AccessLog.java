package io.github.ollamalmstudioproxy.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: id, method, path, status, duration, bytes sent, and the model when known.
 *
 * <p>A client that went away before its response ended is logged as 499, nginx's "client closed request", so such
 * requests are told apart from backend failures and are not counted against the backend's health.
 */
final class AccessLog {
  static final int CLIENT_CLOSED_REQUEST = 499;
  private static final Logger log = LoggerFactory.getLogger("access");

  private AccessLog() {}

  static void write(RequestScope scope, int status) {
    if (!log.isInfoEnabled()) {
      return;
    }
    String model = scope.model();
    log.info("{} {} {} {} {}ms {}B{}", scope.id(), scope.request().method(), scope.request().path(), status,
        scope.elapsedMillis(), scope.response().bytesWritten(), model == null ? "" : " model=" + model);
  }
}
