package io.github.ollamalmstudioproxy.translate;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Go's {@code time.ParseDuration}, which is what Ollama applies to a {@code keep_alive} string. */
final class GoDuration {
  private GoDuration() {}

  /**
   * Parses {@code [-+]?([0-9]*(\.[0-9]*)?unit)+} with units ns, us, µs, ms, s, m, h, or the bare {@code "0"}.
   *
   * @return nanoseconds, saturated at {@code Long.MAX_VALUE}
   * @throws IllegalArgumentException with Go's wording
   */
  static long parseNanos(String text) {
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return 0;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("time: invalid duration " + quote(text));
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int numberStart = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(numberStart, i);
      if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
        throw new IllegalArgumentException("time: invalid duration " + quote(text));
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      if (unitStart == i) {
        throw new IllegalArgumentException("time: missing unit in duration " + quote(text));
      }
      String unit = s.substring(unitStart, i);
      long unitNanos = unitNanos(unit);
      if (unitNanos == 0) {
        throw new IllegalArgumentException("time: unknown unit " + quote(unit) + " in duration " + quote(text));
      }
      total = total.add(new BigDecimal(number.endsWith(".") ? number + "0" : number).multiply(BigDecimal.valueOf(unitNanos)));
    }
    BigDecimal rounded = total.setScale(0, RoundingMode.DOWN);
    long nanos = rounded.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : rounded.longValueExact();
    return negative ? -nanos : nanos;
  }

  private static long unitNanos(String unit) {
    switch (unit) {
      case "ns":
        return 1L;
      case "us":
      case "\u00b5s":
      case "\u03bcs":
        return 1_000L;
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      case "h":
        return 3_600_000_000_000L;
      default:
        return 0;
    }
  }

  private static String quote(String s) {
    return '"' + s + '"';
  }
}
