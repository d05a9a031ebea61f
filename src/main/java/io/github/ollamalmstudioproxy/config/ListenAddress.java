package io.github.ollamalmstudioproxy.config;

import java.net.URI;

/**
 * Where the proxy listens, parsed from the forms {@code OLLAMA_HOST} accepts.
 *
 * <p>Ollama takes {@code 0.0.0.0}, {@code host:port}, {@code :port} and {@code http://host:port}; a missing host means
 * loopback and a missing port means 11434, so a user's existing {@code OLLAMA_HOST} keeps meaning the same thing.
 */
public record ListenAddress(String host, int port) {
  public static final int DEFAULT_PORT = 11434;
  public static final String DEFAULT_HOST = "127.0.0.1";

  public static ListenAddress parse(String text) {
    String value = text == null ? "" : text.trim();
    if (value.isEmpty()) {
      return new ListenAddress(DEFAULT_HOST, DEFAULT_PORT);
    }
    if (value.contains("://")) {
      URI uri = parseUri(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new ConfigException("invalid listen address '" + text + "': scheme must be http");
      }
      String host = uri.getHost() == null ? DEFAULT_HOST : uri.getHost();
      return new ListenAddress(stripBrackets(host), uri.getPort() < 0 ? DEFAULT_PORT : checkPort(uri.getPort(), text));
    }
    int colon = value.lastIndexOf(':');
    boolean bracketedIpv6 = value.startsWith("[");
    if (colon < 0 || (!bracketedIpv6 && value.indexOf(':') != colon)) {
      // No port, or a bare IPv6 address.
      return new ListenAddress(value.isEmpty() ? DEFAULT_HOST : stripBrackets(value), DEFAULT_PORT);
    }
    if (bracketedIpv6 && colon < value.indexOf(']')) {
      return new ListenAddress(stripBrackets(value), DEFAULT_PORT);
    }
    String host = value.substring(0, colon);
    String port = value.substring(colon + 1);
    return new ListenAddress(host.isEmpty() ? DEFAULT_HOST : stripBrackets(host), parsePort(port, text));
  }

  public boolean isLoopback() {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static URI parseUri(String value) {
    try {
      return URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("invalid listen address '" + value + "': " + e.getMessage());
    }
  }

  private static int parsePort(String port, String original) {
    try {
      return checkPort(Integer.parseInt(port), original);
    } catch (NumberFormatException e) {
      throw new ConfigException("invalid listen address '" + original + "': port must be a number");
    }
  }

  private static int checkPort(int port, String original) {
    if (port < 0 || port > 65535) {
      throw new ConfigException("invalid listen address '" + original + "': port " + port + " out of range 0-65535");
    }
    return port;
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
