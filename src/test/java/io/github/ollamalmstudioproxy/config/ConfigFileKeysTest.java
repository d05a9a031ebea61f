package io.github.ollamalmstudioproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** "Every option can be given … in a YAML file" (README): the file's keys are checked against the options themselves. */
class ConfigFileKeysTest {
  private static final Set<String> NOT_IN_A_FILE = Set.of("config", "help", "version");

  @Test
  void everyOptionIsAKeyOfTheConfigFile() {
    CommandSpec spec = CommandSpec.forAnnotatedObject(new ProxyOptions());
    for (OptionSpec option : spec.options()) {
      String key = option.longestName().replaceFirst("^--", "");
      if (!NOT_IN_A_FILE.contains(key)) {
        assertThat(ConfigFile.knows(key)).as("--" + key + " in a config file").isTrue();
      }
    }
  }
}
