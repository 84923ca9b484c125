package io.ticklake.bronze.read;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Decompresses a gzip file of one or more concatenated members (RFC 1952), like {@link
 * java.util.zip.GZIPInputStream} but strict about the end: bytes after a member that are not a
 * whole further member (plain text appended to the file, a member cut inside its header) are a
 * {@link ZipException}, where {@code GZIPInputStream} silently ends the stream and loses them.
 * Truncated data is an {@link EOFException}. Not thread-safe.
 */
final class GzipMembers extends InputStream {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private final InputStream in;
  private final byte[] buf;
  private int pos;
  private int lim;
  private final Inflater inf = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private long size;
  private boolean done;
  private boolean closed;
  private final byte[] one = new byte[1];

  /** Reads the first member's header; fails when {@code in} does not start with one. */
  GzipMembers(InputStream in, int bufferSize) throws IOException {
    this.in = in;
    this.buf = new byte[bufferSize];
    try {
      header(true);
    } catch (IOException | RuntimeException e) {
      inf.end();
      throw e;
    }
  }

  @Override
  public int read() throws IOException {
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("Stream closed");
    }
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (done) {
        return -1;
      }
      if (inf.finished()) {
        pos = lim - inf.getRemaining();
        trailer();
        if (!header(false)) {
          done = true;
          return -1;
        }
        continue;
      }
      if (inf.needsInput()) {
        if (pos == lim && !fill()) {
          throw new EOFException("Unexpected end of ZLIB input stream");
        }
        inf.setInput(buf, pos, lim - pos);
        pos = lim;
      }
      int n;
      try {
        n = inf.inflate(b, off, len);
      } catch (DataFormatException e) {
        throw new ZipException(
            e.getMessage() == null ? "Invalid ZLIB data format" : e.getMessage());
      }
      if (n > 0) {
        crc.update(b, off, n);
        size += n;
        return n;
      }
      if (inf.needsDictionary()) {
        throw new ZipException("a preset dictionary is not supported");
      }
    }
  }

  /** Reads a member header; false at a clean end of the file after a member. */
  private boolean header(boolean first) throws IOException {
    int id1 = readByte();
    if (id1 < 0 && !first) {
      return false;
    }
    int id2 = readByte();
    if (id1 != 0x1f || id2 != 0x8b) {
      throw new ZipException(
          first ? "Not in GZIP format" : "data after the last gzip member is not a gzip member");
    }
    if (need() != 8) {
      throw new ZipException("Unsupported compression method");
    }
    int flags = need();
    skip(6); // mtime, xfl, os
    if ((flags & FEXTRA) != 0) {
      skip(need() | (need() << 8));
    }
    if ((flags & FNAME) != 0) {
      while (need() != 0) {
        // the stored file name
      }
    }
    if ((flags & FCOMMENT) != 0) {
      while (need() != 0) {
        // the comment
      }
    }
    if ((flags & FHCRC) != 0) {
      skip(2);
    }
    inf.reset();
    crc.reset();
    size = 0;
    return true;
  }

  private void trailer() throws IOException {
    long storedCrc = need() | (need() << 8) | (need() << 16) | ((long) need() << 24);
    long storedSize = need() | (need() << 8) | (need() << 16) | ((long) need() << 24);
    if (storedCrc != crc.getValue() || storedSize != (size & 0xffffffffL)) {
      throw new ZipException("Corrupt GZIP trailer");
    }
  }

  private void skip(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      need();
    }
  }

  /** The next byte of a header or trailer; the file must not end here. */
  private int need() throws IOException {
    int b = readByte();
    if (b < 0) {
      throw new EOFException("Unexpected end of the gzip header or trailer");
    }
    return b;
  }

  private int readByte() throws IOException {
    if (pos == lim && !fill()) {
      return -1;
    }
    return buf[pos++] & 0xff;
  }

  private boolean fill() throws IOException {
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      return false;
    }
    pos = 0;
    lim = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      inf.end();
      in.close();
    }
  }
}
