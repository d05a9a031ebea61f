package io.github.ollamalmstudioproxy.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CreatedAtTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "2025-10-17T23:14:07.414671000Z, 2025-10-17T23:14:07.414671Z",
      "2025-10-17T23:14:07.414671123Z, 2025-10-17T23:14:07.414671123Z",
      "2025-10-17T23:14:07.100Z, 2025-10-17T23:14:07.1Z",
      "2025-10-17T23:14:07.000000001Z, 2025-10-17T23:14:07.000000001Z",
      "2026-01-02T03:04:05Z, 2026-01-02T03:04:05Z",
      "1970-01-01T00:00:00Z, 1970-01-01T00:00:00Z"})
  void formatsLikeGoRfc3339Nano(String instant, String expected) {
    CreatedAt f = new CreatedAt();
    f.format(Instant.parse("2020-01-01T00:00:00Z")); // a different cached second must not leak into the next call
    Instant t = Instant.parse(instant);
    String text = new String(f.chars, 0, f.format(t));
    assertThat(text).isEqualTo(expected);
    assertThat(Instant.parse(text)).isEqualTo(t);
  }
}
