package io.github.ollamalmstudioproxy.translate;

/**
 * A piece of model output to pass on: content and thinking, each null when there is none. Public for the
 * translators of the other client APIs ({@code translate/anthropic}, {@code translate/responses}).
 */
public record Piece(String content, String thinking) {
  static final Piece NONE = new Piece(null, null);

  static Piece of(String content, String thinking) {
    String c = isEmpty(content) ? null : content;
    String t = isEmpty(thinking) ? null : thinking;
    return c == null && t == null ? NONE : new Piece(c, t);
  }

  public boolean isEmpty() {
    return content == null && thinking == null;
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }
}
