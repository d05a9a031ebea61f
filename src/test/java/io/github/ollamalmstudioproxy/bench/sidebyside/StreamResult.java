package io.github.ollamalmstudioproxy.bench.sidebyside;

/**
 * What the client saw of one streamed answer: when the request went out, when each content chunk arrived, the
 * content, and whether the stream ended with its end marker. Written on one event loop, read after completion.
 */
final class StreamResult {
  final long sendNanos;
  final Stats.Samples arrivals = new Stats.Samples();
  final StringBuilder content = new StringBuilder();
  int status;
  boolean done;
  String error;
  /** When the client hung up, for cancellation runs; 0 otherwise. */
  long hangUpNanos;
  /** The start of an answer that was not a 200 (the proxy's error line), so a failed run says why. */
  private final StringBuilder errorBody = new StringBuilder();

  StreamResult(long sendNanos) {
    this.sendNanos = sendNanos;
  }

  void keepErrorBody(String part) {
    if (errorBody.length() < 200) {
      errorBody.append(part, 0, Math.min(part.length(), 200 - errorBody.length()));
    }
  }

  long firstTokenNanos() {
    return arrivals.size() == 0 ? -1 : arrivals.get(0) - sendNanos;
  }

  /** True when the answer was a 200 that ended properly and carried exactly {@code expected}. */
  boolean correct(String expected) {
    return error == null && status == 200 && done && content.toString().equals(expected);
  }

  String describe(String expected) {
    if (error != null) {
      return error;
    }
    if (status != 200) {
      return "status " + status + (errorBody.length() == 0 ? "" : ": " + errorBody.toString().trim());
    }
    if (!done) {
      return "no end marker after " + arrivals.size() + " chunks";
    }
    return "content differs: got " + content.length() + " chars, expected " + expected.length();
  }
}
