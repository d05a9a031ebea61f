package io.github.ollamalmstudioproxy.backend;

/**
 * The backend answered with a body larger than the proxy reads into memory for it (see {@link BoundedBody}); the
 * backend request has been reset. Answered as a 502 with this message, which names the body and the limit.
 */
public final class BackendAnswerTooLarge extends RuntimeException {
  BackendAnswerTooLarge(BoundedBody.Limit limit) {
    super("the backend's " + limit.what() + " is larger than " + BoundedBody.size(limit.bytes())
        + ", the most the proxy reads" + (limit.advice() == null ? "" : "; " + limit.advice()), null, false, false);
  }
}
