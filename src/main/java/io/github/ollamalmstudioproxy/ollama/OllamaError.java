package io.github.ollamalmstudioproxy.ollama;

/**
 * An error to answer the Ollama way: an HTTP status and a one-line message, sent as {@code {"error":"..."}}.
 *
 * <p>Thrown by the pure layers (request validation, name resolution) so that they stay free of HTTP types; the
 * server turns it into a response before the first byte, or into an {@code {"error":...}} NDJSON line after it.
 */
public final class OllamaError extends RuntimeException {
  private final int status;

  public OllamaError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /**
   * @param cause what happened underneath, for the log line (the reply writer appends it); never part of the message
   *     a client reads
   */
  public OllamaError(int status, String message, Throwable cause) {
    super(message, cause, false, false);
    this.status = status;
  }

  public static OllamaError badRequest(String message) {
    return new OllamaError(400, message);
  }

  public static OllamaError modelNotFound(String name) {
    return new OllamaError(404, "model '" + name + "' not found");
  }

  public int status() {
    return status;
  }
}
