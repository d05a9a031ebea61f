package io.github.ollamalmstudioproxy;

import java.io.PrintWriter;
import java.net.URI;

/** The --demo backend: the built-in LM Studio simulator on a free loopback port. */
final class Demo implements AutoCloseable {
  private Demo() {}

  static Demo start(PrintWriter err) {
    throw new UnsupportedOperationException("the simulator is not merged yet");
  }

  URI backendUrl() {
    return null;
  }

  @Override
  public void close() {}
}
