package io.github.ollamalmstudioproxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MainTest {
  private static final String NETTY_JFR = "io.netty.jfr.enabled";
  private String saved;

  @BeforeEach
  void save() {
    saved = System.getProperty(NETTY_JFR);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(NETTY_JFR);
    } else {
      System.setProperty(NETTY_JFR, saved);
    }
  }

  @Test
  void nettysJfrEventsAreOffUnlessAskedFor() {
    System.clearProperty(NETTY_JFR);
    Main.leanDefaults();
    assertThat(System.getProperty(NETTY_JFR)).isEqualTo("false");
  }

  @Test
  void aUserWhoAsksForNettysJfrEventsKeepsThem() {
    System.setProperty(NETTY_JFR, "true");
    Main.leanDefaults();
    assertThat(System.getProperty(NETTY_JFR)).isEqualTo("true");
  }
}
