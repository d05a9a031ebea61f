package io.github.ollamalmstudioproxy.server;

/**
 * Every {@code --max-in-flight} slot is taken: answered with Ollama's 503 {@link Admission#BUSY}. The refusal is
 * logged by {@link RefusalLog} as part of a burst, so the reply writer logs nothing more for it.
 */
final class Busy extends RuntimeException {
  Busy() {
    super(Admission.BUSY, null, false, false);
  }
}
