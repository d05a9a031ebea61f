package io.github.ollamalmstudioproxy.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: id, method, path, status, duration, bytes sent, and the model when known, client
 * text escaped ({@link LogText}).
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
    // The method, path and model are the client's words: escaped, so that none can forge a line or a colour.
    log.info("{} {} {} {} {}ms {}B{}", scope.id(), LogText.escape(scope.request().method().name()),
        LogText.escape(scope.request().path()), status, scope.elapsedMillis(), scope.response().bytesWritten(),
        model == null ? "" : " model=" + LogText.escape(model));
  }
}
