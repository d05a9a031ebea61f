package io.github.ollamalmstudioproxy.server;

/**
 * Client text made safe for a log line: model names, paths, origins and Host headers are the client's to choose, and
 * a newline in one would forge a log line, an ANSI escape would reach the operator's terminal. Control characters
 * (C0, DEL, C1, and the Unicode line and paragraph separators) are written as escapes, a backslash is doubled so
 * that an escape cannot be faked, and very long text is cut.
 */
final class LogText {
  /** Longer client text is cut: a model name or a path has no business being longer, and logs must stay small. */
  static final int MAX_CHARS = 256;

  private LogText() {}

  /** {@code text} escaped and cut; {@code "null"} for null. */
  static String escape(String text) {
    return escape(text, MAX_CHARS);
  }

  /** {@code text} escaped and cut after {@code maxChars} (a request body logged on purpose is not cut). */
  static String escape(String text, int maxChars) {
    if (text == null) {
      return "null";
    }
    int length = Math.min(text.length(), maxChars);
    int i = 0;
    while (i < length && isPlain(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder out = new StringBuilder(length + 16).append(text, 0, i);
    for (; i < length; i++) {
      char c = text.charAt(i);
      if (isPlain(c)) {
        out.append(c);
      } else if (c == '\\') {
        out.append("\\\\");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    if (text.length() > maxChars) {
      out.append("…(").append(text.length()).append(" chars)");
    }
    return out.toString();
  }

  /** {@code text} escaped and in double quotes, for text that may be empty or contain spaces. */
  static String quote(String text) {
    return text == null ? "null" : "\"" + escape(text).replace("\"", "\\\"") + "\"";
  }

  private static boolean isPlain(char c) {
    return c >= 0x20 && c != 0x7f && c != '\\' && !(c >= 0x80 && c <= 0x9f) && c != '\u2028' && c != '\u2029';
  }
}
