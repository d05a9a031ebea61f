package io.github.ollamalmstudioproxy.upstream;

import io.github.ollamalmstudioproxy.backend.CancelSignal;

/**
 * The client request a backend call serves, as the upstream layer sees it: its cancellation, its id for log lines, the
 * model name it used, and its one load deadline. The server's request scope implements it, so this layer needs no
 * HTTP server types.
 */
public interface Caller extends CancelSignal {
  /** The request id, for log lines. */
  String id();

  /** The model name exactly as the client sent it; null when not known yet. */
  String model();

  /** The request's single budget for waiting on model loads, shared by every wait of the request. */
  LoadDeadline loadDeadline();

  /**
   * Runs {@code action} once the client request is over, whether answered, failed or hung up; at once when it already
   * is. What a request holds until its answer is written (a model lease) is given back here. Any thread may call it.
   */
  void onEnd(Runnable action);

  /** Who hears that this request waits for a model load; nobody by default. */
  default LoadListener loadListener() {
    return LoadListener.NONE;
  }
}
