package io.github.ollamalmstudioproxy.backend;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;

/**
 * A request body on its way to the backend: the client's own stream ({@link UploadPump}), or a body the proxy holds
 * whole ({@link #of}), e.g. one whose {@code model} it rewrote.
 */
public interface Upload {
  /** Sends the request with this body; the future is the backend's answer head. */
  Future<HttpClientResponse> sendThrough(HttpClientRequest request);

  /** Whether the request may be sent again on a fresh connection (every byte of the body can be sent again). */
  boolean replayable();

  /** The request this body went to failed: stop feeding it. */
  void detach();

  /**
   * A body held whole, in one or more parts sent one after the other (slices of the client's body around a rewritten
   * field, so that the rest is never copied): always replayable, sent with its length.
   */
  static Upload of(Buffer... parts) {
    requireNonNull(parts, "parts");
    if (parts.length == 0) {
      throw new IllegalArgumentException("a body has at least one part");
    }
    long length = 0;
    for (Buffer part : parts) {
      length += requireNonNull(part, "part").length();
    }
    String declared = Long.toString(length);
    return new Upload() {
      @Override
      public Future<HttpClientResponse> sendThrough(HttpClientRequest request) {
        request.headers().remove(HttpHeaders.TRANSFER_ENCODING);
        request.putHeader(HttpHeaders.CONTENT_LENGTH, declared);
        if (parts.length == 1) {
          return request.send(parts[0]);
        }
        for (int i = 0; i < parts.length - 1; i++) {
          request.write(parts[i]);
        }
        request.end(parts[parts.length - 1]);
        return request.response();
      }

      @Override
      public boolean replayable() {
        return true;
      }

      @Override
      public void detach() {}
    };
  }
}
