package io.github.ollamalmstudioproxy.translate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Ollama's {@code keep_alive}: how long the model stays loaded after the request.
 *
 * @param duration the requested time; negative means "keep loaded indefinitely", zero means "unload now"
 */
public record KeepAlive(Duration duration) {
  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
  private static final Duration FOREVER = Duration.ofNanos(-1);

  public KeepAlive {
    Objects.requireNonNull(duration, "duration");
  }

  /**
   * Reads the JSON value as Ollama does: a number is seconds (fractions allowed), a string is a Go duration such as
   * {@code "5m"}, {@code "1h30m"} or {@code "300ms"}; a bare number inside a string is rejected (missing unit).
   *
   * @return null when the field is absent or null
   */
  static KeepAlive parse(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isNumber()) {
      BigDecimal seconds = value.decimalValue();
      if (seconds.signum() < 0) {
        return new KeepAlive(FOREVER);
      }
      return new KeepAlive(Duration.ofNanos(clampToLong(seconds.multiply(NANOS_PER_SECOND))));
    }
    if (value.isTextual()) {
      String text = value.textValue();
      // Go rejects "-1", but "-1" is the documented spelling of "forever" for OLLAMA_KEEP_ALIVE and is widely copied
      // into request bodies; accepting it costs nothing and cannot be misread.
      if (text.matches("-[0-9]+")) {
        return new KeepAlive(FOREVER);
      }
      long nanos;
      try {
        nanos = GoDuration.parseNanos(text);
      } catch (IllegalArgumentException e) {
        throw OllamaError.badRequest("invalid keep_alive: " + e.getMessage());
      }
      return new KeepAlive(nanos < 0 ? FOREVER : Duration.ofNanos(nanos));
    }
    throw Fields.badType("keep_alive", "a duration string or a number of seconds", value);
  }

  public boolean isForever() {
    return duration.isNegative();
  }

  /** Zero: the model should be unloaded right after this request (or at once for a load/unload request). */
  public boolean isUnload() {
    return duration.isZero();
  }

  /** The LM Studio {@code ttl}: whole seconds, rounded up; empty unless the duration is positive. */
  public OptionalLong ttlSeconds() {
    if (duration.isNegative() || duration.isZero()) {
      return OptionalLong.empty();
    }
    long seconds = duration.getSeconds();
    return OptionalLong.of(duration.getNano() > 0 ? seconds + 1 : seconds);
  }

  private static long clampToLong(BigDecimal nanos) {
    BigDecimal rounded = nanos.setScale(0, RoundingMode.HALF_UP);
    return rounded.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : rounded.longValueExact();
  }
}
