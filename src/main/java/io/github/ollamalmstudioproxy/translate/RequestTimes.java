package io.github.ollamalmstudioproxy.translate;

/**
 * The caller's {@link System#nanoTime()} marks for the duration fields of the final line.
 *
 * @param requestStartNanos when the client's request arrived ({@code total_duration} runs from here)
 * @param upstreamSentNanos when the backend request was sent ({@code prompt_eval_duration} runs from here to the
 *     first token)
 * @param loadDurationNanos {@code load_duration}: request arrival until the backend request was sent, model loads
 *     included, as Ollama measures {@code checkpointLoaded - checkpointStart} (time until the model is ready)
 */
public record RequestTimes(long requestStartNanos, long upstreamSentNanos, long loadDurationNanos) {
  /** The times of a request whose backend request went out at {@code upstreamSentNanos}. */
  public static RequestTimes sentAt(long requestStartNanos, long upstreamSentNanos) {
    return new RequestTimes(requestStartNanos, upstreamSentNanos, Math.max(0, upstreamSentNanos - requestStartNanos));
  }
}
