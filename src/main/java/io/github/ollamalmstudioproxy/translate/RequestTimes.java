package io.github.ollamalmstudioproxy.translate;

/**
 * The caller's {@link System#nanoTime()} marks for the duration fields of the final line.
 *
 * @param requestStartNanos when the client's request arrived ({@code total_duration} runs from here)
 * @param upstreamSentNanos when the backend request was sent ({@code prompt_eval_duration} runs from here to the
 *     first token)
 * @param loadDurationNanos time spent loading the model for this request, or {@link #NO_LOAD}
 */
public record RequestTimes(long requestStartNanos, long upstreamSentNanos, long loadDurationNanos) {
  public static final long NO_LOAD = -1;
}
