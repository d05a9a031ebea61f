package io.github.ollamalmstudioproxy.translate;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.List;

/**
 * The body Ollama answers at once to a load request (empty {@code messages} or {@code prompt}) or an unload request
 * (the same with {@code keep_alive} 0): plain JSON even when streaming was asked for, and no metrics.
 *
 * <pre>
 *   {"model":"…","created_at":"…","message":{"role":"assistant","content":""},"done":true,"done_reason":"load"}
 *   {"model":"…","created_at":"…","response":"","done":true,"done_reason":"unload"}
 * </pre>
 */
public final class LoadResponse {
  private LoadResponse() {}

  /** @param unload {@code done_reason:"unload"} instead of {@code "load"} */
  public static byte[] body(StreamSettings settings, boolean unload, Clock clock) {
    requireNonNull(settings, "settings");
    OllamaWriter writer = new OllamaWriter(settings, requireNonNull(clock, "clock"));
    // Ollama's load and unload answers carry no metrics at all (routes.go: only model, created_at, done, done_reason).
    FinalStats stats = new FinalStats(unload ? "unload" : "load", false, false, 0, FinalStats.NOT_MEASURED, 0, 0, 0, 0);
    return writer.done("", null, List.of(), List.of(), stats, false);
  }
}
