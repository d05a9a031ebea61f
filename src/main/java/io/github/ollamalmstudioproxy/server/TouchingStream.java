package io.github.ollamalmstudioproxy.server;

import io.github.ollamalmstudioproxy.backend.IdleWatch;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** A backend body that tells its {@link IdleWatch} about each chunk on its way into a pipe; otherwise unchanged. */
final class TouchingStream implements ReadStream<Buffer> {
  private final ReadStream<Buffer> body;
  private final IdleWatch idle;

  TouchingStream(ReadStream<Buffer> body, IdleWatch idle) {
    this.body = body;
    this.idle = idle;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    body.handler(handler == null ? null : chunk -> {
      idle.touch();
      handler.handle(chunk);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    body.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> handler) {
    body.endHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    body.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    body.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    body.fetch(amount);
    return this;
  }
}
