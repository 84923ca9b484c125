package io.ticklake.bronze.read;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into lines without creating strings, in bounded memory.
 *
 * <p>A line ends at {@code \n}; a trailing {@code \r} is dropped; a last line without a newline
 * counts, an empty tail after the final newline does not. A UTF-8 byte-order mark at the very start
 * is skipped. The current line is {@code bytes()[start(), end())}, valid until the next call of
 * {@link #next()}. A line longer than {@link #MAX_LINE_BYTES} is not kept: {@link #overlong()} is
 * set, the line holds its first {@link ParseError#MAX_RAW_LINE} bytes and {@link #lineBytes()} its
 * full length. This class is not thread-safe.
 */
final class LineSource {
  /** The longest line kept whole; longer lines become errors. */
  static final int MAX_LINE_BYTES = 1 << 20;

  private static final int INITIAL_BUFFER = 1 << 16;

  private final InputStream in;
  private final int maxLine;
  private byte[] buf;
  private int pos;
  private int limit;
  private boolean eof;
  private long lineNumber;

  private byte[] lineBuf;
  private int lineStart;
  private int lineEnd;
  private long lineBytes;
  private boolean overlong;

  LineSource(InputStream in) {
    this(in, MAX_LINE_BYTES);
  }

  LineSource(InputStream in, int maxLine) {
    this.in = in;
    this.maxLine = maxLine;
    this.buf = new byte[Math.min(INITIAL_BUFFER, capacity())];
  }

  /** Advances to the next line; false at the end of the stream. */
  boolean next() throws IOException {
    int scan = pos;
    while (true) {
      byte[] b = buf;
      int lim = limit;
      for (int i = scan; i < lim; i++) {
        if (b[i] == '\n') {
          setLine(b, pos, i);
          pos = i + 1;
          return true;
        }
      }
      if (eof) {
        if (pos < limit) {
          setLine(buf, pos, limit);
          pos = limit;
          return true;
        }
        return false;
      }
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        pos = 0;
      }
      scan = limit;
      if (limit == buf.length) {
        if (buf.length < capacity()) {
          byte[] bigger = new byte[(int) Math.min((long) buf.length * 2, capacity())];
          System.arraycopy(buf, 0, bigger, 0, limit);
          buf = bigger;
        } else {
          skipOverlong();
          return true;
        }
      }
      fill();
    }
  }

  /** Room for a line of {@code maxLine} bytes and its {@code \r\n}. */
  private int capacity() {
    return (int) Math.min(Integer.MAX_VALUE - 8L, maxLine + 2L);
  }

  private void fill() throws IOException {
    int n = in.read(buf, limit, buf.length - limit);
    if (n < 0) {
      eof = true;
    } else {
      limit += n;
    }
  }

  /**
   * The buffer is full without a newline (the line is longer than maxLine): keep the head, drop the
   * rest of the line.
   */
  private void skipOverlong() throws IOException {
    int keep = Math.min(Math.min(ParseError.MAX_RAW_LINE, maxLine), limit);
    byte[] head = new byte[keep];
    System.arraycopy(buf, 0, head, 0, keep);
    long total = limit;
    boolean cr = buf[limit - 1] == '\r'; // the last byte counted so far
    pos = 0;
    limit = 0;
    while (true) {
      fill();
      if (eof) {
        break;
      }
      int nl = -1;
      for (int i = 0; i < limit; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      if (nl >= 0) {
        total += nl;
        if (nl > 0) {
          cr = buf[nl - 1] == '\r';
        }
        pos = nl + 1;
        break;
      }
      total += limit;
      if (limit > 0) {
        cr = buf[limit - 1] == '\r';
      }
      limit = 0;
    }
    if (cr) {
      total--; // a trailing \r is not part of the line, as in setLine
    }
    lineNumber++;
    lineBuf = head;
    lineStart = 0;
    lineEnd = keep;
    lineBytes = total;
    overlong = true;
  }

  private void setLine(byte[] b, int start, int end) {
    lineNumber++;
    if (end > start && b[end - 1] == '\r') {
      end--;
    }
    if (lineNumber == 1
        && end - start >= 3
        && b[start] == (byte) 0xEF
        && b[start + 1] == (byte) 0xBB
        && b[start + 2] == (byte) 0xBF) {
      start += 3;
    }
    lineBuf = b;
    lineStart = start;
    lineEnd = end;
    lineBytes = end - start;
    overlong = lineBytes > maxLine;
    if (overlong) {
      lineEnd = start + Math.min(ParseError.MAX_RAW_LINE, maxLine);
    }
  }

  /** 1-based number of the current line. */
  long lineNumber() {
    return lineNumber;
  }

  byte[] bytes() {
    return lineBuf;
  }

  int start() {
    return lineStart;
  }

  int end() {
    return lineEnd;
  }

  /** Length of the whole current line in bytes (more than {@code end - start} when overlong). */
  long lineBytes() {
    return lineBytes;
  }

  /** The current line exceeded the limit and was cut. */
  boolean overlong() {
    return overlong;
  }

  /** The current line as raw text for an error, truncated when long. */
  String rawLine() {
    return ParseError.rawLine(lineBuf, lineStart, lineEnd, lineBytes);
  }
}
