package io.github.ollamalmstudioproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 15: several backends from flags, the environment or the config file's {@code backends:} list. */
class BackendsConfigTest {
  @TempDir static Path dir;

  private static final String[] NO_ARGS = new String[0];

  @Test
  void withNothingGivenThereIsOneBackendAtLmStudiosAddress() {
    ProxyConfig config = CommandLineConfig.parse(NO_ARGS, Map.of());
    assertThat(config.backends()).containsExactly(
        new BackendSpec("localhost:1234", URI.create("http://localhost:1234"), null, null, 1, BackendProfile.AUTO,
            null, null));
    assertThat(config.backend()).hasToString("http://localhost:1234");
    assertThat(config.maxInFlightOf(config.backends().get(0))).isEqualTo(512);
  }

  static Stream<Arguments> flagAndEnvironmentBackends() {
    return Stream.of(
        Arguments.of("a repeated flag", new String[] {"--backend", "http://a:1/", "--backend", "http://b:2"}, Map.of(),
            List.of("a:1=http://a:1", "b:2=http://b:2")),
        Arguments.of("the alias mixes with the flag", new String[] {"--lmstudio-url", "http://a:1", "--backend",
            "http://b:2"}, Map.of(), List.of("a:1=http://a:1", "b:2=http://b:2")),
        Arguments.of("commas in one flag", new String[] {"--backend", "http://a:1,http://b:2"}, Map.of(),
            List.of("a:1=http://a:1", "b:2=http://b:2")),
        Arguments.of("a comma-separated variable, blanks skipped", NO_ARGS,
            Map.of("OLLAMA_PROXY_BACKEND", " http://a:1 , ,http://b:2/"), List.of("a:1=http://a:1", "b:2=http://b:2")),
        Arguments.of("the flag replaces the variable", new String[] {"--backend", "http://c:3"},
            Map.of("OLLAMA_PROXY_BACKEND", "http://a:1,http://b:2"), List.of("c:3=http://c:3")),
        Arguments.of("the scheme's port names a URL without one", new String[] {"--backend", "https://gw.example/v",
            "--backend", "http://lm.example"}, Map.of(), List.of("gw.example:443=https://gw.example/v",
            "lm.example:80=http://lm.example")),
        Arguments.of("an IPv6 host keeps its brackets", new String[] {"--backend", "http://[::1]:1234"}, Map.of(),
            List.of("[::1]:1234=http://[::1]:1234")),
        Arguments.of("the same host:port twice gets #2, #3", new String[] {"--backend", "http://a:1/x", "--backend",
            "http://a:1/y", "--backend", "http://a:1/z"}, Map.of(),
            List.of("a:1=http://a:1/x", "a:1#2=http://a:1/y", "a:1#3=http://a:1/z")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flagAndEnvironmentBackends")
  void flagsAndTheEnvironmentGiveBackendsNamedByHostAndPort(String name, String[] args, Map<String, String> env,
      List<String> expected) {
    List<String> got = CommandLineConfig.parse(args, env).backends().stream().map(b -> b.name() + "=" + b.url())
        .toList();
    assertThat(got).isEqualTo(expected);
  }

  @Test
  void theBackendKeyAndProfileApplyToEveryFlagBackend() {
    ProxyConfig config = CommandLineConfig.parse(new String[] {"--backend", "http://a:1", "--backend", "http://b:2",
        "--backend-api-key", "tok", "--backend-profile", "GateWay"}, Map.of());
    assertThat(config.backends()).extracting(BackendSpec::apiKey).containsExactly("tok", "tok");
    assertThat(config.backends()).extracting(BackendSpec::profile)
        .containsExactly(BackendProfile.GATEWAY, BackendProfile.GATEWAY);
    assertThat(CommandLineConfig.parse(NO_ARGS, Map.of("OLLAMA_PROXY_BACKEND_PROFILE", "auto")).backends().get(0)
        .profile()).isEqualTo(BackendProfile.AUTO);
  }

  @Test
  void credentialsArePerBackendAndClashWithTheKeyPerBackend() {
    ProxyConfig config = CommandLineConfig.parse(new String[] {"--backend", "http://ops:p%40ss@a:1,http://b:2"},
        Map.of());
    assertThat(config.backends()).extracting(BackendSpec::userInfo).containsExactly("ops:p@ss", null);
    assertThat(config.backends().get(0).url()).hasToString("http://a:1");
    assertThat(config.toString()).doesNotContain("p@ss").doesNotContain("p%40ss").doesNotContain("ops:");

    assertThatThrownBy(() -> CommandLineConfig.parse(new String[] {"--backend", "http://b:2",
        "--backend", "http://ops:secret@a:1", "--backend-api-key", "tok"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid --backend URL 'http://a:1': it carries credentials (user:password@) and"
            + " --backend-api-key is set too; give the backend one of them");
  }

  @Test
  void aFileListGivesEachBackendItsOwnSettings() throws IOException {
    Path file = yaml("""
        backends:
          - name: gpu-a
            url: http://ops:pw@10.0.0.1:1234/
            weight: 3
            capacity: 4
            max_in_flight: 64
          - url: http://10.0.0.2:8000
            api_key: sk-file
            profile: gateway
          - url: http://10.0.0.2:8000/other
            weight: "2"
        """);
    ProxyConfig config = CommandLineConfig.parse(new String[] {"--config", file.toString()}, Map.of());

    assertThat(config.backends()).containsExactly(
        new BackendSpec("gpu-a", URI.create("http://10.0.0.1:1234"), null, "ops:pw", 3, BackendProfile.AUTO, 4, 64),
        new BackendSpec("10.0.0.2:8000", URI.create("http://10.0.0.2:8000"), "sk-file", null, 1,
            BackendProfile.GATEWAY, null, null),
        new BackendSpec("10.0.0.2:8000#2", URI.create("http://10.0.0.2:8000/other"), null, null, 2,
            BackendProfile.AUTO, null, null));
    assertThat(config.maxInFlightOf(config.backends().get(0))).isEqualTo(64);
    assertThat(config.maxInFlightOf(config.backends().get(1))).isEqualTo(512);
    assertThat(config.toString()).contains("gpu-a").doesNotContain("sk-file").doesNotContain("ops:pw");
    assertThat(config.backend()).hasToString("http://10.0.0.1:1234");
    assertThat(config.backendUserInfo()).isEqualTo("ops:pw");
  }

  @Test
  void aDerivedNameStepsAsideForOneGivenExplicitly() throws IOException {
    Path file = yaml("backends:\n  - url: http://a:1\n  - name: a:1\n    url: http://b:1\n  - url: http://a:1/x\n");
    ProxyConfig config = CommandLineConfig.parse(new String[] {"--config", file.toString()}, Map.of());
    assertThat(config.backends()).extracting(b -> b.name() + "=" + b.url())
        .containsExactly("a:1#2=http://a:1", "a:1=http://b:1", "a:1#3=http://a:1/x");
  }

  @Test
  void theUsageShowsTheNewOptionsWithTheirDefaults() {
    String usage = CommandLineConfig.commandLine(NO_ARGS, Map.of()).getUsageMessage();
    assertThat(usage).contains("--backend-profile=PROFILE", "--queue-length=N", "--queue-timeout=DURATION",
        "--probe-interval=DURATION", "--breaker-failures=N", "--breaker-cooldown=DURATION",
        "Default: http://localhost:1234").doesNotContain("${");
  }

  @Test
  void aBackendFlagOrVariableReplacesTheFileListEntirely() throws IOException {
    Path file = yaml("backends:\n  - url: http://file:1\n  - url: http://file:2\n");
    String[] withFile = {"--config", file.toString()};
    assertThat(CommandLineConfig.parse(new String[] {"--config", file.toString(), "--backend", "http://flag:3"},
        Map.of()).backends()).extracting(BackendSpec::name).containsExactly("flag:3");
    assertThat(CommandLineConfig.parse(withFile, Map.of("OLLAMA_PROXY_BACKEND", "http://env:4,http://env:5"))
        .backends()).extracting(BackendSpec::name).containsExactly("env:4", "env:5");
    assertThat(CommandLineConfig.parse(withFile, Map.of()).backends()).extracting(BackendSpec::name)
        .containsExactly("file:1", "file:2");
    // The key of a --backend from the environment does not leak to the file's backends.
    assertThat(CommandLineConfig.parse(withFile, Map.of("OLLAMA_PROXY_BACKEND", "http://env:4",
        "OLLAMA_PROXY_BACKEND_API_KEY", "k")).backends().get(0).apiKey()).isEqualTo("k");
  }

  @Test
  void theFileMayStillGiveOneBackendOrAListUnderBackend() throws IOException {
    Path file = yaml("backend: [\"http://a:1\", \"http://b:2\"]\nbackend-api-key: k\nbackend-profile: gateway\n");
    ProxyConfig config = CommandLineConfig.parse(new String[] {"--config", file.toString()}, Map.of());
    assertThat(config.backends()).extracting(BackendSpec::name).containsExactly("a:1", "b:2");
    assertThat(config.backends()).allSatisfy(b -> {
      assertThat(b.apiKey()).isEqualTo("k");
      assertThat(b.profile()).isEqualTo(BackendProfile.GATEWAY);
    });
  }

  static Stream<Arguments> badFileLists() {
    return Stream.of(
        Arguments.of("an unknown key, by index", "backends:\n  - url: http://a:1\n    wieght: 2\n",
            "unknown key 'wieght' in backends[0] in config file '%s' (known: name, url, api_key, api_key_env,"
                + " weight, profile, capacity, max_in_flight)"),
        Arguments.of("an unknown key, by name", "backends:\n  - url: http://a:1\n  - name: b\n    url: http://b:1\n"
                + "    apikey: sk-secret\n",
            "unknown key 'apikey' in backends[1] ('b') in config file '%s' (known: name, url, api_key,"
                + " api_key_env, weight, profile, capacity, max_in_flight)"),
        Arguments.of("api_key_env naming an unset variable", "backends:\n  - url: http://a:1\n"
                + "    api_key_env: NOT_SET_ANYWHERE\n",
            "invalid api_key_env in backends[0] in config file '%s': the environment variable 'NOT_SET_ANYWHERE' is"
                + " not set"),
        Arguments.of("api_key and api_key_env", "backends:\n  - url: http://a:1\n    api_key: sk-secret\n"
                + "    api_key_env: KEY\n",
            "invalid backends[0] in config file '%s': api_key and api_key_env are both set; give one"),
        Arguments.of("a missing url", "backends:\n  - name: gpu-a\n    weight: 2\n",
            "missing url in backends[0] ('gpu-a') in config file '%s'"),
        Arguments.of("a bad url, password hidden", "backends:\n  - url: ftp://ops:secret@a:1\n",
            "invalid url 'ftp://***@a:1' of backends[0] in config file '%s': it must start with http:// or https://"),
        Arguments.of("a weight that is not a number", "backends:\n  - url: http://a:1\n    weight: heavy\n",
            "invalid weight 'heavy' in backends[0] in config file '%s': a whole number of at least 1"),
        Arguments.of("a zero weight", "backends:\n  - url: http://a:1\n    weight: 0\n",
            "invalid weight '0' in backends[0] in config file '%s': a whole number of at least 1"),
        Arguments.of("a fractional capacity", "backends:\n  - name: x\n    url: http://a:1\n    capacity: 1.5\n",
            "invalid capacity '1.5' in backends[0] ('x') in config file '%s': a whole number of at least 1"),
        Arguments.of("a negative max_in_flight", "backends:\n  - url: http://a:1\n    max_in_flight: -1\n",
            "invalid max_in_flight '-1' in backends[0] in config file '%s': a whole number of at least 1"),
        Arguments.of("a bad profile", "backends:\n  - url: http://a:1\n    profile: vllm\n",
            "invalid profile of backends[0] in config file '%s': 'vllm' (use auto or gateway)"),
        Arguments.of("duplicate names", "backends:\n  - {name: a, url: 'http://a:1'}\n  - {url: 'http://b:1'}\n"
                + "  - {name: a, url: 'http://c:1'}\n",
            "duplicate backend name 'a' in config file '%s': backends[0] ('a') and backends[2] ('a')"),
        Arguments.of("a name with a line break", "backends:\n  - name: \"a\\nb\"\n    url: http://a:1\n",
            "invalid name in backends[0] in config file '%s': no control characters"),
        Arguments.of("a blank name", "backends:\n  - name: ' '\n    url: http://a:1\n",
            "invalid name in backends[0] in config file '%s': expected a non-empty string"),
        Arguments.of("both backend and backends", "backend: http://a:1\nbackends:\n  - url: http://b:1\n",
            "config file '%s' has both backend: and backends:; keep one (a single backend is a backends: list of"
                + " one)"),
        Arguments.of("the alias and backends", "backends:\n  - url: http://b:1\nlmstudio-url: http://a:1\n",
            "config file '%s' has both backend: and backends:; keep one (a single backend is a backends: list of"
                + " one)"),
        Arguments.of("an empty list", "backends: []\n",
            "invalid backends in config file '%s': expected a list of maps with at least a url"),
        Arguments.of("not a list", "backends: http://a:1\n",
            "invalid backends in config file '%s': expected a list of maps with at least a url"),
        Arguments.of("an entry that is not a map", "backends:\n  - http://a:1\n",
            "invalid backends[0] in config file '%s': expected a map with at least a url"),
        Arguments.of("a key that is not a string, never shown", "backends:\n  - url: http://a:1\n"
                + "    api_key: [sk-secret]\n",
            "invalid api_key in backends[0] in config file '%s': expected a non-empty string"),
        Arguments.of("credentials and a key, never shown", "backends:\n  - url: http://ops:secret@a:1\n"
                + "    api_key: sk-secret\n",
            "invalid url 'http://a:1' of backends[0] in config file '%s': it carries credentials (user:password@)"
                + " and api_key is set too; give the backend one of them"));
  }

  /** A key kept in a Secret reaches the backend through the variable the entry names, never through the file. */
  @Test
  void apiKeyEnvReadsTheKeyFromTheEnvironment() throws IOException {
    Path file = yaml("backends:\n  - name: a\n    url: http://a:1\n    api_key_env: A_KEY\n  - url: http://b:1\n");
    ProxyConfig config = CommandLineConfig.parse(new String[] {"--config", file.toString()},
        Map.of("A_KEY", " sk-from-env "));
    assertThat(config.backends().get(0).apiKey()).isEqualTo("sk-from-env");
    assertThat(config.backends().get(1).apiKey()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFileLists")
  void aBadFileListFailsWithOneLineNamingTheEntryAndKey(String name, String yaml, String message)
      throws IOException {
    Path file = yaml(yaml);
    assertThatThrownBy(() -> CommandLineConfig.parse(new String[] {"--config", file.toString()}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message.formatted(file))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("secret"));
  }

  static Stream<Arguments> globalBackendSettingsWithAFileList() {
    return Stream.of(
        Arguments.of(new String[] {"--backend-api-key", "sk-secret"}, Map.of(),
            "--backend-api-key applies to --backend URLs only; give each entry of the config file's backends: list"
                + " its own api_key"),
        Arguments.of(NO_ARGS, Map.of("OLLAMA_PROXY_BACKEND_PROFILE", "gateway"),
            "--backend-profile applies to --backend URLs only; give each entry of the config file's backends: list"
                + " its own profile"));
  }

  /** Silently dropping a key or a profile meant for the backends would be worse than refusing to start. */
  @ParameterizedTest
  @MethodSource("globalBackendSettingsWithAFileList")
  void aBackendKeyOrProfileNextToAFileListIsAnError(String[] args, Map<String, String> env, String message)
      throws IOException {
    Path file = yaml("backends:\n  - url: http://a:1\n");
    String[] all = Stream.concat(Stream.of("--config", file.toString()), Stream.of(args)).toArray(String[]::new);
    assertThatThrownBy(() -> CommandLineConfig.parse(all, env)).isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void aBadProfileFlagIsAnError() {
    assertThatThrownBy(() -> CommandLineConfig.parse(new String[] {"--backend-profile", "vllm"}, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessage("invalid --backend-profile: 'vllm' (use auto or gateway)");
  }

  @Test
  void withBackendReplacesTheListByOneBackendKeepingTheFirstsKey() {
    ProxyConfig config = CommandLineConfig.parse(new String[] {"--backend", "http://a:1,http://b:2",
        "--backend-api-key", "tok"}, Map.of());
    ProxyConfig demo = config.withBackend(URI.create("http://127.0.0.1:5555/"));
    assertThat(demo.backends()).singleElement().satisfies(b -> {
      assertThat(b.name()).isEqualTo("127.0.0.1:5555");
      assertThat(b.url()).hasToString("http://127.0.0.1:5555");
      assertThat(b.apiKey()).isEqualTo("tok");
    });
    List<BackendSpec> two = List.of(BackendSpec.of(URI.create("http://x:1")),
        BackendSpec.of(URI.create("http://y:1")));
    assertThat(config.withBackends(two).backends()).isEqualTo(two);
    assertThatThrownBy(() -> config.withBackends(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.withBackends(List.of(two.get(0), two.get(0))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBackendNeverPrintsItsSecrets() {
    BackendSpec spec = new BackendSpec("n", URI.create("http://ops:pw@h:1"), "sk-123", null, 1, null, null, null);
    assertThat(spec.userInfo()).isEqualTo("ops:pw");
    assertThat(spec.url()).hasToString("http://h:1");
    assertThat(spec.profile()).isEqualTo(BackendProfile.AUTO);
    assertThat(spec.toString()).contains("n").contains("http://h:1").doesNotContain("sk-123").doesNotContain("pw");
  }

  static Stream<Arguments> queueAndBreakerOptions() {
    return Stream.of(
        Arguments.of("--queue-length", "0", read(ProxyConfig::queueLength), 0),
        Arguments.of("--queue-length", "3", read(ProxyConfig::queueLength), 3),
        Arguments.of("--queue-timeout", "2m", read(ProxyConfig::queueTimeout), Duration.ofMinutes(2)),
        Arguments.of("--probe-interval", "500ms", read(ProxyConfig::probeInterval), Duration.ofMillis(500)),
        Arguments.of("--breaker-cooldown", "30s", read(ProxyConfig::breakerCooldown), Duration.ofSeconds(30)),
        Arguments.of("--breaker-failures", "1", read(ProxyConfig::breakerFailures), 1));
  }

  private static Function<ProxyConfig, Object> read(Function<ProxyConfig, Object> accessor) {
    return accessor;
  }

  @Test
  void queueProbeAndBreakerDefaults() {
    ProxyConfig config = CommandLineConfig.parse(NO_ARGS, Map.of());
    assertThat(config.queueLength()).isEqualTo(512);
    assertThat(config.queueTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.probeInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.breakerCooldown()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.breakerFailures()).isEqualTo(3);
    assertThat(config.maxInFlight()).isEqualTo(512);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("queueAndBreakerOptions")
  void queueProbeAndBreakerComeFromFlagsEnvironmentOrFile(String option, String value,
      Function<ProxyConfig, Object> read, Object expected) throws IOException {
    String key = option.substring(2);
    Path file = yaml(key + ": " + value + "\n");
    assertThat(read.apply(CommandLineConfig.parse(new String[] {option, value}, Map.of()))).isEqualTo(expected);
    assertThat(read.apply(CommandLineConfig.parse(NO_ARGS, Map.of(EnvironmentThenFile.environmentVariable(key),
        value)))).isEqualTo(expected);
    assertThat(read.apply(CommandLineConfig.parse(new String[] {"--config", file.toString()}, Map.of())))
        .isEqualTo(expected);
  }

  static Stream<Arguments> badQueueAndBreakerValues() {
    return Stream.of(
        Arguments.of("--queue-length", "-1", "invalid value for --queue-length: '-1' (a whole number of at least 0)"),
        Arguments.of("--queue-length", "many",
            "invalid value for --queue-length: 'many' (a whole number of at least 0)"),
        Arguments.of("--queue-timeout", "0", "invalid duration for --queue-timeout: '0' must be positive"),
        Arguments.of("--probe-interval", "0s", "invalid duration for --probe-interval: '0s' must be positive"),
        Arguments.of("--breaker-cooldown", "soon",
            "invalid duration for --breaker-cooldown: 'soon' (use e.g. 500ms, 30s, 5m, 1h)"),
        Arguments.of("--breaker-failures", "0",
            "invalid value for --breaker-failures: '0' (a whole number of at least 1)"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badQueueAndBreakerValues")
  void badQueueAndBreakerValuesFailWithOneLine(String option, String value, String message) {
    assertThatThrownBy(() -> CommandLineConfig.parse(new String[] {option, value}, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessage(message);
  }

  private static Path yaml(String text) throws IOException {
    Path file = Files.createTempFile(dir, "config", ".yaml");
    Files.writeString(file, text);
    return file;
  }
}
