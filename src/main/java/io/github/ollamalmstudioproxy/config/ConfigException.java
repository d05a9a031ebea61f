package io.github.ollamalmstudioproxy.config;

/** A configuration value that cannot be used; its message is the one line printed before exiting with code 2. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
