package io.github.ollamalmstudioproxy.backend;

/**
 * The backend answered, but with an error: a non-2xx status, or an error body under a 2xx (LM Studio does that).
 * Carries the raw body so the caller can unwrap the backend's own message.
 */
public final class BackendHttpError extends RuntimeException {
  private final int status;
  private final String body;

  public BackendHttpError(int status, String body) {
    super("backend answered HTTP " + status, null, false, false);
    this.status = status;
    this.body = body;
  }

  public int status() {
    return status;
  }

  public String body() {
    return body;
  }
}
