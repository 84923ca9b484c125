package io.ticklake.bronze.wal;

import static java.util.Objects.requireNonNull;

/**
 * One event replayed from the WAL with the lineage the WAL assigned to it. The row's {@code line}
 * component carries the WAL sequence number as well (the Bronze lineage {@code wal_seq}).
 *
 * @param seq the WAL sequence number, strictly increasing per WAL
 * @param receivedAtMicros when the WAL accepted the event, epoch microseconds
 * @param row the event ({@link io.ticklake.bronze.read.TradeRow} or {@link
 *     io.ticklake.bronze.read.QuoteRow})
 * @param <R> the row type
 */
public record WalRecord<R>(long seq, long receivedAtMicros, R row) {
  /** Checks the components. */
  public WalRecord {
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1: " + seq);
    }
    requireNonNull(row, "row is null");
  }
}
