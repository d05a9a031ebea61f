package io.github.ollamalmstudioproxy.catalog;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Timestamps for {@code modified_at} and {@code expires_at}: UTC, always six fractional digits, numeric offset.
 *
 * <p>Exactly six digits and {@code +00:00} (not {@code Z}) is the one RFC 3339 form that every client parser
 * takes, including Python's {@code datetime.fromisoformat} before 3.11 (Open WebUI parses {@code expires_at} with
 * it), Go's {@code time.RFC3339Nano}, JavaScript's {@code Date} and Java's {@code OffsetDateTime}.
 */
final class Rfc3339 {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

  /**
   * What Ollama sends for a model kept loaded "forever" (negative keep_alive: now + 2^63 ns, about year 2318).
   * A fixed value, so that an unchanged {@code /api/ps} answer stays byte-identical.
   */
  static final Instant FOREVER = Instant.parse("2318-01-01T00:00:00Z");

  private Rfc3339() {}

  static String format(Instant instant) {
    return FORMAT.format(instant);
  }
}
