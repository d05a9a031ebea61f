package io.github.ollamalmstudioproxy.translate;

import static java.util.Objects.requireNonNull;

import io.github.ollamalmstudioproxy.sse.SseDecoder;
import io.github.ollamalmstudioproxy.sse.SseException;
import io.github.ollamalmstudioproxy.sse.SseListener;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Connects raw upstream bytes to an {@link UpstreamHandler}: the server feeds every body buffer, then calls
 * {@link #end()} when the body ends or {@link #fail(String)} when the connection breaks, and writes each line that
 * reaches {@code out}.
 */
public final class SsePipe {
  private final UpstreamHandler handler;
  private final Consumer<byte[]> out;
  private final LongSupplier nanoTime;
  private final SseDecoder decoder;

  /**
   * @param out receives each NDJSON line as soon as it is complete
   * @param nanoTime {@code System::nanoTime} in production
   */
  public SsePipe(UpstreamHandler handler, Consumer<byte[]> out, LongSupplier nanoTime) {
    this.handler = requireNonNull(handler, "handler");
    this.out = requireNonNull(out, "out");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.decoder = new SseDecoder(new SseListener() {
      @Override
      public void onEvent(String eventType, String data) {
        emit(handler.onEvent(eventType, data, nanoTime.getAsLong()));
      }

      @Override
      public void onDone() {
        emit(handler.onDone(nanoTime.getAsLong()));
      }
    });
  }

  public void feed(byte[] buf, int off, int len) {
    if (handler.isFinished()) {
      return;
    }
    try {
      decoder.feed(buf, off, len);
    } catch (SseException e) {
      fail(e.getMessage());
    }
  }

  /** The upstream body ended: delivers a last unterminated event, then reports a missing {@code [DONE]}. */
  public void end() {
    if (!handler.isFinished()) {
      try {
        decoder.end();
      } catch (SseException e) {
        fail(e.getMessage());
      }
    }
    emit(handler.upstreamEnded(nanoTime.getAsLong()));
  }

  public void fail(String message) {
    emit(handler.fail(message));
  }

  /** Graceful shutdown: the {@code cancelled:true} final line, unless the stream already ended. */
  public void cancel() {
    emit(handler.cancel(nanoTime.getAsLong()));
  }

  public boolean isFinished() {
    return handler.isFinished();
  }

  private void emit(List<byte[]> lines) {
    for (int i = 0; i < lines.size(); i++) {
      out.accept(lines.get(i));
    }
  }
}
