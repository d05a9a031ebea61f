package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * A plain JSON request and its whole answer, for calls that do not stream (embeddings, model loads). Cancellation
 * resets the request; a non-2xx answer, or a 2xx carrying a top-level {@code error}, fails as {@link BackendHttpError}.
 */
public final class JsonPost {
  /** How far into a body to look for its first key. */
  private static final int HEAD_BYTES = 64;

  private final BackendClient backend;

  public JsonPost(BackendClient backend) {
    this.backend = backend;
  }

  public Future<Buffer> send(String path, Buffer body, CancelSignal cancel) {
    return backend.postJson(path, body, "application/json", cancel, (request, response, sent) ->
        response.body().compose(answer -> {
          if (response.statusCode() / 100 != 2 || hasTopLevelError(answer)) {
            return Future.failedFuture(new BackendHttpError(response.statusCode(), answer.toString()));
          }
          return Future.succeededFuture(answer);
        }));
  }

  /**
   * LM Studio answers some failures, and every unknown route, with HTTP 200 and {@code {"error":...}}: a body whose
   * first key is {@code error} with a value other than {@code null} is an error whatever the status. Successful
   * bodies never start that way, so the check reads only the first bytes instead of parsing the body.
   */
  static boolean hasTopLevelError(Buffer body) {
    String head = body.getString(0, Math.min(body.length(), HEAD_BYTES)).stripLeading();
    if (!head.startsWith("{")) {
      return false;
    }
    String key = head.substring(1).stripLeading();
    if (!key.startsWith("\"error\"")) {
      return false;
    }
    String value = key.substring("\"error\"".length()).stripLeading();
    return value.startsWith(":") && !value.substring(1).stripLeading().startsWith("null");
  }
}
