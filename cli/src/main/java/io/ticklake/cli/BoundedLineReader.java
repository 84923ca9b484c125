package io.ticklake.cli;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines like {@link java.io.BufferedReader#readLine()} (ended by {@code \n}, {@code \r\n} or
 * {@code \r}) but in bounded memory: of a line longer than {@code maxChars} only the first {@code
 * keepChars} are kept, {@link #overlong()} is set and {@link #length()} is its full length, so one
 * huge line (binary input, a runaway producer) cannot exhaust the heap. Not thread-safe.
 */
final class BoundedLineReader implements AutoCloseable {
  private final Reader in;
  private final int maxChars;
  private final int keepChars;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int lim;
  private boolean skipLf;
  private boolean overlong;
  private long length;

  BoundedLineReader(Reader in, int maxChars, int keepChars) {
    this.in = in;
    this.maxChars = maxChars;
    this.keepChars = Math.min(keepChars, maxChars);
  }

  /** The next line without its terminator, cut when overlong; null at the end of the input. */
  String readLine() throws IOException {
    StringBuilder sb = null;
    long n = 0;
    overlong = false;
    while (true) {
      if (pos >= lim && !fill()) {
        if (sb == null) {
          return null;
        }
        return done(sb, n);
      }
      if (skipLf) {
        skipLf = false;
        if (buf[pos] == '\n') {
          pos++;
          continue;
        }
      }
      if (sb == null) {
        sb = new StringBuilder();
      }
      int start = pos;
      while (pos < lim && buf[pos] != '\n' && buf[pos] != '\r') {
        pos++;
      }
      int count = pos - start;
      int room = maxChars - sb.length();
      if (room > 0) {
        sb.append(buf, start, Math.min(count, room));
      }
      n += count;
      if (pos < lim) {
        skipLf = buf[pos] == '\r';
        pos++;
        return done(sb, n);
      }
    }
  }

  private String done(StringBuilder sb, long n) {
    length = n;
    overlong = n > maxChars;
    if (overlong && sb.length() > keepChars) {
      sb.setLength(keepChars);
    }
    return sb.toString();
  }

  /** The last line was longer than {@code maxChars} and was cut. */
  boolean overlong() {
    return overlong;
  }

  /** The full length in characters of the last line. */
  long length() {
    return length;
  }

  /** True when a line may be read without blocking. */
  boolean ready() throws IOException {
    if (skipLf && pos < lim && buf[pos] == '\n') {
      pos++;
      skipLf = false;
    }
    return pos < lim || in.ready();
  }

  private boolean fill() throws IOException {
    int r;
    do {
      r = in.read(buf, 0, buf.length);
    } while (r == 0);
    if (r < 0) {
      return false;
    }
    pos = 0;
    lim = r;
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
