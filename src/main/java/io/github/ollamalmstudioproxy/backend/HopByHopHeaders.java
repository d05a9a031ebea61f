package io.github.ollamalmstudioproxy.backend;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Headers that describe one connection, not the message, so a proxy must not forward them (RFC 9110 §7.6.1), plus the
 * ones a {@code Connection} header names, except the message's own framing and type: {@code Connection:
 * content-length} (which no sender should write) must not make the proxy lose the length of a body it relays, nor
 * turn it into an empty success. The relay re-frames every body itself, so a dropped length only ever means chunked.
 */
public final class HopByHopHeaders {
  private static final Set<String> ALWAYS = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
      "http2-settings");
  /** Never dropped on a {@code Connection} header's word: they describe the message, not the connection. */
  private static final Set<String> NEVER_CONNECTION_OPTIONS = Set.of("content-length", "content-type",
      "content-encoding");

  private HopByHopHeaders() {}

  /** Copies {@code from} into {@code to} without hop-by-hop headers and without names {@code also} excludes. */
  public static void copy(MultiMap from, MultiMap to, Set<String> also) {
    Set<String> named = connectionNamed(from);
    from.forEach((name, value) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!ALWAYS.contains(lower) && !named.contains(lower) && !also.contains(lower) && !isExcludedPrefix(lower, also)) {
        to.add(name, value);
      }
    });
  }

  private static boolean isExcludedPrefix(String lower, Set<String> also) {
    for (String excluded : also) {
      if (excluded.endsWith("*") && lower.startsWith(excluded.substring(0, excluded.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> connectionNamed(MultiMap headers) {
    Set<String> named = new HashSet<>();
    for (String value : headers.getAll("connection")) {
      for (String token : value.split(",")) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (!NEVER_CONNECTION_OPTIONS.contains(name)) {
          named.add(name);
        }
      }
    }
    return named;
  }
}
