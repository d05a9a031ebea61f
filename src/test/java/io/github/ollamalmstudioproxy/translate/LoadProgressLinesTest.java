package io.github.ollamalmstudioproxy.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ollamalmstudioproxy.translate.StreamSettings.Shape;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The bytes of the load progress lines: Ollama's chat and generate piece shapes, the news in {@code thinking}. */
class LoadProgressLinesTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T05:00:00Z"), ZoneOffset.UTC);
  private static final String HEAD = "{\"model\":\"gemma:latest\",\"created_at\":\"2026-12-02T05:00:00Z\",";

  private static String text(byte[] line) {
    return new String(line, StandardCharsets.UTF_8);
  }

  @Test
  void chatLinesAreEmptyContentPiecesWithThinking() {
    LoadProgressLines lines = new LoadProgressLines(new StreamSettings(Shape.CHAT, "gemma:latest", false, true), CLOCK);

    assertThat(text(lines.started())).isEqualTo(HEAD + "\"message\":{\"role\":\"assistant\",\"content\":\"\","
        + "\"thinking\":\"Loading gemma:latest on the backend…\\n\"},\"done\":false}\n");
    assertThat(text(lines.waiting(Duration.ofMillis(5_040)))).isEqualTo(HEAD + "\"message\":{\"role\":\"assistant\","
        + "\"content\":\"\",\"thinking\":\"Still loading: 5.0 s\\n\"},\"done\":false}\n");
    assertThat(text(lines.loaded(Duration.ofMillis(12_345)))).isEqualTo(HEAD + "\"message\":{\"role\":\"assistant\","
        + "\"content\":\"\",\"thinking\":\"Loaded in 12.3 s.\\n\\n\"},\"done\":false}\n");
  }

  @Test
  void generateLinesCarryResponseAndThinkingAtTheTopLevel() {
    LoadProgressLines lines = new LoadProgressLines(new StreamSettings(Shape.GENERATE, "gemma:latest", false, true),
        CLOCK);

    assertThat(text(lines.waiting(Duration.ofSeconds(10)))).isEqualTo(HEAD
        + "\"response\":\"\",\"thinking\":\"Still loading: 10.0 s\\n\",\"done\":false}\n");
  }

  @Test
  void afterThinkFalseTheLinesCarryNoText() {
    LoadProgressLines lines = new LoadProgressLines(new StreamSettings(Shape.CHAT, "gemma:latest", true, true), CLOCK);

    assertThat(text(lines.started())).isEqualTo(HEAD
        + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":false}\n");
  }
}
