package io.github.ollamalmstudioproxy.sse;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import java.util.Objects;

/**
 * Turns raw {@code text/event-stream} bytes, fed as they arrive from the network, into events.
 *
 * <p>Bytes are buffered until a line terminator is seen and only whole lines are decoded, so a UTF-8 character or a
 * line split across two reads is never corrupted. Accepted: {@code LF}, {@code CR} and {@code CRLF} line ends (also a
 * {@code CRLF} split between reads), {@code data:} with or without the space, {@code :} comments, {@code event:},
 * multi-line data, and llama-server's non-standard {@code error: {...}} field, reported as an event of type
 * {@code "error"}. {@code id:} and {@code retry:} are ignored: nothing here reconnects.
 *
 * <p>Not thread-safe; one decoder per upstream response.
 */
public final class SseDecoder {
  /**
   * Longest accepted line. The Go Ollama client allows 8 MB per NDJSON line, and one SSE line becomes one such line,
   * so anything longer could not be delivered anyway; the bound also caps memory per stream.
   */
  public static final int MAX_LINE_BYTES = 8 * 1024 * 1024;

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final int INITIAL_DATA = 512;
  /** A data buffer grown past this by one large event is given up after it, so an idle stream stays small. */
  private static final int KEEP_DATA = 64 * 1024;
  private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};

  private final SseListener listener;
  private final int maxLineBytes;

  /** Bytes of a line whose end has not arrived yet. */
  private byte[] partial = new byte[256];
  private int partialLength;
  /** The previous feed ended with CR, so an LF at the start of the next one belongs to it. */
  private boolean skipLeadingLf;
  private boolean firstLine = true;

  private String eventType;
  /**
   * The data lines of the current event, joined with {@code '\n'}: kept as bytes in one buffer reused for every
   * event, so that a token costs no {@code String} here (the listener reads the bytes during its call).
   */
  private byte[] data = new byte[INITIAL_DATA];
  private int dataLength;
  private boolean hasData;

  public SseDecoder(SseListener listener) {
    this(listener, MAX_LINE_BYTES);
  }

  public SseDecoder(SseListener listener, int maxLineBytes) {
    this.listener = Objects.requireNonNull(listener, "listener");
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Feeds the next bytes of the stream; reports every event completed by them.
   *
   * @throws SseException when a line exceeds the length bound
   */
  public void feed(byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    int end = off + len;
    int i = off;
    if (skipLeadingLf && i < end) {
      skipLeadingLf = false;
      if (buf[i] == LF) {
        i++;
      }
    }
    int lineStart = i;
    for (; i < end; i++) {
      byte b = buf[i];
      if (b != LF && b != CR) {
        continue;
      }
      if (partialLength == 0) {
        checkLength(i - lineStart);
        line(buf, lineStart, i - lineStart);
      } else {
        append(buf, lineStart, i - lineStart);
        line(partial, 0, partialLength);
        partialLength = 0;
      }
      if (b == CR) {
        if (i + 1 < end) {
          if (buf[i + 1] == LF) {
            i++;
          }
        } else {
          skipLeadingLf = true;
        }
      }
      lineStart = i + 1;
    }
    if (lineStart < end) {
      append(buf, lineStart, end - lineStart);
    }
  }

  /**
   * Signals the end of the byte stream. A last line without a terminator is still taken, and an event that was not
   * followed by a blank line is still reported: servers that omit the final blank line are common, and a truncated
   * payload fails later as invalid JSON rather than vanishing silently.
   */
  public void end() {
    if (partialLength > 0) {
      line(partial, 0, partialLength);
      partialLength = 0;
    }
    dispatch();
  }

  private void append(byte[] buf, int off, int len) {
    checkLength(partialLength + len);
    if (partialLength + len > partial.length) {
      partial = Arrays.copyOf(partial, Math.min(maxLineBytes, Math.max(partialLength + len, partial.length * 2)));
    }
    System.arraycopy(buf, off, partial, partialLength, len);
    partialLength += len;
  }

  private void checkLength(int length) {
    if (length > maxLineBytes) {
      throw new SseException("upstream SSE line longer than " + maxLineBytes + " bytes");
    }
  }

  private void line(byte[] buf, int off, int len) {
    if (firstLine) {
      firstLine = false;
      // A UTF-8 byte order mark before the first field is allowed by the SSE specification.
      if (len >= 3 && buf[off] == (byte) 0xEF && buf[off + 1] == (byte) 0xBB && buf[off + 2] == (byte) 0xBF) {
        off += 3;
        len -= 3;
      }
    }
    if (len == 0) {
      dispatch();
      return;
    }
    if (buf[off] == ':') {
      return;
    }
    int colon = indexOf(buf, off, len, (byte) ':');
    int nameLen = colon < 0 ? len : colon - off;
    int valueStart = colon < 0 ? off + len : colon + 1;
    if (valueStart < off + len && buf[valueStart] == ' ') {
      valueStart++;
    }
    int valueLen = off + len - valueStart;
    if (is(buf, off, nameLen, "data")) {
      addData(buf, valueStart, valueLen);
    } else if (is(buf, off, nameLen, "event")) {
      eventType = new String(buf, valueStart, valueLen, UTF_8);
    } else if (is(buf, off, nameLen, "error")) {
      // llama-server writes mid-stream failures as "error: {json}" instead of "event: error".
      eventType = "error";
      addData(buf, valueStart, valueLen);
    }
  }

  private void addData(byte[] buf, int off, int len) {
    int at = dataLength;
    if (hasData) {
      if (dataLength + 1 + len > maxLineBytes) {
        // Data lines join into one event, and one event becomes one line for the client: the same bound holds, or a
        // backend that never ends its event would grow it without end.
        throw new SseException("upstream SSE event longer than " + maxLineBytes + " bytes");
      }
      at++;
    }
    if (at + len > data.length) {
      data = Arrays.copyOf(data, Math.min(maxLineBytes, Math.max(at + len, data.length * 2)));
    }
    if (hasData) {
      data[dataLength] = LF;
    }
    System.arraycopy(buf, off, data, at, len);
    dataLength = at + len;
    hasData = true;
  }

  private void dispatch() {
    String type = eventType;
    eventType = null;
    if (!hasData) {
      return;
    }
    hasData = false;
    int length = dataLength;
    dataLength = 0;
    // The end marker counts under any event name but "error" (some servers label every event "message").
    if (isDone(length) && !"error".equals(type)) {
      listener.onDone();
    } else {
      listener.onEvent(type == null || type.isEmpty() ? null : type, data, 0, length);
    }
    if (data.length > KEEP_DATA) {
      data = new byte[INITIAL_DATA];
    }
  }

  private boolean isDone(int length) {
    return length == DONE.length && Arrays.equals(data, 0, length, DONE, 0, length);
  }

  private static int indexOf(byte[] buf, int off, int len, byte target) {
    for (int i = off, end = off + len; i < end; i++) {
      if (buf[i] == target) {
        return i;
      }
    }
    return -1;
  }

  private static boolean is(byte[] buf, int off, int len, String ascii) {
    if (len != ascii.length()) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (buf[off + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
