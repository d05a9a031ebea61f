package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * A plain JSON request and its whole answer, for calls that do not stream (embeddings, model loads). Cancellation
 * resets the request; a non-2xx answer, or a 2xx carrying a top-level {@code error}, fails as {@link BackendHttpError}.
 */
public final class JsonPost {
  private final BackendClient backend;

  public JsonPost(BackendClient backend) {
    this.backend = backend;
  }

  public Future<Buffer> send(String path, Buffer body, CancelSignal cancel) {
    return backend.postJson(path, body, "application/json", cancel, (request, response, sent) ->
        response.body().compose(answer -> {
          if (response.statusCode() / 100 != 2 || ErrorBodies.hasTopLevelError(answer)) {
            return Future.failedFuture(new BackendHttpError(response.statusCode(), answer.toString()));
          }
          return Future.succeededFuture(answer);
        }));
  }
}
