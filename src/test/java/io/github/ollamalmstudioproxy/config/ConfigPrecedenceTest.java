package io.github.ollamalmstudioproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigPrecedenceTest {
  @TempDir Path dir;

  @Test
  void defaultsListenOnLoopbackAndTalkToLmStudio() {
    ProxyConfig config = CommandLineConfig.parse(new String[0], Map.of());
    assertThat(config.listen()).isEqualTo(new ListenAddress("127.0.0.1", 11434));
    assertThat(config.backend()).hasToString("http://localhost:1234");
    assertThat(config.apiKey()).isNull();
    assertThat(config.ollamaVersion()).isEqualTo(ProxyConfig.DEFAULT_OLLAMA_VERSION);
    assertThat(config.firstByteTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.maxBodyBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(config.aggregateTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.maxBodyMemory()).as("80% of the max heap").isEqualTo(Runtime.getRuntime().maxMemory() / 10 * 8);
  }

  @Test
  void theMemoryBoundsComeFromFlagsEnvironmentOrFile() throws IOException {
    Path file = yaml("max-body-memory: 96MiB\naggregate-timeout: 90s\n");

    ProxyConfig fromFile = CommandLineConfig.parse(new String[] {"--config", file.toString()}, Map.of());
    ProxyConfig fromEnv = CommandLineConfig.parse(new String[0], Map.of("OLLAMA_PROXY_MAX_BODY_MEMORY", "200MB",
        "OLLAMA_PROXY_AGGREGATE_TIMEOUT", "1h"));

    assertThat(fromFile.maxBodyMemory()).isEqualTo(96L * 1024 * 1024);
    assertThat(fromFile.aggregateTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(fromEnv.maxBodyMemory()).isEqualTo(200_000_000L);
    assertThat(fromEnv.aggregateTimeout()).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> CommandLineConfig.parse(new String[] {"--max-body-memory", "0"}, Map.of()))
        .hasMessageContaining("--max-body-memory");
    assertThatThrownBy(() -> CommandLineConfig.parse(new String[] {"--aggregate-timeout", "0s"}, Map.of()))
        .hasMessageContaining("--aggregate-timeout");
  }

  @Test
  void flagBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
    Path file = yaml("backend: http://file:1\napi-key: from-file\nollama-version: 0.9.0\ndrain-timeout: 3s\n");
    Map<String, String> env = Map.of(
        "OLLAMA_PROXY_BACKEND", "http://env:2",
        "OLLAMA_PROXY_API_KEY", "from-env");

    ProxyConfig config = CommandLineConfig.parse(
        new String[] {"--config", file.toString(), "--backend", "http://flag:3"}, env);

    assertThat(config.backend()).hasToString("http://flag:3");
    assertThat(config.apiKey()).isEqualTo("from-env");
    assertThat(config.ollamaVersion()).isEqualTo("0.9.0");
    assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void configFileCanComeFromTheEnvironment() throws IOException {
    Path file = yaml("origins: [\"https://a.example\", \"https://b.example\"]\n");
    ProxyConfig config = CommandLineConfig.parse(new String[0], Map.of("OLLAMA_PROXY_CONFIG", file.toString()));
    assertThat(config.origins()).containsExactly("https://a.example", "https://b.example");
  }

  @Test
  void ollamaVariablesAreHonouredBelowTheProxyOwn() {
    Map<String, String> env = Map.of("OLLAMA_HOST", "0.0.0.0", "OLLAMA_ORIGINS", "https://x.example");
    ProxyConfig config = CommandLineConfig.parse(new String[0], env);
    assertThat(config.listen()).isEqualTo(new ListenAddress("0.0.0.0", 11434));
    assertThat(config.origins()).containsExactly("https://x.example");

    ProxyConfig own = CommandLineConfig.parse(new String[0],
        Map.of("OLLAMA_HOST", "0.0.0.0", "OLLAMA_PROXY_LISTEN", "127.0.0.1:9999"));
    assertThat(own.listen()).isEqualTo(new ListenAddress("127.0.0.1", 9999));
  }

  /** Issue 11: the listener's timeouts, in the spirit of Go's net/http (Ollama itself sets none). */
  @Test
  void listenerTimeoutsDefaultToTenSecondsForHeadersAMinuteForBodiesAndFiveMinutesIdle() throws IOException {
    ProxyConfig config = CommandLineConfig.parse(new String[0], Map.of());
    assertThat(config.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.bodyTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.keepAliveTimeout()).isEqualTo(Duration.ofMinutes(5));

    Path file = yaml("keep-alive-timeout: 90s\n");
    ProxyConfig set = CommandLineConfig.parse(new String[] {"--config", file.toString(), "--header-timeout", "300ms"},
        Map.of("OLLAMA_PROXY_BODY_TIMEOUT", "2m"));
    assertThat(set.headerTimeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(set.bodyTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(set.keepAliveTimeout()).isEqualTo(Duration.ofSeconds(90));

    for (String option : new String[] {"--header-timeout", "--body-timeout", "--keep-alive-timeout"}) {
      assertFails(new String[] {option, "0"}, "invalid duration for " + option + ": '0' must be positive");
      assertThat(CommandLineConfig.parse(new String[] {option, "1ms"}, Map.of())).as(option + " 1ms").isNotNull();
    }
  }

  @Test
  void theRequestTimeoutIsGenerousByDefaultAndZeroTurnsItOff() throws IOException {
    assertThat(CommandLineConfig.parse(new String[0], Map.of()).requestTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(CommandLineConfig.parse(new String[] {"--request-timeout", "0"}, Map.of()).requestTimeout()).isZero();
    Path file = yaml("request-timeout: 2h\n");
    assertThat(CommandLineConfig.parse(new String[] {"--config", file.toString()}, Map.of()).requestTimeout())
        .isEqualTo(Duration.ofHours(2));
    assertFails(new String[] {"--request-timeout", "forever"}, "invalid duration for --request-timeout");
  }

  @Test
  void lmstudioUrlIsAnAliasOfBackend() {
    ProxyConfig config = CommandLineConfig.parse(new String[] {"--lmstudio-url", "http://127.0.0.1:4321/"}, Map.of());
    assertThat(config.backend()).hasToString("http://127.0.0.1:4321");
  }

  @Test
  void backendCredentialsAreSplitOffTheUrlAndNeverPrinted() {
    ProxyConfig config = CommandLineConfig.parse(new String[] {"--backend", "http://ops:p%40ss@lm.example:1234/"},
        Map.of());
    assertThat(config.backend()).hasToString("http://lm.example:1234");
    assertThat(config.backendUserInfo()).isEqualTo("ops:p@ss");
    assertThat(config.toString()).doesNotContain("p@ss").doesNotContain("p%40ss").doesNotContain("ops:");
    assertThat(config.withBackend(java.net.URI.create("http://127.0.0.1:9")).backendUserInfo()).isNull();

    assertFails(new String[] {"--backend", "http://ops:secret@lm.example:1234", "--backend-api-key", "tok"},
        "carries credentials");
    for (String bad : new String[] {"http://ops:secret@lm.example:99999", "ftp://ops:secret@lm.example",
        "http://ops:secret@lm.example/x?q=1", "http://ops:secret@lm.example:1234/a b"}) {
      assertThatThrownBy(() -> CommandLineConfig.parse(new String[] {"--backend", bad}, Map.of()))
          .isInstanceOf(ConfigException.class).message().as(bad).doesNotContain("secret").contains("***@");
    }
  }

  @Test
  void badValuesFailWithOneClearLine() throws IOException {
    assertFails(new String[] {"--backend", "localhost:1234"}, "must start with http:// or https://");
    assertFails(new String[] {"--listen", "127.0.0.1:70000"}, "out of range");
    assertFails(new String[] {"--listen", "127.0.0.1:abc"}, "port must be a number");
    assertFails(new String[] {"--config", dir.resolve("missing.yaml").toString()}, "cannot read config file");
    assertFails(new String[] {"--idle-timeout", "soon"}, "invalid duration for --idle-timeout");
    assertFails(new String[] {"--ollama-version", "latest"}, "use X.Y.Z");
    assertFails(new String[] {"--max-body-size", "lots"}, "invalid size");
    assertFails(new String[] {"--no-such-flag"}, "Unknown option");
    Path typo = yaml("bakend: http://x\n");
    assertFails(new String[] {"--config", typo.toString()}, "unknown option 'bakend'");
  }

  private void assertFails(String[] args, String message) {
    assertThatThrownBy(() -> CommandLineConfig.parse(args, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  private Path yaml(String text) throws IOException {
    Path file = Files.createTempFile(dir, "config", ".yaml");
    Files.writeString(file, text);
    return file;
  }
}
