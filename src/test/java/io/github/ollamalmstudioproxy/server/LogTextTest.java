package io.github.ollamalmstudioproxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {
  @Test
  void plainTextIsUnchanged() {
    assertThat(LogText.escape("qwen/qwen3-4b:latest")).isEqualTo("qwen/qwen3-4b:latest");
    assertThat(LogText.escape("modèle ✓")).isEqualTo("modèle ✓");
    assertThat(LogText.escape(null)).isEqualTo("null");
  }

  @Test
  void controlCharactersCannotForgeALineOrReachTheTerminal() {
    String forged = "m\n2026-01-01T00:00:00Z INFO  access abc GET /api/tags 200 1ms 0B";
    assertThat(LogText.escape(forged)).doesNotContain("\n").startsWith("m\\n2026");
    assertThat(LogText.escape("\u001b[31mred\u001b[0m")).isEqualTo("\\u001b[31mred\\u001b[0m");
    assertThat(LogText.escape("a\rb\tc\u0085d\u2028e\u007f")).isEqualTo("a\\rb\\tc\\u0085d\\u2028e\\u007f");
    // A backslash is doubled, so a literal "\n" in the text is told apart from an escaped newline.
    assertThat(LogText.escape("a\\nb")).isEqualTo("a\\\\nb");
  }

  @Test
  void longTextIsCutAndSaysHowLongItWas() {
    String escaped = LogText.escape("x".repeat(10_000));
    assertThat(escaped).hasSizeLessThan(LogText.MAX_CHARS + 30).endsWith("…(10000 chars)");
  }

  @Test
  void quotingEscapesQuotes() {
    assertThat(LogText.quote("a \"b\"")).isEqualTo("\"a \\\"b\\\"\"");
  }
}
