package io.github.ollamalmstudioproxy.upstream;

/**
 * A backend call that succeeded, and the time the request spent waiting for model loads on the way.
 *
 * @param loadNanos 0 when no load happened
 * @param sentNanos {@link System#nanoTime()} when the attempt that answered was sent
 */
public record Sent<T>(T value, long loadNanos, long sentNanos) {}
