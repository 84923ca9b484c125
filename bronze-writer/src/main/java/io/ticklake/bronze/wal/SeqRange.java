package io.ticklake.bronze.wal;

/**
 * The WAL sequence numbers assigned to one appended batch, both ends inclusive.
 *
 * @param first the first sequence number, at least 1
 * @param last the last sequence number, at least {@code first}
 */
public record SeqRange(long first, long last) {
  /** Checks the bounds. */
  public SeqRange {
    if (first < 1 || last < first) {
      throw new IllegalArgumentException("Invalid sequence range: " + first + ".." + last);
    }
  }

  /** The range {@code first..last}. */
  public static SeqRange of(long first, long last) {
    return new SeqRange(first, last);
  }

  /** Number of sequence numbers in the range. */
  public long count() {
    return last - first + 1;
  }
}
