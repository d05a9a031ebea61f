package io.github.ollamalmstudioproxy.upstream;

/**
 * Every backend that could serve the request is full and the queue cannot take it (full, or the wait ran out):
 * answered with Ollama's 503 and this message. Logged by {@link RefusalLog} as part of a burst, so the reply writer
 * logs nothing more for it.
 */
public final class Refused extends RuntimeException {
  public Refused(String message) {
    super(message, null, false, false);
  }
}
