package io.github.ollamalmstudioproxy.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Decides whether a passthrough path stays inside its prefix once decoded and normalised.
 *
 * <p>{@code /v1/../x}, {@code /v1/%2e%2e/x} and {@code /v1/..%2fx} all mean a path outside {@code /v1/} to a backend
 * that decodes and resolves them, so they are refused. Double-encoded dots and slashes and backslashes are refused
 * too: a backend that decodes twice, or treats a backslash as a separator, would escape the same way.
 */
final class PathGuard {
  private PathGuard() {}

  static boolean staysUnder(String rawPath, String prefix) {
    String decoded;
    try {
      decoded = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    String lower = decoded.toLowerCase(Locale.ROOT);
    if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("\\")
        || lower.indexOf('\0') >= 0) {
      return false;
    }
    String normalised = normalise(decoded);
    return normalised != null && (normalised + "/").startsWith(prefix);
  }

  /** Resolves {@code .} and {@code ..} segments; null when {@code ..} climbs above the root. */
  private static String normalise(String path) {
    Deque<String> segments = new ArrayDeque<>();
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        if (segments.isEmpty()) {
          return null;
        }
        segments.removeLast();
      } else if (!segment.equals(".") && !segment.isEmpty()) {
        segments.addLast(segment);
      }
    }
    return "/" + String.join("/", segments);
  }
}
