package io.github.ollamalmstudioproxy.backend;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/** Vert.x buffers over byte arrays the caller hands over, without the copy {@link Buffer#buffer(byte[])} makes. */
public final class Buffers {
  private Buffers() {}

  /** A buffer over {@code bytes}, which the caller must not change afterwards. */
  public static Buffer wrap(byte[] bytes) {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes));
  }
}
