package io.github.ollamalmstudioproxy.server;

/**
 * How far a request has been answered: nothing yet, a stream that has begun, or a complete answer. The reply writer
 * consults it alone to choose between a status code (before the first byte) and one {@code {"error"}} line (after
 * it), and a second answer fails loudly: answering twice is a bug in the caller, not something to swallow.
 */
final class ResponseState {
  enum Phase { NOT_STARTED, STREAMING, ENDED }

  private Phase phase = Phase.NOT_STARTED;
  private boolean streamed;

  Phase phase() {
    return phase;
  }

  boolean notStarted() {
    return phase == Phase.NOT_STARTED;
  }

  /** The status and headers went out and a body follows in pieces. */
  void streaming() {
    if (phase != Phase.NOT_STARTED) {
      throw new IllegalStateException("a stream was started on a response that is already " + phase);
    }
    phase = Phase.STREAMING;
    streamed = true;
  }

  /** True if a stream was started, however it ended (for the active-streams gauge). */
  boolean streamed() {
    return streamed;
  }

  /** The answer is complete (a whole body, or the end of a stream). */
  void ended() {
    if (phase == Phase.ENDED) {
      throw new IllegalStateException("the request was answered twice");
    }
    phase = Phase.ENDED;
  }
}
