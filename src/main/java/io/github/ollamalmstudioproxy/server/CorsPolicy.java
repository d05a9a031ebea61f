package io.github.ollamalmstudioproxy.server;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which browser origins may call the proxy: exactly what Ollama allows by default, plus the configured extras.
 *
 * <p>Ollama's defaults are http(s) on localhost, 127.0.0.1 and 0.0.0.0 with any port, and the app schemes used by
 * desktop shells (Obsidian's {@code app://}, Tauri, VS Code webviews). A pattern may end in {@code *}; a lone
 * {@code *} allows every origin.
 */
final class CorsPolicy {
  static final List<String> OLLAMA_DEFAULTS = List.of(
      "http://localhost", "https://localhost", "http://localhost:*", "https://localhost:*",
      "http://127.0.0.1", "https://127.0.0.1", "http://127.0.0.1:*", "https://127.0.0.1:*",
      "http://0.0.0.0", "https://0.0.0.0", "http://0.0.0.0:*", "https://0.0.0.0:*",
      "app://*", "file://*", "tauri://*", "vscode-webview://*", "vscode-file://*");

  /** Request headers browsers may send, as Ollama lists them; the OpenAI SDKs add the x-stainless family. */
  static final String ALLOWED_HEADERS = "Authorization, Content-Type, User-Agent, Accept, X-Requested-With, "
      + "OpenAI-Beta, X-Request-Id, x-stainless-arch, x-stainless-async, x-stainless-custom-poll-interval, "
      + "x-stainless-helper-method, x-stainless-lang, x-stainless-os, x-stainless-package-version, "
      + "x-stainless-poll-helper, x-stainless-retry-count, x-stainless-runtime, x-stainless-runtime-version, "
      + "x-stainless-timeout";
  static final String ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS";

  private final List<Pattern> allowed;
  private final boolean any;

  CorsPolicy(List<String> extraOrigins) {
    this.any = extraOrigins.contains("*");
    this.allowed = Stream.concat(OLLAMA_DEFAULTS.stream(), extraOrigins.stream())
        .filter(o -> !o.equals("*"))
        .map(CorsPolicy::toPattern)
        .toList();
  }

  boolean allows(String origin) {
    if (any) {
      return true;
    }
    String lower = origin.toLowerCase(Locale.ROOT);
    for (Pattern p : allowed) {
      if (p.matcher(lower).matches()) {
        return true;
      }
    }
    return false;
  }

  private static Pattern toPattern(String origin) {
    String[] parts = origin.trim().toLowerCase(Locale.ROOT).split("\\*", -1);
    return Pattern.compile(Arrays.stream(parts).map(Pattern::quote).collect(Collectors.joining(".*")));
  }

}
