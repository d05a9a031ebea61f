package io.github.ollamalmstudioproxy.translate;

/**
 * The fields of the {@code done:true} line. Counts and durations below or equal to zero are left out, as Ollama's own
 * {@code omitempty} does, so that nothing the backend did not report is invented; {@code loadDuration} is written
 * whenever it was measured, zero included (Ollama's is never zero, being measured on every answer).
 *
 * @param cancelled the stream was cut off by a graceful shutdown (the line then also carries an {@code error})
 * @param partialResponse with {@code cancelled}: some output had already been sent
 */
record FinalStats(
    String doneReason,
    boolean cancelled,
    boolean partialResponse,
    long totalDuration,
    long loadDuration,
    long promptEvalCount,
    long promptEvalDuration,
    long evalCount,
    long evalDuration) {
  /** A {@code loadDuration} that is left out: answers that ran no model (load, unload) have no metrics. */
  static final long NOT_MEASURED = -1;
}
