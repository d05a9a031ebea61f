package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * A plain JSON request and its whole answer, for calls that do not stream (embeddings, model loads). Cancellation
 * resets the request; a non-2xx answer, or a 2xx carrying a top-level {@code error}, fails as {@link BackendHttpError}.
 */
public final class JsonPost {
  /** How far into a body to look for its first key and value. */
  private static final int HEAD_BYTES = 256;
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final byte[] ERROR_KEY = "\"error\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

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
