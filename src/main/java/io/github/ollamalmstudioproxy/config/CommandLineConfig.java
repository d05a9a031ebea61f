package io.github.ollamalmstudioproxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Turns arguments, environment and the optional YAML file into a validated {@link ProxyConfig}.
 *
 * <p>Precedence is flag &gt; environment &gt; file &gt; default. Picocli applies a default value provider only to options
 * missing from the command line, so the provider consults the environment first and then the file; the file's path
 * is found by a pre-scan because defaults are resolved before the arguments are parsed.
 */
public final class CommandLineConfig {
  /** How often {@code --load-progress} without an interval tells a waiting client that its model still loads. */
  public static final Duration DEFAULT_LOAD_PROGRESS_INTERVAL = Duration.ofSeconds(5);

  /** The backend when none is configured: LM Studio's default address. */
  public static final String DEFAULT_BACKEND = "http://localhost:1234";

  private CommandLineConfig() {}

  /** A command line ready to parse {@code args}, reading defaults from {@code env} and the config file. */
  public static CommandLine commandLine(String[] args, Map<String, String> env) {
    ProxyOptions options = new ProxyOptions();
    CommandLine commandLine = new CommandLine(options);
    String configPath = findConfigPath(args, env);
    ConfigFile file = configPath == null ? ConfigFile.EMPTY : ConfigFile.read(configPath, env);
    commandLine.setDefaultValueProvider(new EnvironmentThenFile(env, file));
    options.fileBackends = file.backends();
    return commandLine;
  }

  /** Parses and validates; throws {@link ConfigException} with a one-line message on any bad value. */
  public static ProxyConfig parse(String[] args, Map<String, String> env) {
    CommandLine commandLine = commandLine(args, env);
    try {
      commandLine.parseArgs(args);
    } catch (ParameterException e) {
      throw new ConfigException(e.getMessage());
    }
    return validate(commandLine.getCommand());
  }

  public static ProxyConfig validate(ProxyOptions o) {
    return new ProxyConfig(
        ListenAddress.parse(o.listen),
        backends(o),
        blankToNull(o.apiKey),
        list(o.origins),
        list(o.allowedHosts),
        version(o.ollamaVersion),
        Durations.parse("--drain-timeout", o.drainTimeout),
        positive("--connect-timeout", o.connectTimeout),
        positive("--first-byte-timeout", o.firstByteTimeout),
        positive("--idle-timeout", o.idleTimeout),
        positive("--aggregate-timeout", o.aggregateTimeout),
        positive("--load-timeout", o.loadTimeout),
        count("--load-retries", o.loadRetries, 0),
        count("--max-in-flight", o.maxInFlight, 1),
        ByteSizes.parse("--max-body-size", o.maxBodySize),
        o.maxBodyMemory == null ? defaultBodyMemory() : ByteSizes.parse("--max-body-memory", o.maxBodyMemory),
        bool("--log-bodies", o.logBodies),
        bool("--demo", o.demo),
        positive("--header-timeout", o.headerTimeout),
        positive("--body-timeout", o.bodyTimeout),
        positive("--keep-alive-timeout", o.keepAliveTimeout),
        Durations.parse("--request-timeout", o.requestTimeout),
        modelsFile(o.modelsFile),
        loadProgress(o.loadProgress),
        count("--queue-length", o.queueLength, 0),
        positive("--queue-timeout", o.queueTimeout),
        positive("--probe-interval", o.probeInterval),
        positive("--breaker-cooldown", o.breakerCooldown),
        count("--breaker-failures", o.breakerFailures, 1));
  }

  /**
   * {@code --backend} (flag, environment or the file's {@code backend:}) when given, each with
   * {@code --backend-api-key} and {@code --backend-profile}; else the file's {@code backends:} list, whose entries
   * carry their own; else LM Studio's default address.
   */
  private static List<BackendSpec> backends(ProxyOptions o) {
    List<String> urls = o.backend == null ? List.of()
        : o.backend.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    String apiKey = blankToNull(o.backendApiKey);
    String profile = blankToNull(o.backendProfile);
    if (urls.isEmpty() && o.fileBackends != null) {
      if (apiKey != null || profile != null) {
        throw new ConfigException((apiKey != null ? "--backend-api-key" : "--backend-profile") + " applies to"
            + " --backend URLs only; give each entry of the config file's backends: list its own "
            + (apiKey != null ? "api_key" : "profile"));
      }
      return o.fileBackends;
    }
    BackendProfile kind = profile == null ? BackendProfile.AUTO : BackendProfile.parse("--backend-profile", profile);
    List<BackendSpec> specs = new ArrayList<>();
    for (String given : urls.isEmpty() ? List.of(DEFAULT_BACKEND) : urls) {
      BackendUrl split = BackendUrl.split(backendUrl(given, "--backend URL", ""));
      if (split.userInfo() != null && apiKey != null) {
        throw new ConfigException("invalid --backend URL '" + split.url() + "': it carries credentials"
            + " (user:password@) and --backend-api-key is set too; give the backend one of them");
      }
      specs.add(new BackendSpec(null, split.url(), apiKey, split.userInfo(), 1, kind, null, null));
    }
    List<String> noNames = new ArrayList<>(Collections.nCopies(specs.size(), null));
    return BackendNames.assign(noNames, specs, i -> "--backend " + specs.get(i).url(), "");
  }

  /**
   * Request bodies may take 80% of the maximum heap: with the launcher's 512 MB that holds one body at the default
   * 64 MiB limit (about 6 times its size, see the server's body budget), and leaves the rest for streams, catalogs
   * and the answers being collected.
   */
  static long defaultBodyMemory() {
    return Runtime.getRuntime().maxMemory() / 10 * 8;
  }

  /**
   * Parses and checks a backend URL; every message shows the URL with its password replaced by {@code ***}.
   *
   * @param what what the URL is called in a message ({@code --backend URL})
   * @param where where it came from, appended after the URL ({@code  of backends[0] in config file 'x'}), or empty
   */
  static URI backendUrl(String given, String what, String where) {
    String text = BackendUrl.redact(given);
    String invalid = "invalid " + what + " '" + text + "'" + where + ": ";
    URI uri;
    try {
      uri = new URI(given.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException(invalid + BackendUrl.redact(e.getReason()));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ConfigException(invalid + "it must start with http:// or https://");
    }
    if (uri.getHost() == null) {
      throw new ConfigException(invalid + "it has no host");
    }
    if (uri.getPort() > 65535) {
      throw new ConfigException(invalid + "port out of range");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new ConfigException(invalid + "no query or fragment allowed");
    }
    String s = uri.toString();
    return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }

  private static java.nio.file.Path modelsFile(String path) {
    try {
      return java.nio.file.Path.of(path.strip());
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException("invalid --models-file '" + path + "': " + e.getReason());
    }
  }

  private static String version(String v) {
    if (!v.matches("\\d+\\.\\d+\\.\\d+")) {
      throw new ConfigException("invalid --ollama-version '" + v + "': clients parse it as numbers, use X.Y.Z");
    }
    return v;
  }

  private static Duration positive(String option, String text) {
    Duration d = Durations.parse(option, text);
    if (d.isZero() || d.isNegative()) {
      throw new ConfigException("invalid duration for " + option + ": '" + text + "' must be positive");
    }
    return d;
  }

  /**
   * {@code --load-progress}: off, on at the default interval, or on at a given interval. LM Studio's load call reports
   * no progress, so a line per interval is all there is to send; 5 s keeps a client's read timeout from firing
   * without filling a chat's thinking with a line a second.
   */
  private static Duration loadProgress(String text) {
    String word = text.trim().toLowerCase(Locale.ROOT);
    if (word.isEmpty() || word.matches("true|yes|on|1|false|no|off|0")) {
      return bool("--load-progress", word) ? DEFAULT_LOAD_PROGRESS_INTERVAL : Duration.ZERO;
    }
    return positive("--load-progress", text);
  }

  private static int count(String option, String text, int min) {
    try {
      int n = Integer.parseInt(text.trim());
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below with the accepted range.
    }
    throw new ConfigException("invalid value for " + option + ": '" + text + "' (a whole number of at least " + min
        + ")");
  }

  private static boolean bool(String option, String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off", "" -> false;
      default -> throw new ConfigException("invalid value for " + option + ": '" + text + "' (use true or false)");
    };
  }

  /** A comma-separated option as its non-empty items. */
  private static List<String> list(String text) {
    return text == null ? List.of()
        : Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static String findConfigPath(String[] args, Map<String, String> env) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith("--config=")) {
        return args[i].substring("--config=".length());
      }
    }
    return blankToNull(env.get("OLLAMA_PROXY_CONFIG"));
  }
}
