package io.github.ollamalmstudioproxy.translate;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code done:false} lines that tell a streaming client its model is loading ({@code --load-progress}), in the
 * shape of the answer's own lines, with the news in {@code thinking}:
 *
 * <pre>
 *   {"model":"…","created_at":"…","message":{"role":"assistant","content":"","thinking":"Loading … on the backend…\n"},"done":false}
 *   {"model":"…","created_at":"…","response":"","thinking":"Still loading: 5.0 s\n","done":false}
 * </pre>
 *
 * <p>{@code thinking}, because clients that show thinking show it (the ollama CLI, Open WebUI's reasoning block) and
 * the others drop it, while text in {@code content} would become part of the answer, its saved history and the next
 * prompt. After {@code think:false} the lines carry no text at all: the client asked for no thinking, and an empty
 * piece still keeps its connection from looking dead. LM Studio's load call reports no progress, so the lines say
 * only what the proxy measures: the time waited.
 */
public final class LoadProgressLines {
  private final OllamaWriter writer;
  private final String model;
  private final boolean silent;

  public LoadProgressLines(StreamSettings settings, Clock clock) {
    this.writer = new OllamaWriter(requireNonNull(settings, "settings"), requireNonNull(clock, "clock"));
    this.model = settings.clientModel();
    this.silent = settings.dropReasoning();
  }

  /** The first line, as the wait begins. */
  public byte[] started() {
    return line("Loading " + model + " on the backend…\n");
  }

  /** A line per interval while the load runs. */
  public byte[] waiting(Duration waited) {
    return line("Still loading: " + seconds(waited) + " s\n");
  }

  /** The last line, once the model is loaded; a blank line parts it from the model's own thinking. */
  public byte[] loaded(Duration waited) {
    return line("Loaded in " + seconds(waited) + " s.\n\n");
  }

  private static String seconds(Duration waited) {
    return String.format(Locale.ROOT, "%.1f", waited.toMillis() / 1000.0);
  }

  private byte[] line(String text) {
    return writer.piece("", silent ? null : text, List.of());
  }
}
