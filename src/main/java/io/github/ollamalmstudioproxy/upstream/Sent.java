package io.github.ollamalmstudioproxy.upstream;

/**
 * A backend call that succeeded.
 *
 * @param sentNanos {@link System#nanoTime()} when the attempt that answered was sent: what waited before it (model
 *     loads, replays) is the request's {@code load_duration}
 */
public record Sent<T>(T value, long sentNanos) {}
