package io.github.ollamalmstudioproxy.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses human durations for options: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, or plain seconds. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  private Durations() {}

  public static Duration parse(String option, String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.matches("\\d+(\\.\\d+)?")) {
      return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    }
    Matcher m = PART.matcher(value);
    long millis = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double amount = Double.parseDouble(m.group(1));
      millis += Math.round(amount * switch (m.group(2)) {
        case "ms" -> 1;
        case "s" -> 1_000;
        case "m" -> 60_000;
        default -> 3_600_000;
      });
      end = m.end();
    }
    if (end == 0 || end != value.length()) {
      throw new ConfigException("invalid duration for " + option + ": '" + text + "' (use e.g. 500ms, 30s, 5m, 1h)");
    }
    return Duration.ofMillis(millis);
  }

  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
    if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
    if (ms % 1_000 == 0) return ms / 1_000 + "s";
    return ms + "ms";
  }
}
