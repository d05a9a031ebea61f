package io.github.ollamalmstudioproxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The optional YAML file: a flat map from option name (without dashes) to a scalar or a list of scalars, and the
 * {@code backends:} list of maps (see {@link FileBackends}).
 */
final class ConfigFile {
  static final ConfigFile EMPTY = new ConfigFile(Map.of(), null);

  private static final Set<String> KEYS = Set.of("listen", "backend", "lmstudio-url", "backend-api-key", "api-key",
      "origins", "allowed-hosts", "ollama-version", "drain-timeout", "connect-timeout", "first-byte-timeout", "idle-timeout",
      "aggregate-timeout", "load-timeout", "load-retries", "max-in-flight",
      "max-body-size", "max-body-memory", "log-bodies", "demo",
      "header-timeout", "body-timeout", "keep-alive-timeout", "request-timeout", "models-file", "load-progress",
      "backends", "backend-profile", "queue-length", "queue-timeout", "probe-interval", "breaker-cooldown",
      "breaker-failures");

  /** Whether the file accepts {@code key} (an option name without its dashes). */
  static boolean knows(String key) {
    return KEYS.contains(key);
  }

  private final Map<String, String> values;
  private final List<BackendSpec> backends;

  private ConfigFile(Map<String, String> values, List<BackendSpec> backends) {
    this.values = values;
    this.backends = backends;
  }

  static ConfigFile read(String pathText) {
    return read(pathText, Map.of());
  }

  /** @param env the environment, where a backend's {@code api_key_env} is looked up */
  static ConfigFile read(String pathText, Map<String, String> env) {
    Path path = Path.of(pathText);
    if (!Files.isReadable(path) || Files.isDirectory(path)) {
      throw new ConfigException("cannot read config file '" + pathText + "'");
    }
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
    } catch (IOException e) {
      throw new ConfigException("invalid config file '" + pathText + "': " + firstLine(e.getMessage()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return EMPTY;
    }
    if (!root.isObject()) {
      throw new ConfigException("invalid config file '" + pathText + "': expected a map of option: value");
    }
    Map<String, String> values = new HashMap<>();
    List<BackendSpec> backends = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!KEYS.contains(e.getKey())) {
        throw new ConfigException("unknown option '" + e.getKey() + "' in config file '" + pathText + "'");
      }
      if (e.getKey().equals("backends")) {
        backends = FileBackends.parse(e.getValue(), pathText, env);
      } else {
        values.put(e.getKey().equals("lmstudio-url") ? "backend" : e.getKey(), text(e.getValue()));
      }
    }
    if (backends != null && values.get("backend") != null) {
      throw new ConfigException("config file '" + pathText + "' has both backend: and backends:; keep one (a"
          + " single backend is a backends: list of one)");
    }
    return new ConfigFile(values, backends);
  }

  /** The {@code backends:} list, validated and named; null when the file has none. */
  List<BackendSpec> backends() {
    return backends;
  }

  String get(String key) {
    return values.get(key);
  }

  private static String text(JsonNode node) {
    if (node.isArray()) {
      StringJoiner joined = new StringJoiner(",");
      node.forEach(item -> joined.add(item.asText()));
      return joined.toString();
    }
    return node.isNull() ? null : node.asText();
  }

  private static String firstLine(String message) {
    int nl = message == null ? -1 : message.indexOf('\n');
    return nl < 0 ? String.valueOf(message) : message.substring(0, nl);
  }
}
