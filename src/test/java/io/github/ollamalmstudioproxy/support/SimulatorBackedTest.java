package io.github.ollamalmstudioproxy.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One proxy and simulator for all tests of a class, with the simulator's script and log reset before each test, so
 * tests stay independent without paying a start-up each.
 */
public abstract class SimulatorBackedTest {
  protected static ProxyHarness harness;

  @BeforeAll
  static void startHarness() {
    harness = ProxyHarness.start();
  }

  @AfterAll
  static void stopHarness() {
    harness.close();
  }

  @BeforeEach
  void resetSimulator() {
    harness.simulator().script().reset();
    harness.simulator().log().clear();
  }
}
