package io.github.ollamalmstudioproxy.translate.openai;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A passed-through chat-completions event stream with reasoning in Ollama's field (see {@link OllamaReasoning}):
 * every byte of every event is forwarded as the backend sent it, except the data line of an event that carries
 * {@code reasoning_content}, which is rewritten. Bytes are forwarded event by event: an event's tail is held until
 * the blank line that ends it arrives, which costs a client nothing, since no client can use half an event.
 *
 * <p>Not thread-safe; one instance per response.
 */
public final class SseReasoningRewriter {
  private final ByteArrayOutputStream held = new ByteArrayOutputStream(256);

  /** The bytes to forward now, possibly none. */
  public byte[] feed(byte[] buf, int off, int len) {
    byte[] data;
    int from;
    int to;
    if (held.size() == 0) {
      data = buf;
      from = off;
      to = off + len;
    } else {
      held.write(buf, off, len);
      data = held.toByteArray();
      from = 0;
      to = data.length;
      held.reset();
    }
    int end = lastEventEnd(data, from, to);
    if (end < to) {
      held.write(data, end, to - end);
    }
    if (end == from) {
      return new byte[0];
    }
    if (!OllamaReasoning.mentionsReasoningContent(data, from, end)) {
      return Arrays.copyOfRange(data, from, end);
    }
    return rewrite(data, from, end);
  }

  /** The body ended: whatever is held, unchanged (an unterminated event is not rewritten). */
  public byte[] end() {
    byte[] rest = held.toByteArray();
    held.reset();
    return rest;
  }

  /** Each complete event of {@code data[from, end)}, its data line rewritten when it carries reasoning_content. */
  private static byte[] rewrite(byte[] data, int from, int end) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(end - from + 64);
    int lineStart = from;
    while (lineStart < end) {
      int lineEnd = lineStart;
      while (lineEnd < end && data[lineEnd] != '\n' && data[lineEnd] != '\r') {
        lineEnd++;
      }
      int next = lineEnd;
      if (next < end && data[next] == '\r') {
        next++;
      }
      if (next < end && data[next] == '\n' && (next == lineEnd || data[lineEnd] == '\r')) {
        next++;
      }
      writeLine(out, data, lineStart, lineEnd);
      out.write(data, lineEnd, next - lineEnd);
      lineStart = next;
    }
    return out.toByteArray();
  }

  private static void writeLine(ByteArrayOutputStream out, byte[] data, int start, int end) {
    int payload = start + 5;
    if (end - start < 5 || !startsWith(data, start, "data:")) {
      out.write(data, start, end - start);
      return;
    }
    if (payload < end && data[payload] == ' ') {
      payload++;
    }
    byte[] json = Arrays.copyOfRange(data, payload, end);
    byte[] rewritten = OllamaReasoning.withOllamaField(json);
    out.write(data, start, payload - start);
    out.write(rewritten, 0, rewritten.length);
  }

  /** Offset just past the last blank line (the end of the last complete event) in {@code data[from, to)}. */
  private static int lastEventEnd(byte[] data, int from, int to) {
    for (int i = to - 1; i > from; i--) {
      if (data[i] == '\n' && (data[i - 1] == '\n' || (data[i - 1] == '\r' && i - 2 >= from && data[i - 2] == '\n'))) {
        return i + 1;
      }
      if (data[i] == '\r' && data[i - 1] == '\r') {
        return i + 1;
      }
    }
    return from;
  }

  private static boolean startsWith(byte[] data, int at, String prefix) {
    for (int k = 0; k < prefix.length(); k++) {
      if (data[at + k] != prefix.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
