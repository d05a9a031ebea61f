package io.github.ollamalmstudioproxy.backend;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves a client's request body into a backend request as it arrives (the passthrough's upload; {@link BodyPump} is
 * the way back), written by hand rather than with a Vert.x pipe, because a pipe gets three things wrong for a proxy:
 *
 * <ul>
 *   <li>Limit: the body is counted against {@code --max-body-size}, also when it comes without a length (chunked);
 *       past it the backend request is reset and the result fails with {@link TooLarge}.
 *   <li>Truncation: when the client's stream breaks off, the backend request is reset. A pipe ends it, which makes a
 *       truncated chunked body a complete request for the backend.
 *   <li>Replay: a pooled keep-alive connection that the backend closed as it was reused fails the request before any
 *       answer (llama-server closes after every stream although it announced keep-alive). The bytes consumed so far
 *       are held, up to {@code replayBytes}, until the backend answers, so the request can be {@link #sendThrough sent}
 *       again on a fresh connection; a pipe would go on writing into the failed request ("Request already complete").
 * </ul>
 *
 * <p>Back-pressure: while the backend request's write queue is full the client's stream is paused. Runs on the
 * request's event loop, so no locking is needed.
 */
public final class UploadPump implements Upload {
  /** The body went past the limit; the backend request has been reset. */
  public static final class TooLarge extends RuntimeException {
    TooLarge(long limit) {
      super("request body over " + limit + " bytes", null, false, false);
    }
  }

  private final ReadStream<Buffer> source;
  private final long limit;
  private final long replayBytes;
  /** What was consumed so far, while it still fits {@code replayBytes} and nobody answered; null once given up. */
  private List<Buffer> held = new ArrayList<>(2);
  private long heldBytes;
  private long consumed;
  private boolean sourceEnded;
  private HttpClientRequest current;
  private Promise<HttpClientResponse> result;

  /**
   * @param source the client's body, paused
   * @param limit the most bytes the body may have
   * @param replayBytes how many consumed bytes are held for a replay
   */
  public UploadPump(ReadStream<Buffer> source, long limit, long replayBytes) {
    this.source = requireNonNull(source, "source");
    this.limit = limit;
    this.replayBytes = replayBytes;
  }

  /**
   * Sends the body through {@code request} (its headers set, nothing written yet): first whatever an earlier attempt
   * consumed, then the rest as it arrives. Completes with the backend's answer; fails with {@link TooLarge}, with
   * {@link ClientGoneException} when the client's stream broke off, or with the backend request's failure.
   */
  @Override
  public Future<HttpClientResponse> sendThrough(HttpClientRequest request) {
    detach();
    HttpClientRequest upstream = requireNonNull(request, "request");
    Promise<HttpClientResponse> promise = Promise.promise();
    current = upstream;
    result = promise;
    if (!upstream.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      upstream.setChunked(true);
    }
    // The failure arrives through the response future; without a handler Vert.x logs every reset at ERROR.
    upstream.exceptionHandler(e -> { });
    upstream.response().onComplete(answer -> {
      if (answer.succeeded()) {
        // Answered: nothing will be replayed any more.
        held = null;
        promise.tryComplete(answer.result());
      } else {
        promise.tryFail(answer.cause());
      }
    });
    if (held != null) {
      for (Buffer chunk : held) {
        upstream.write(chunk);
      }
    }
    if (sourceEnded) {
      upstream.end();
      return promise.future();
    }
    source.handler(chunk -> onChunk(upstream, chunk));
    source.endHandler(v -> {
      if (current == upstream) {
        sourceEnded = true;
        upstream.end();
      }
    });
    source.exceptionHandler(e -> {
      if (current == upstream) {
        detach();
        promise.tryFail(new ClientGoneException());
        upstream.reset();
      }
    });
    source.resume();
    return promise.future();
  }

  /**
   * True when the body can be sent again: every byte consumed from the client so far is still held, and the backend
   * has not answered.
   */
  @Override
  public boolean replayable() {
    return held != null;
  }

  /** Stops feeding the current backend request and pauses the client's stream (before a replay, or to give up). */
  @Override
  public void detach() {
    source.pause();
    current = null;
  }

  private void onChunk(HttpClientRequest upstream, Buffer chunk) {
    if (current != upstream) {
      return;
    }
    consumed += chunk.length();
    if (consumed > limit) {
      detach();
      held = null;
      // Failed first: the reset fails the backend's answer too, and the limit is the reason to report.
      result.tryFail(new TooLarge(limit));
      upstream.reset();
      return;
    }
    if (held != null) {
      if (heldBytes + chunk.length() <= replayBytes) {
        held.add(chunk.copy());
        heldBytes += chunk.length();
      } else {
        held = null;
      }
    }
    if (result.future().isComplete() && result.future().failed()) {
      // The backend request failed already; the failure's owner decides whether this body is sent again.
      source.pause();
      return;
    }
    upstream.write(chunk);
    if (upstream.writeQueueFull()) {
      source.pause();
      upstream.drainHandler(v -> {
        if (current == upstream) {
          source.resume();
        }
      });
    }
  }
}
