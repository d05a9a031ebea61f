package io.github.ollamalmstudioproxy.translate;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.ollama.OllamaError;

/**
 * A backend error, classified: what it means for the request ({@link #kind}), the Ollama status to answer with, and
 * the backend's own message (users want its reason, e.g. "does not support image inputs").
 *
 * @param status the status an Ollama client gets (see {@link BackendErrors#classify})
 */
public record BackendError(ErrorClass kind, int status, String message) {
  public BackendError {
    requireNonNull(kind, "kind");
    requireNonNull(message, "message");
  }

  /**
   * The error to answer with. An unknown model is worded as Ollama words it, with the name the client sent
   * ({@code clientModel}, null when unknown), rather than with the backend's id.
   */
  public OllamaError toOllamaError(String clientModel) {
    if (kind == ErrorClass.MODEL_NOT_FOUND && status == 404 && clientModel != null) {
      return OllamaError.modelNotFound(clientModel);
    }
    return new OllamaError(status, message);
  }
}
