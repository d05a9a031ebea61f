package io.github.ollamalmstudioproxy.translate;

/** What a backend error means for the request that got it, decided before anything acts on it. */
public enum ErrorClass {
  /** The model is not loaded (or its just-in-time load failed transiently): load it, then replay the request. */
  RETRY_AFTER_LOAD,
  /** A transient engine failure (protocol error, crash, an HTML 5xx from an intermediary): replay once. */
  RETRY_ONCE,
  /** The model does not exist on the backend. */
  MODEL_NOT_FOUND,
  /** The request itself is wrong for this model (context overflow, template, messages, format, images). */
  INVALID_REQUEST,
  /** Anything else: passed on with the backend's status and message, never retried. */
  OTHER
}
