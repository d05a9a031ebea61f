package io.github.ollamalmstudioproxy;

import io.github.ollamalmstudioproxy.simulator.LmStudioSimulator;
import io.github.ollamalmstudioproxy.simulator.SimulatorOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;

/** The --demo backend: the built-in LM Studio simulator on a free loopback port, announced loudly. */
final class Demo implements AutoCloseable {
  private final LmStudioSimulator simulator;

  private Demo(LmStudioSimulator simulator) {
    this.simulator = simulator;
  }

  static Demo start(PrintWriter out) {
    LmStudioSimulator simulator = LmStudioSimulator.start(SimulatorOptions.defaults());
    out.println();
    out.println("  *** DEMO MODE: answers come from the built-in LM Studio SIMULATOR at " + simulator.baseUrl()
        + ", not from a real model. ***");
    out.println("  *** Remove --demo to use LM Studio (start its server with 'lms server start').          ***");
    out.println();
    return new Demo(simulator);
  }

  /** Answers without the pauses between tokens that make the demo look like a model (for the self-exercise). */
  void answerAtOnce() {
    simulator.script().tokenInterval(Duration.ZERO).loadDelay(Duration.ZERO);
  }

  URI backendUrl() {
    return URI.create(simulator.baseUrl());
  }

  @Override
  public void close() {
    simulator.close();
  }
}
