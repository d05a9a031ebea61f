package io.github.ollamalmstudioproxy.translate;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.ollama.OllamaError;
import io.github.ollamalmstudioproxy.sse.SseDecoder;
import io.github.ollamalmstudioproxy.sse.SseException;
import io.github.ollamalmstudioproxy.sse.SseListener;
import java.util.function.LongSupplier;

/**
 * Raw upstream SSE bytes through the decoder into a {@link StreamTranslation}: the transport feeds every body buffer,
 * then {@link #end()} when the body ends or {@link #fail} when the connection breaks, and writes what each call
 * returns.
 */
public final class SseFeed {
  private final StreamTranslation translation;
  private final LongSupplier nanoTime;
  private final SseDecoder decoder;
  /** What the events of the current call produced; collected here because the decoder reports by callback. */
  private Output collected = Output.NONE;
  private long events;

  /** @param nanoTime {@code System::nanoTime} in production */
  public SseFeed(StreamTranslation translation, LongSupplier nanoTime) {
    this.translation = requireNonNull(translation, "translation");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.decoder = new SseDecoder(new SseListener() {
      @Override
      public void onEvent(String eventType, String data) {
        events++;
        collect(translation.onEvent(eventType, data, nanoTime.getAsLong()));
      }

      @Override
      public void onEvent(String eventType, byte[] data, int off, int len) {
        events++;
        collect(translation.onEvent(eventType, data, off, len, nanoTime.getAsLong()));
      }

      @Override
      public void onDone() {
        events++;
        collect(translation.onDone(nanoTime.getAsLong()));
      }
    });
  }

  /** The next bytes of the upstream body. */
  public Output feed(byte[] buf, int off, int len) {
    if (translation.isFinished()) {
      return Output.NONE;
    }
    try {
      decoder.feed(buf, off, len);
    } catch (SseException e) {
      collect(translation.fail(new OllamaError(500, e.getMessage())));
    }
    return take();
  }

  /** The upstream body ended: delivers a last unterminated event, then reports a missing {@code [DONE]}. */
  public Output end() {
    if (!translation.isFinished()) {
      try {
        decoder.end();
      } catch (SseException e) {
        collect(translation.fail(new OllamaError(500, e.getMessage())));
      }
    }
    collect(translation.upstreamEnded(nanoTime.getAsLong()));
    return take();
  }

  /** The connection broke or went silent. */
  public Output fail(OllamaError failure) {
    return translation.fail(failure);
  }

  /** Graceful shutdown: the {@code cancelled:true} final answer, unless the stream already ended. */
  public Output cancel() {
    return translation.cancel(nanoTime.getAsLong());
  }

  /**
   * Complete events the decoder delivered so far ({@code [DONE]} included; comments and blank lines are none): the
   * transport's measure of progress, so a backend that drips bytes without finishing an event makes none.
   */
  public long events() {
    return events;
  }

  public boolean isFinished() {
    return translation.isFinished();
  }

  private void collect(Output output) {
    collected = collected.then(output);
  }

  private Output take() {
    Output out = collected;
    collected = Output.NONE;
    return out;
  }
}
