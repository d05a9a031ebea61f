package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;

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
    return sendOnce(path, body, cancel).recover(e -> BackendClient.closedBeforeAnswer(e) && !cancel.cancelled()
        ? sendOnce(path, body, cancel) : Future.failedFuture(e));
  }

  private Future<Buffer> sendOnce(String path, Buffer body, CancelSignal cancel) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add(HttpHeaders.CONTENT_TYPE, "application/json")
        .add(HttpHeaders.ACCEPT, "application/json");
    return backend.open(HttpMethod.POST, path, headers).compose(request -> {
      cancel.onCancel(request::reset);
      if (cancel.cancelled()) {
        return Future.failedFuture(new ClientGoneException());
      }
      return request.send(body).compose(response -> response.body().compose(answer -> {
        if (response.statusCode() / 100 != 2 || ErrorBodies.hasTopLevelError(answer)) {
          return Future.failedFuture(new BackendHttpError(response.statusCode(), answer.toString()));
        }
        return Future.succeededFuture(answer);
      }));
    }).recover(e -> cancel.cancelled() ? Future.failedFuture(new ClientGoneException()) : Future.failedFuture(e));
  }
}
