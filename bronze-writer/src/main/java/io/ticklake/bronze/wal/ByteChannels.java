package io.ticklake.bronze.wal;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** In-memory channels used to frame IPC messages. Not thread-safe. */
final class ByteChannels {
  private ByteChannels() {}

  /** A growable direct buffer that Arrow's {@code WriteChannel} serialises into. */
  static final class Sink implements WritableByteChannel {
    private ByteBuffer buffer;

    Sink(int initialCapacity) {
      buffer = ByteBuffer.allocateDirect(initialCapacity);
    }

    void reset() {
      buffer.clear();
    }

    /** The bytes written since {@link #reset()}, as a read-only view. */
    ByteBuffer contents() {
      return buffer.duplicate().flip().asReadOnlyBuffer();
    }

    int size() {
      return buffer.position();
    }

    @Override
    public int write(ByteBuffer src) {
      int n = src.remaining();
      if (buffer.remaining() < n) {
        long wanted = Math.max((long) buffer.capacity() * 2, (long) buffer.position() + n);
        ByteBuffer bigger = ByteBuffer.allocateDirect((int) Math.min(wanted, Integer.MAX_VALUE));
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
      }
      buffer.put(src);
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  /** Reads a buffer's remaining bytes. */
  static final class Source implements ReadableByteChannel {
    private final ByteBuffer buffer;

    Source(ByteBuffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public int read(ByteBuffer dst) {
      if (!buffer.hasRemaining()) {
        return -1;
      }
      int n = Math.min(dst.remaining(), buffer.remaining());
      ByteBuffer slice = buffer.slice().limit(n);
      dst.put(slice);
      buffer.position(buffer.position() + n);
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}
