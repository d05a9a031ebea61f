package io.github.ollamalmstudioproxy;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs the graceful shutdown on SIGTERM and SIGINT, on its own thread, once.
 *
 * <p>Handling the signals directly (instead of a JVM shutdown hook) lets the process exit 0 after a clean drain; a
 * hook would end with 143. Where signals cannot be handled, the shutdown hook is the fallback.
 */
final class ShutdownSignals {
  private static final Logger log = LoggerFactory.getLogger(ShutdownSignals.class);

  private ShutdownSignals() {}

  /** Returns the shutdown as it runs on a signal (once, whoever calls first), for a caller that ends on its own. */
  static Runnable onTerminate(Runnable shutdown) {
    AtomicBoolean started = new AtomicBoolean();
    Runnable once = () -> {
      if (started.compareAndSet(false, true)) {
        shutdown.run();
      }
    };
    try {
      for (String name : new String[] {"TERM", "INT"}) {
        Signal.handle(new Signal(name), signal -> {
          log.info("received SIG{}", name);
          new Thread(once, "graceful-shutdown").start();
        });
      }
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      Runtime.getRuntime().addShutdownHook(new Thread(once, "graceful-shutdown"));
    }
    return once;
  }
}
