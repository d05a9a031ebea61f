package io.github.ollamalmstudioproxy.backend;

import io.netty.buffer.ByteBuf;
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

  /**
   * One buffer over {@code parts}, in order, without copying them (a composite over their bytes), so that the parts
   * leave in one write; the parts must not change afterwards.
   */
  public static Buffer join(Buffer... parts) {
    if (parts.length == 1) {
      return parts[0];
    }
    ByteBuf[] bufs = new ByteBuf[parts.length];
    for (int i = 0; i < parts.length; i++) {
      // A slice of each part, with its own indices: reading the whole never moves the part's.
      bufs[i] = ((BufferInternal) parts[i]).getByteBuf();
    }
    return BufferInternal.buffer(Unpooled.wrappedBuffer(bufs));
  }
}
