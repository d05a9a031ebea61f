package io.github.ollamalmstudioproxy.backend;

import io.github.ollamalmstudioproxy.backend.BoundedBody.Limit;
import io.github.ollamalmstudioproxy.backend.BoundedBody.Sink;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A plain JSON request and its answer, for calls that do not stream (embeddings, model loads). Cancellation resets
 * the request; a non-2xx answer, or a 2xx carrying a top-level {@code error}, fails as {@link BackendHttpError}. Every
 * answer is read through {@link BoundedBody}: an error body up to {@link BoundedBody#MAX_ERROR_BODY}, a 2xx answer up
 * to the caller's limit.
 */
public final class JsonPost {
  /** Model loads and unloads answer a few hundred bytes; a mebibyte leaves room for any echo of the load config. */
  public static final long MAX_SMALL_ANSWER = 1024 * 1024;
  /** How far into a body to look for its first key and value. */
  private static final int HEAD_BYTES = 256;
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final byte[] ERROR_KEY = "\"error\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  private final BackendClient backend;

  public JsonPost(BackendClient backend) {
    this.backend = backend;
  }

  /** POSTs and reads a small answer whole (at most {@link #MAX_SMALL_ANSWER}). */
  public Future<Buffer> send(String path, Buffer body, CancelSignal cancel) {
    return send(path, body, cancel, new Limit(MAX_SMALL_ANSWER, "answer to POST " + path, null),
        BoundedBody::collecting);
  }

  /**
   * POSTs and feeds a 2xx answer, as it arrives, to a sink made for this attempt (a replay gets a fresh one), so the
   * answer is held whole only if the sink holds it. Past {@code limit} the read fails with
   * {@link BackendAnswerTooLarge}.
   */
  public <T> Future<T> send(String path, Buffer body, CancelSignal cancel, Limit limit, Supplier<Sink<T>> sinks) {
    return backend.postJson(path, body, "application/json", cancel, (request, response, sent) -> {
      int status = response.statusCode();
      if (status / 100 != 2) {
        return BoundedBody.errorText(request, response).compose(text -> Future.failedFuture(
            new BackendHttpError(status, text)));
      }
      return BoundedBody.read(request, response, limit, new ErrorFirst<>(status, sinks.get()));
    });
  }

  /**
   * Holds back the first {@link #HEAD_BYTES} of a 2xx answer until they show whether it is an error (see
   * {@link #hasTopLevelError}); an error is then read as an error body, anything else goes on to the sink.
   */
  private static final class ErrorFirst<T> implements Sink<T> {
    private final int status;
    private final Sink<T> sink;
    private Buffer head = Buffer.buffer();
    private boolean error;

    ErrorFirst(int status, Sink<T> sink) {
      this.status = status;
      this.sink = sink;
    }

    @Override
    public void chunk(Buffer chunk) {
      if (head == null) {
        sink.chunk(chunk);
      } else if (!error) {
        head.appendBuffer(chunk);
        if (head.length() >= HEAD_BYTES) {
          decide();
        }
      } else {
        head.appendBuffer(chunk);
      }
      if (error && head.length() > BoundedBody.MAX_ERROR_BODY) {
        // Only the first bytes of an error carry its message: the rest is not read.
        throw new BackendHttpError(status, head.getString(0, BoundedBody.MAX_ERROR_BODY));
      }
    }

    @Override
    public T end() {
      if (head != null && !error) {
        decide();
      }
      if (error) {
        throw new BackendHttpError(status, head.toString());
      }
      return sink.end();
    }

    /** The head is complete: an error stays here; otherwise the bytes held so far go to the sink. */
    private void decide() {
      error = hasTopLevelError(head);
      if (!error) {
        Buffer held = head;
        head = null;
        sink.chunk(held);
      }
    }
  }

  /**
   * LM Studio answers some failures, and every unknown route, with HTTP 200 and {@code {"error":...}}: a body whose
   * first key is {@code error} with a value other than {@code null} is an error whatever the status. Successful
   * bodies never start that way, so the check reads only the first bytes instead of parsing the body; a body that
   * does not decide within them is not taken for an error.
   */
  static boolean hasTopLevelError(Buffer body) {
    int end = Math.min(body.length(), HEAD_BYTES);
    int i = skip(body, BOM.length <= end && startsWith(body, 0, BOM) ? BOM.length : 0, end);
    if (i >= end || body.getByte(i) != '{') {
      return false;
    }
    i = skip(body, i + 1, end);
    if (!startsWith(body, i, ERROR_KEY) || i + ERROR_KEY.length > end) {
      return false;
    }
    i = skip(body, i + ERROR_KEY.length, end);
    if (i >= end || body.getByte(i) != ':') {
      return false;
    }
    i = skip(body, i + 1, end);
    return i < end && !startsWith(body, i, NULL);
  }

  private static int skip(Buffer body, int from, int end) {
    int i = from;
    while (i < end && (body.getByte(i) == ' ' || body.getByte(i) == '\n' || body.getByte(i) == '\r'
        || body.getByte(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean startsWith(Buffer body, int at, byte[] prefix) {
    if (at + prefix.length > body.length()) {
      return false;
    }
    for (int k = 0; k < prefix.length; k++) {
      if (body.getByte(at + k) != prefix[k]) {
        return false;
      }
    }
    return true;
  }
}
