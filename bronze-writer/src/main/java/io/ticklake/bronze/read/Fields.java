package io.ticklake.bronze.read;

import java.util.Locale;

/**
 * Splits a delimited line into field offsets without copying. Plain splitting (no quotes) is for
 * vendor formats that never quote (Lean, Tardis); {@link #splitQuoted} handles RFC 4180 quoting
 * within one line for generic CSV. This class is not thread-safe; a reader makes one per file.
 */
final class Fields {
  private final int[] starts;
  private final int[] ends;
  private byte[] bytes;
  private byte[] scratch = new byte[256];
  private int count;

  /** Keeps the offsets of the first {@code capacity} fields; later ones are only counted. */
  Fields(int capacity) {
    starts = new int[capacity];
    ends = new int[capacity];
  }

  /** Splits {@code b[s, e)} at every {@code delimiter}; returns the number of fields (≥ 1). */
  int split(byte[] b, int s, int e, byte delimiter) {
    bytes = b;
    int n = 0;
    int fieldStart = s;
    for (int i = s; i < e; i++) {
      if (b[i] == delimiter) {
        add(n++, fieldStart, i);
        fieldStart = i + 1;
      }
    }
    add(n++, fieldStart, e);
    count = n;
    return n;
  }

  /**
   * Splits with RFC 4180 quotes: a field starting with {@code "} runs to the matching quote, and
   * {@code ""} inside it is one quote. A record must fit on one line.
   *
   * @throws FieldProblem when a quote is not closed or text follows a closing quote
   */
  int splitQuoted(byte[] b, int s, int e, byte delimiter) throws FieldProblem {
    boolean quoted = false;
    for (int i = s; i < e; i++) {
      if (b[i] == '"') {
        quoted = true;
        break;
      }
    }
    if (!quoted) {
      return split(b, s, e, delimiter);
    }
    if (scratch.length < e - s) {
      scratch = new byte[Math.max(e - s, scratch.length * 2)];
    }
    bytes = scratch;
    int out = 0;
    int n = 0;
    int i = s;
    while (true) {
      int fieldStart = out;
      if (i < e && b[i] == '"') {
        i++;
        while (true) {
          if (i >= e) {
            throw FieldProblem.line(
                String.format(Locale.ROOT, "field %d has an unclosed quote", n + 1));
          }
          if (b[i] == '"') {
            if (i + 1 < e && b[i + 1] == '"') {
              scratch[out++] = '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          scratch[out++] = b[i++];
        }
        if (i < e && b[i] != delimiter) {
          throw FieldProblem.line(
              String.format(Locale.ROOT, "field %d has text after its closing quote", n + 1));
        }
      } else {
        while (i < e && b[i] != delimiter) {
          scratch[out++] = b[i++];
        }
      }
      add(n++, fieldStart, out);
      if (i >= e) {
        break;
      }
      i++; // the delimiter
      if (i == e) {
        add(n++, out, out);
        break;
      }
    }
    count = n;
    return n;
  }

  /** Records a field; fields beyond the capacity are counted but not kept. */
  private void add(int index, int start, int end) {
    if (index < starts.length) {
      starts[index] = start;
      ends[index] = end;
    }
  }

  /** Number of fields of the last split. */
  int count() {
    return count;
  }

  /** The array the offsets of the last split refer to. */
  byte[] bytes() {
    return bytes;
  }

  int start(int field) {
    return starts[field];
  }

  int end(int field) {
    return ends[field];
  }
}
