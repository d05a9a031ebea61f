package io.github.ollamalmstudioproxy.upstream;

import io.github.ollamalmstudioproxy.backend.BackendAnswerTooLarge;
import io.github.ollamalmstudioproxy.backend.BackendHttpError;
import io.github.ollamalmstudioproxy.backend.ClientGoneException;
import io.github.ollamalmstudioproxy.backend.TransportFailures;
import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.translate.BackendErrors;

/** Any failure of a backend call, as the Ollama error its client gets: the one mapping the server relies on. */
final class Failures {
  private Failures() {}

  /**
   * An {@link OllamaError} passes as it is; a backend's error answer is classified; a failure to reach the backend at
   * all, or an answer larger than the proxy reads, gets the transport wording (502, or 504 for a timeout), which says
   * what failed. A client that went away, and anything else (a bug, or an {@link Error} such as heap exhaustion), are
   * passed on unchanged: nobody is left to answer the first, and the reply writer logs the rest with its stack and
   * answers 500 "internal error", never with the words for an unreachable backend. Nothing is logged here: the reply
   * writer logs each answer once.
   */
  /** The same for work no single client waits on (a download several pulls share): no model name to quote. */
  static Throwable toOllama(Throwable cause, TransportFailures transport) {
    if (cause instanceof BackendHttpError answer) {
      return BackendErrors.classify(answer.status(), answer.body()).toOllamaError(null);
    }
    if (TransportFailures.isTransport(cause)) {
      return new OllamaError(transport.status(cause), transport.message(cause), cause);
    }
    return cause;
  }

  static Throwable toOllama(Throwable cause, TransportFailures transport, Caller caller) {
    if (cause instanceof OllamaError || cause instanceof ClientGoneException || cause instanceof Error
        || caller.cancelled()) {
      return cause;
    }
    if (cause instanceof BackendHttpError answer) {
      return BackendErrors.classify(answer.status(), answer.body()).toOllamaError(caller.model());
    }
    if (TransportFailures.isTransport(cause)) {
      return new OllamaError(transport.status(cause), transport.message(cause), cause);
    }
    return cause;
  }
}
