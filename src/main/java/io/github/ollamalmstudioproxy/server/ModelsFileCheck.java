package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.catalog.alias.AliasStore;
import io.github.ollamalmstudioproxy.config.ConfigException;
import io.github.ollamalmstudioproxy.config.ProxyConfig;
import java.time.Clock;

/**
 * Reads the models file before anything starts, so that a file that cannot be parsed stops start-up like any other
 * bad setting (one line, exit code 2) instead of surfacing later as a failed listen.
 */
public final class ModelsFileCheck {
  private ModelsFileCheck() {}

  /** @throws ConfigException naming the file and what is wrong with it */
  public static void check(ProxyConfig config) {
    try {
      AliasStore.open(config.modelsFile(), Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }
}
