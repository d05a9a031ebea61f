package io.github.ollamalmstudioproxy.bench.sidebyside;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a streamed body into lines and pulls out what the benchmark checks: the {@code "content"} string of each
 * chunk (SSE {@code data:} lines or NDJSON objects) and the end marker ({@code [DONE]} or {@code "done":true}).
 *
 * <p>A byte scan rather than a JSON parser keeps the load client cheap; the simulator's tokens contain no escapes
 * beyond the ones handled here.
 */
final class ChunkScanner {
  private static final byte[] CONTENT = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE_SSE = "data: [DONE]".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE_NDJSON = "\"done\":true".getBytes(StandardCharsets.US_ASCII);

  /** Receives the content of each line that carried some. */
  interface Listener {
    void onContent(String content, long arrivalNanos);
  }

  private final boolean sse;
  private final Listener listener;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream(256);
  private boolean done;

  ChunkScanner(boolean sse, Listener listener) {
    this.sse = sse;
    this.listener = listener;
  }

  boolean done() {
    return done;
  }

  void feed(byte[] bytes, long arrivalNanos) {
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        if (partial.size() > 0) {
          partial.write(bytes, start, i - start);
          byte[] line = partial.toByteArray();
          partial.reset();
          line(line, 0, line.length, arrivalNanos);
        } else {
          line(bytes, start, i, arrivalNanos);
        }
        start = i + 1;
      }
    }
    if (start < bytes.length) {
      partial.write(bytes, start, bytes.length - start);
    }
  }

  private void line(byte[] b, int from, int to, long arrivalNanos) {
    if (to - from < 2) {
      return;
    }
    if (sse && startsWith(b, from, to, DONE_SSE)) {
      done = true;
      return;
    }
    if (!sse && indexOf(b, from, to, DONE_NDJSON) >= 0) {
      done = true;
    }
    int at = indexOf(b, from, to, CONTENT);
    if (at < 0) {
      return;
    }
    String content = readString(b, at + CONTENT.length, to);
    if (!content.isEmpty()) {
      listener.onContent(content, arrivalNanos);
    }
  }

  private static String readString(byte[] b, int from, int to) {
    StringBuilder out = new StringBuilder();
    int i = from;
    int runStart = i;
    while (i < to && b[i] != '"') {
      if (b[i] == '\\' && i + 1 < to) {
        out.append(new String(b, runStart, i - runStart, StandardCharsets.UTF_8));
        char c = (char) b[i + 1];
        if (c == 'u' && i + 5 < to) {
          out.append((char) Integer.parseInt(new String(b, i + 2, 4, StandardCharsets.US_ASCII), 16));
          i += 6;
        } else {
          out.append(switch (c) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            default -> c;
          });
          i += 2;
        }
        runStart = i;
      } else {
        i++;
      }
    }
    out.append(new String(b, runStart, i - runStart, StandardCharsets.UTF_8));
    return out.toString();
  }

  private static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
    if (to - from < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, int from, int to, byte[] needle) {
    outer:
    for (int i = from; i <= to - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
