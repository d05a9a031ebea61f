package io.github.ollamalmstudioproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --load-progress}: off by default, a bare flag means every 5 s, or it names its interval. */
class LoadProgressOptionTest {
  private static Duration parsed(String[] args, Map<String, String> env) {
    return CommandLineConfig.parse(args, env).loadProgress();
  }

  @Test
  void isOffByDefault() {
    assertThat(parsed(new String[0], Map.of())).isZero();
  }

  @Test
  void aBareFlagOrTrueMeansTheDefaultInterval() {
    assertThat(parsed(new String[] {"--load-progress"}, Map.of())).isEqualTo(Duration.ofSeconds(5));
    assertThat(parsed(new String[] {"--load-progress=true"}, Map.of())).isEqualTo(Duration.ofSeconds(5));
    assertThat(parsed(new String[0], Map.of("OLLAMA_PROXY_LOAD_PROGRESS", "on"))).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void anIntervalIsTakenAsGivenAndFalseOrZeroTurnItOff() {
    assertThat(parsed(new String[] {"--load-progress=2s"}, Map.of())).isEqualTo(Duration.ofSeconds(2));
    assertThat(parsed(new String[] {"--load-progress=false"}, Map.of())).isZero();
    assertThat(parsed(new String[] {"--load-progress=0"}, Map.of())).isZero();
  }

  @Test
  void anythingElseIsAOneLineConfigError() {
    assertThatThrownBy(() -> CommandLineConfig.parse(new String[] {"--load-progress=often"}, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("--load-progress")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
