package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.buffer.Buffer;

/**
 * Counts the events completed in raw {@code text/event-stream} bytes, without decoding them: an event is complete at
 * the blank line that ends a block holding at least one field line ({@code data:}, {@code event:}, ...). Comment lines
 * ({@code : keep-alive}) and extra blank lines complete nothing. {@code LF}, {@code CR} and {@code CRLF} line ends are
 * accepted, also split across chunks.
 *
 * <p>The passthrough forwards SSE bodies untouched and uses this only as its measure of progress for
 * {@code --idle-timeout}: one pass over bytes that are already in memory, no copy, no decoding. Not thread-safe.
 */
public final class SseEventCounter {
  private boolean lineEmpty = true;
  private boolean lineIsComment;
  private boolean blockHasField;
  private boolean afterCr;
  private long events;

  /** Feeds the next chunk; returns how many events it completed. */
  public int feed(Buffer chunk) {
    int completed = 0;
    for (int i = 0, n = chunk.length(); i < n; i++) {
      byte b = chunk.getByte(i);
      if (afterCr) {
        afterCr = false;
        if (b == '\n') {
          continue;
        }
      }
      if (b == '\n' || b == '\r') {
        afterCr = b == '\r';
        if (endLine()) {
          completed++;
        }
      } else if (lineEmpty) {
        lineEmpty = false;
        lineIsComment = b == ':';
      }
    }
    events += completed;
    return completed;
  }

  /** Events completed so far. */
  public long events() {
    return events;
  }

  private boolean endLine() {
    boolean completed = false;
    if (lineEmpty) {
      completed = blockHasField;
      blockHasField = false;
    } else if (!lineIsComment) {
      blockHasField = true;
    }
    lineEmpty = true;
    return completed;
  }
}
