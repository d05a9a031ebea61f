package io.github.ollamalmstudioproxy.catalog;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parameter counts from labels ({@code 8B}, {@code 35B-A3B}, {@code 270M}) and from model names, and the Ollama
 * display form ({@code 8.0B}, {@code 137M}).
 *
 * <p>Names are scanned for whole size tokens only, and the largest wins: {@code 13b} is 13B (never 3B), the
 * {@code a3b} in {@code qwen3-30b-a3b} is the active count and is skipped, the {@code 1m} in {@code ...-7b-1m}
 * (a context length) loses to {@code 7b}. Mixture-of-experts labels like {@code 8x7B} keep their label but get
 * no count, because experts share weights and 8 × 7 would overstate the total.
 */
final class ParameterSizes {
  /** A parsed size; {@code count} is null for NxM labels, whose total cannot be derived from the label. */
  record Size(Long count, String label) {}

  private static final Pattern LABEL =
      Pattern.compile("^\\s*(?:(\\d+)\\s*x\\s*)?(\\d+(?:\\.\\d+)?)\\s*([kmbt])(?![a-z])", Pattern.CASE_INSENSITIVE);
  private static final Pattern NAME_TOKEN =
      Pattern.compile("(?<![a-z0-9.])(?:(\\d+)x)?(\\d+(?:\\.\\d+)?)([bm])(?![a-z0-9])");

  private ParameterSizes() {}

  /** Parses a backend label such as {@code 35B-A3B} (total 35B) or {@code 1.5B}; null when it is not one. */
  static Size fromLabel(String label) {
    if (label == null) {
      return null;
    }
    Matcher m = LABEL.matcher(label);
    if (!m.find()) {
      return null;
    }
    Long count = m.group(1) != null ? null : scale(m.group(2), m.group(3));
    return new Size(count, label.strip());
  }

  /** The largest whole size token in a name, or null. */
  static Size fromName(String name) {
    if (name == null) {
      return null;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    int slash = lower.lastIndexOf('/');
    Matcher m = NAME_TOKEN.matcher(lower.substring(slash + 1));
    Size best = null;
    Size moe = null;
    while (m.find()) {
      String label = (m.group(1) != null ? m.group(1) + "x" : "") + m.group(2) + m.group(3).toUpperCase(Locale.ROOT);
      if (m.group(1) != null) {
        moe = moe == null ? new Size(null, label) : moe;
        continue;
      }
      Long count = scale(m.group(2), m.group(3));
      if (count != null && (best == null || count > best.count())) {
        best = new Size(count, label);
      }
    }
    return best != null ? best : moe;
  }

  /** Ollama's display form: one decimal for billions ({@code 8.0B}, {@code 7.6B}), whole millions ({@code 137M}). */
  static String display(long count) {
    if (count >= 1_000_000_000_000L) {
      return String.format(Locale.ROOT, "%.1fT", count / 1e12);
    }
    if (count >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.1fB", count / 1e9);
    }
    if (count >= 1_000_000L) {
      return String.format(Locale.ROOT, "%.0fM", count / 1e6);
    }
    if (count >= 1_000L) {
      return String.format(Locale.ROOT, "%.0fK", count / 1e3);
    }
    return Long.toString(count);
  }

  private static Long scale(String number, String unit) {
    double value = Double.parseDouble(number);
    double factor;
    switch (unit.toLowerCase(Locale.ROOT)) {
      case "k":
        factor = 1e3;
        break;
      case "m":
        factor = 1e6;
        break;
      case "b":
        factor = 1e9;
        break;
      default:
        factor = 1e12;
    }
    long count = Math.round(value * factor);
    return count > 0 ? count : null;
  }
}
