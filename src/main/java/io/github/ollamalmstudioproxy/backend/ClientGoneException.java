package io.github.ollamalmstudioproxy.backend;

/** The client went away, so the backend work was abandoned; nobody is left to answer. */
public final class ClientGoneException extends RuntimeException {
  public ClientGoneException() {
    super("client went away", null, false, false);
  }
}
