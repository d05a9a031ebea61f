package io.github.ollamalmstudioproxy.backend;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;

/**
 * The one way the proxy reads a backend body into memory (JSON answers, model lists, error bodies): never past a
 * bound. Past it the backend request is reset at once, so neither the bytes nor the time to read the rest is spent.
 *
 * <ul>
 *   <li>{@link #read}: an answer the caller needs whole; past its {@link Limit} the read fails with
 *       {@link BackendAnswerTooLarge}, which the caller answers as a 502 naming the limit.
 *   <li>{@link #errorText}: an error body; only its first {@link #MAX_ERROR_BODY} bytes carry the message, so the
 *       rest is never read (an HTML error page of any size costs 64 KiB).
 * </ul>
 */
public final class BoundedBody {
  /** Error bodies are short; an HTML error page from an intermediary is cut here. */
  public static final int MAX_ERROR_BODY = 64 * 1024;

  /**
   * How large a body may be, and the words for one that is larger.
   *
   * @param what the body, as the message names it: "model list (GET /api/v1/models)"
   * @param advice what a user can do about it, or null
   */
  public record Limit(long bytes, String what, String advice) {
    public Limit {
      requireNonNull(what, "what");
      if (bytes < 1) {
        throw new IllegalArgumentException("a limit must be positive: " + bytes);
      }
    }
  }

  /** Where the bytes of an answer go as they arrive; a throw from either method fails the read and resets it. */
  public interface Sink<T> {
    void chunk(Buffer chunk);

    /** The body ended: the result. */
    T end();
  }

  private BoundedBody() {}

  /** A sink that keeps the bytes as they are. */
  public static Sink<Buffer> collecting() {
    Buffer collected = Buffer.buffer();
    return new Sink<>() {
      @Override
      public void chunk(Buffer chunk) {
        collected.appendBuffer(chunk);
      }

      @Override
      public Buffer end() {
        return collected;
      }
    };
  }

  /**
   * Feeds the body of {@code response} to {@code sink}, failing with {@link BackendAnswerTooLarge} as soon as the
   * declared length or the bytes seen pass the limit. Every failure but a broken connection resets the request.
   */
  public static <T> Future<T> read(HttpClientRequest request, HttpClientResponse response, Limit limit,
      Sink<T> sink) {
    if (declaredLength(response) > limit.bytes()) {
      request.reset();
      return Future.failedFuture(new BackendAnswerTooLarge(limit));
    }
    Promise<T> promise = Promise.promise();
    long[] seen = {0};
    response.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      seen[0] += chunk.length();
      if (seen[0] > limit.bytes()) {
        abandon(request, promise, new BackendAnswerTooLarge(limit));
        return;
      }
      try {
        sink.chunk(chunk);
      } catch (RuntimeException e) {
        abandon(request, promise, e);
      }
    });
    response.endHandler(v -> {
      if (promise.future().isComplete()) {
        return;
      }
      try {
        promise.tryComplete(sink.end());
      } catch (RuntimeException e) {
        promise.tryFail(e);
      }
    });
    response.exceptionHandler(promise::tryFail);
    return promise.future();
  }

  /** {@link #read} into a buffer. */
  public static Future<Buffer> collect(HttpClientRequest request, HttpClientResponse response, Limit limit) {
    return read(request, response, limit, collecting());
  }

  /**
   * The first {@link #MAX_ERROR_BODY} bytes of an error body as text; the request is reset as soon as a byte past
   * them arrives. A body that breaks off gives what arrived.
   */
  public static Future<String> errorText(HttpClientRequest request, HttpClientResponse response) {
    Promise<String> promise = Promise.promise();
    Buffer collected = Buffer.buffer();
    response.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      int room = MAX_ERROR_BODY - collected.length();
      collected.appendBuffer(chunk, 0, Math.min(chunk.length(), room));
      if (chunk.length() > room) {
        promise.tryComplete(collected.toString());
        request.reset();
      }
    });
    response.endHandler(v -> promise.tryComplete(collected.toString()));
    response.exceptionHandler(e -> promise.tryComplete(collected.toString()));
    return promise.future();
  }

  /** {@code 64 MiB}, {@code 8 KiB}, or a number of bytes: how a limit reads in a message. */
  public static String size(long bytes) {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + " MiB";
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
      return bytes / 1024 + " KiB";
    }
    return bytes + " bytes";
  }

  private static <T> void abandon(HttpClientRequest request, Promise<T> promise, Throwable cause) {
    promise.tryFail(cause);
    request.reset();
  }

  private static long declaredLength(HttpClientResponse response) {
    String declared = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared == null) {
      return -1;
    }
    try {
      return Long.parseLong(declared.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
