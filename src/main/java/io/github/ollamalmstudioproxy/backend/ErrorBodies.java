package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.buffer.Buffer;

/** Cheap checks on backend bodies, before anyone parses them. */
final class ErrorBodies {
  private ErrorBodies() {}

  /**
   * LM Studio answers some failures, and every unknown route, with HTTP 200 and {@code {"error":...}}: a body whose
   * first key is {@code error} is an error whatever the status. Successful bodies never start that way.
   */
  static boolean hasTopLevelError(Buffer body) {
    int length = Math.min(body.length(), 64);
    String head = body.getString(0, length).stripLeading();
    return head.startsWith("{") && head.substring(1).stripLeading().startsWith("\"error\"");
  }
}
