package io.github.ollamalmstudioproxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The config file's {@code backends:} list: one map per backend. Every error names the file, the entry (its index, and
 * its name when it has one) and the key, and never shows a key or a password.
 */
final class FileBackends {
  private static final List<String> KEYS = List.of("name", "url", "api_key", "api_key_env", "weight", "profile",
      "capacity", "max_in_flight");
  private static final Set<String> KNOWN = Set.copyOf(KEYS);

  private final String context;
  private final Map<String, String> env;

  private FileBackends(String path, Map<String, String> env) {
    this.context = " in config file '" + path + "'";
    this.env = env;
  }

  static List<BackendSpec> parse(JsonNode list, String path) {
    return parse(list, path, Map.of());
  }

  /** @param env where {@code api_key_env} names are looked up: keys stay in a Secret, out of the file */
  static List<BackendSpec> parse(JsonNode list, String path, Map<String, String> env) {
    return new FileBackends(path, env).parse(list);
  }

  private List<BackendSpec> parse(JsonNode list) {
    if (!list.isArray() || list.isEmpty()) {
      throw new ConfigException("invalid backends" + context + ": expected a list of maps with at least a url");
    }
    List<String> names = new ArrayList<>();
    List<BackendSpec> backends = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode entry = list.get(i);
      String name = entry.isObject() ? scalar(entry, "name", "backends[" + i + "]") : null;
      if (name != null && name.chars().anyMatch(Character::isISOControl)) {
        // A name goes into log lines and metric labels as it is.
        throw new ConfigException("invalid name in backends[" + i + "]" + context + ": no control characters");
      }
      String label = "backends[" + i + "]" + (name == null ? "" : " ('" + name + "')");
      names.add(name);
      backends.add(backend(entry, label));
    }
    return BackendNames.assign(names, backends, i -> label(list.get(i), i), context);
  }

  private BackendSpec backend(JsonNode entry, String label) {
    if (!entry.isObject()) {
      throw new ConfigException("invalid " + label + context + ": expected a map with at least a url");
    }
    for (Iterator<String> it = entry.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KNOWN.contains(key)) {
        throw new ConfigException("unknown key '" + key + "' in " + label + context + " (known: "
            + String.join(", ", KEYS) + ")");
      }
    }
    String urlText = scalar(entry, "url", label);
    if (urlText == null) {
      throw new ConfigException("missing url in " + label + context);
    }
    URI url = CommandLineConfig.backendUrl(urlText, "url", " of " + label + context);
    BackendUrl split = BackendUrl.split(url);
    String apiKey = secret(entry, label);
    if (split.userInfo() != null && apiKey != null) {
      throw new ConfigException("invalid url '" + split.url() + "' of " + label + context + ": it carries credentials"
          + " (user:password@) and api_key is set too; give the backend one of them");
    }
    String profile = scalar(entry, "profile", label);
    return new BackendSpec(null, split.url(), apiKey, split.userInfo(), number(entry, "weight", label, 1),
        profile == null ? BackendProfile.AUTO : BackendProfile.parse("profile of " + label + context, profile),
        optionalNumber(entry, "capacity", label), optionalNumber(entry, "max_in_flight", label));
  }

  private static String label(JsonNode entry, int i) {
    JsonNode name = entry.get("name");
    return "backends[" + i + "]" + (name == null ? "" : " ('" + name.asText() + "')");
  }

  /** A key's text: a string or a number, null when absent or null; blank names and lists are errors. */
  private String scalar(JsonNode entry, String key, String label) {
    JsonNode node = entry.get(key);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isValueNode() || node.asText().isBlank()) {
      throw new ConfigException("invalid " + key + " in " + label + context + ": expected a non-empty string");
    }
    return node.asText().strip();
  }

  /**
   * {@code api_key}, or the environment variable {@code api_key_env} names (a Kubernetes Secret mounted as one):
   * like {@link #scalar}, but an error never echoes the key.
   */
  private String secret(JsonNode entry, String label) {
    JsonNode node = entry.get("api_key");
    String variable = scalar(entry, "api_key_env", label);
    if (variable != null) {
      if (node != null && !node.isNull()) {
        throw new ConfigException("invalid " + label + context + ": api_key and api_key_env are both set; give one");
      }
      String value = env.get(variable);
      if (value == null || value.isBlank()) {
        throw new ConfigException("invalid api_key_env in " + label + context + ": the environment variable '"
            + variable + "' is not set");
      }
      return value.strip();
    }
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isValueNode() || node.asText().isBlank()) {
      throw new ConfigException("invalid api_key in " + label + context + ": expected a non-empty string");
    }
    return node.asText().strip();
  }

  private int number(JsonNode entry, String key, String label, int absent) {
    Integer n = optionalNumber(entry, key, label);
    return n == null ? absent : n;
  }

  /** A whole number of at least 1, written as a number or as text; null when absent. */
  private Integer optionalNumber(JsonNode entry, String key, String label) {
    JsonNode node = entry.get(key);
    if (node == null || node.isNull()) {
      return null;
    }
    String text = node.asText().strip();
    if ((node.isIntegralNumber() || node.isTextual()) && text.matches("\\d{1,9}") && Integer.parseInt(text) >= 1) {
      return Integer.parseInt(text);
    }
    String shown = node.isValueNode() ? " '" + text + "'" : "";
    throw new ConfigException("invalid " + key + shown + " in " + label + context + ": a whole number of at least 1");
  }
}
