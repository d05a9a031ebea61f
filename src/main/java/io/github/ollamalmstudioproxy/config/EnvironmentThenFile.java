package io.github.ollamalmstudioproxy.config;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Supplies an option's value when the command line lacks it: first its environment variable, then Ollama's own
 * variable where one exists (so an existing {@code OLLAMA_HOST} or {@code OLLAMA_ORIGINS} keeps working), then the
 * YAML file. Returning null lets picocli fall back to the annotation's default.
 */
final class EnvironmentThenFile implements IDefaultValueProvider {
  private static final Map<String, String> OLLAMA_FALLBACKS = Map.of("listen", "OLLAMA_HOST", "origins",
      "OLLAMA_ORIGINS");

  private final Map<String, String> env;
  private final ConfigFile file;

  EnvironmentThenFile(Map<String, String> env, ConfigFile file) {
    this.env = env;
    this.file = file;
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option)) {
      return null;
    }
    String name = option.longestName().substring(2);
    if (name.equals("lmstudio-url")) {
      name = "backend";
    }
    String value = nonBlank(env.get(environmentVariable(name)));
    if (value == null && OLLAMA_FALLBACKS.containsKey(name)) {
      value = nonBlank(env.get(OLLAMA_FALLBACKS.get(name)));
    }
    if (value == null && !name.equals("config")) {
      value = file.get(name);
    }
    if (value == null && name.equals("models-file")) {
      value = defaultModelsFile(env);
    }
    return value;
  }

  /** Under the user's configuration directory, as the XDG Base Directory specification places it. */
  static String defaultModelsFile(Map<String, String> env) {
    String configHome = nonBlank(env.get("XDG_CONFIG_HOME"));
    java.nio.file.Path dir = configHome != null ? java.nio.file.Path.of(configHome)
        : java.nio.file.Path.of(System.getProperty("user.home"), ".config");
    return dir.resolve("ollama-lmstudio-proxy").resolve("models.yaml").toString();
  }

  static String environmentVariable(String optionName) {
    return "OLLAMA_PROXY_" + optionName.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static String nonBlank(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
