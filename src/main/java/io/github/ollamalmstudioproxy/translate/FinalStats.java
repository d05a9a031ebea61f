package io.github.ollamalmstudioproxy.translate;

/**
 * The fields of the {@code done:true} line. Counts and durations below or equal to zero are left out, as Ollama's own
 * {@code omitempty} does, so that nothing the backend did not report is invented.
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
    long evalDuration) {}
