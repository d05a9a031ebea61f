package io.github.ollamalmstudioproxy.translate;

/**
 * Separates reasoning written inline as {@code <think>…</think>} from the answer, across chunk boundaries.
 *
 * <p>Follows Ollama's generic thinking parser: the opening tag counts only at the start of the output (after
 * whitespace), so an answer that merely mentions the tag is left alone; whitespace right after either tag is dropped.
 * A tag split across chunks ({@code "<thi"}, {@code "nk>"}) is held back until it can be decided.
 *
 * <pre>
 *   LOOKING --"&lt;think&gt;"--> THINKING --"&lt;/think&gt;"--> AFTER_CLOSE --non-space--> DONE
 *      \------------------------- anything else ----------------------------------/
 * </pre>
 */
final class ThinkTagSplitter {
  private static final String OPEN = "<think>";
  private static final String CLOSE = "</think>";

  private enum State { LOOKING, THINKING, AFTER_CLOSE, DONE }

  private State state = State.LOOKING;
  private final StringBuilder pending = new StringBuilder();
  private boolean trimLeading;
  /** What the current call has decided so far; scratch space, returned as a {@link Piece}. */
  private String content;
  private String thinking;

  /** The next piece of output text; returns what can be passed on now. */
  Piece accept(String text) {
    if (state == State.DONE) {
      return Piece.of(text, null);
    }
    content = null;
    thinking = null;
    pending.append(text);
    process();
    return Piece.of(content, thinking);
  }

  /** End of output: releases whatever was held back. */
  Piece flush() {
    String c = null;
    String t = null;
    if (pending.length() > 0) {
      if (state == State.LOOKING) {
        c = pending.toString();
      } else if (state == State.THINKING) {
        t = pending.toString();
      }
      pending.setLength(0);
    }
    state = State.DONE;
    return Piece.of(c, t);
  }

  private void process() {
    while (true) {
      switch (state) {
        case LOOKING: {
          int start = skipSpace(0);
          if (start == pending.length()) {
            return;
          }
          int rest = pending.length() - start;
          if (rest >= OPEN.length() && pending.indexOf(OPEN, start) == start) {
            pending.delete(0, start + OPEN.length());
            state = State.THINKING;
            trimLeading = true;
            continue;
          }
          if (rest < OPEN.length() && OPEN.startsWith(pending.substring(start))) {
            return;
          }
          state = State.DONE;
          emitContent(pending.toString());
          pending.setLength(0);
          return;
        }
        case THINKING: {
          if (trimLeading) {
            pending.delete(0, skipSpace(0));
            if (pending.length() == 0) {
              return;
            }
            trimLeading = false;
          }
          int close = pending.indexOf(CLOSE);
          if (close >= 0) {
            emitThinking(pending.substring(0, close));
            pending.delete(0, close + CLOSE.length());
            state = State.AFTER_CLOSE;
            continue;
          }
          int keep = partialTagAtEnd();
          emitThinking(pending.substring(0, pending.length() - keep));
          pending.delete(0, pending.length() - keep);
          return;
        }
        case AFTER_CLOSE: {
          pending.delete(0, skipSpace(0));
          if (pending.length() == 0) {
            return;
          }
          state = State.DONE;
          emitContent(pending.toString());
          pending.setLength(0);
          return;
        }
        default:
          return;
      }
    }
  }

  /** Length of the longest suffix of {@code pending} that could be the start of {@code </think>}. */
  private int partialTagAtEnd() {
    for (int n = Math.min(CLOSE.length() - 1, pending.length()); n > 0; n--) {
      boolean match = true;
      for (int i = 0; i < n && match; i++) {
        match = pending.charAt(pending.length() - n + i) == CLOSE.charAt(i);
      }
      if (match) {
        return n;
      }
    }
    return 0;
  }

  private int skipSpace(int from) {
    int i = from;
    while (i < pending.length() && Character.isWhitespace(pending.charAt(i))) {
      i++;
    }
    return i;
  }

  private void emitContent(String s) {
    if (!s.isEmpty()) {
      content = content == null ? s : content + s;
    }
  }

  private void emitThinking(String s) {
    if (!s.isEmpty()) {
      thinking = thinking == null ? s : thinking + s;
    }
  }
}
