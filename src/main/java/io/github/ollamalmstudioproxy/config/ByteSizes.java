package io.github.ollamalmstudioproxy.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes such as {@code 64MiB}, {@code 10MB}, {@code 512k} or plain bytes. */
final class ByteSizes {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]i?b?|b)?");

  private ByteSizes() {}

  static long parse(String option, String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigException("invalid size for " + option + ": '" + text + "' (use e.g. 64MiB, 10MB, 1048576)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    boolean binary = unit.contains("i") || unit.length() == 1;
    long base = binary ? 1024 : 1000;
    long factor = switch (unit.charAt(0)) {
      case 'k' -> base;
      case 'm' -> base * base;
      case 'g' -> base * base * base;
      default -> 1;
    };
    if (n <= 0) {
      throw new ConfigException("invalid size for " + option + ": '" + text + "' must be positive");
    }
    return n * factor;
  }
}
