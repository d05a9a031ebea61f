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
   * A body held whole, in one or more parts (slices of the client's body around a rewritten field, so that the rest
   * is never copied), sent as one buffer with its length in the same write as the head: always replayable.
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
    Buffer body = Buffers.join(parts);
    return new Upload() {
      @Override
      public Future<HttpClientResponse> sendThrough(HttpClientRequest request) {
        request.headers().remove(HttpHeaders.TRANSFER_ENCODING);
        request.putHeader(HttpHeaders.CONTENT_LENGTH, declared);
        // One buffer, so the head and the whole body leave in one write: written part by part, each part was its
        // own TCP segment (TCP_NODELAY), and a Node.js backend (LM Studio's server) read the body in two or three
        // reads, each a wake-up of its event loop before it could answer (BENCHMARKS.md, issue 16).
        return request.send(body);
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
