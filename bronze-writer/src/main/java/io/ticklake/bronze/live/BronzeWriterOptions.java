package io.ticklake.bronze.live;

import static java.util.Objects.requireNonNull;

import io.ticklake.bronze.wal.WalOptions;
import io.ticklake.bronze.wal.WalWriter;
import java.time.Duration;

/**
 * Settings of a {@link BronzeWriter}.
 *
 * @param writerId the writer's id, {@code [A-Za-z0-9._-]+} but not {@code .} or {@code ..}; names
 *     its WAL directory and marks its Bronze commits
 * @param wal settings of the two WALs (fsync policy, group commit, segment size)
 * @param flushInterval pending events are flushed to Bronze at least this often
 * @param flushEvents a flush starts as soon as this many events are pending in one table
 * @param maxPendingEvents per table, the most events held in memory (pending plus being flushed);
 *     an append that would exceed it waits for the flush (backpressure)
 */
public record BronzeWriterOptions(
    String writerId,
    WalOptions wal,
    Duration flushInterval,
    int flushEvents,
    int maxPendingEvents) {

  /** Checks the settings. */
  public BronzeWriterOptions {
    requireNonNull(writerId, "writerId is null");
    if (!WalWriter.isValidWriterId(writerId)) {
      throw new IllegalArgumentException(
          "writerId must match [A-Za-z0-9._-]+ and not be '.' or '..': " + writerId);
    }
    requireNonNull(wal, "wal is null");
    requireNonNull(flushInterval, "flushInterval is null");
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("flushInterval must be positive: " + flushInterval);
    }
    if (flushEvents < 1) {
      throw new IllegalArgumentException("flushEvents must be >= 1: " + flushEvents);
    }
    if (maxPendingEvents < flushEvents) {
      throw new IllegalArgumentException(
          "maxPendingEvents must be >= flushEvents: " + maxPendingEvents + " < " + flushEvents);
    }
  }

  /** Default WAL options, 5 s / 1,000,000 events per flush, at most 2,000,000 pending per table. */
  public static BronzeWriterOptions of(String writerId) {
    return new BronzeWriterOptions(
        writerId, WalOptions.defaults(), Duration.ofSeconds(5), 1_000_000, 2_000_000);
  }

  /** These options with another flush trigger; the pending bound becomes twice the events. */
  public BronzeWriterOptions withFlush(Duration interval, int events) {
    return new BronzeWriterOptions(
        writerId, wal, interval, events, (int) Math.min(Integer.MAX_VALUE, 2L * events));
  }

  /** These options with other WAL settings. */
  public BronzeWriterOptions withWal(WalOptions options) {
    return new BronzeWriterOptions(writerId, options, flushInterval, flushEvents, maxPendingEvents);
  }

  /** These options with another bound on pending events per table. */
  public BronzeWriterOptions withMaxPendingEvents(int events) {
    return new BronzeWriterOptions(writerId, wal, flushInterval, flushEvents, events);
  }
}
