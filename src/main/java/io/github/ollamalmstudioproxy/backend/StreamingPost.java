package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;

/**
 * POSTs a JSON body that asks for a stream and hands back the response once it is known to be a stream.
 *
 * <p>Error answers are read (their first {@link BoundedBody#MAX_ERROR_BODY} bytes) and failed as
 * {@link BackendHttpError}, so a caller can still retry or answer with a proper status: no byte has gone to its client
 * yet. That covers LM Studio's habit of answering some errors with HTTP 200 and a JSON body instead of an event
 * stream.
 */
public final class StreamingPost {
  private final BackendClient backend;

  public StreamingPost(BackendClient backend) {
    this.backend = backend;
  }

  public Future<UpstreamStream> send(String path, Buffer body, CancelSignal cancel) {
    return backend.postJson(path, body, "text/event-stream", cancel, (request, response, sent) -> {
      if (isStream(response)) {
        response.pause();
        return Future.succeededFuture(new UpstreamStream(backend, request, response, sent));
      }
      return BoundedBody.errorText(request, response).compose(text -> Future.failedFuture(
          new BackendHttpError(response.statusCode(), text)));
    });
  }

  private static boolean isStream(HttpClientResponse response) {
    String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
    return response.statusCode() / 100 == 2 && type != null && type.startsWith("text/event-stream");
  }
}
