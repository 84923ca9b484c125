package io.ticklake.bronze.wal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of one WAL.
 *
 * @param fsyncPolicy when appends are forced to disk; see {@link FsyncPolicy} for the trade-off
 * @param maxDelay {@link FsyncPolicy#BATCH}: the longest an append waits for its group commit
 * @param maxEvents {@link FsyncPolicy#BATCH}: a group is committed as soon as this many events are
 *     pending
 * @param segmentBytes a segment is rolled when its data file reaches this size (default 256 MB)
 * @param allocatorLimit byte limit of the WAL's Arrow allocator
 * @param salvage recovery skips corrupt batches in the middle of the WAL (reporting each) instead
 *     of failing
 * @param firstSeq the sequence number of the first event of an empty WAL (use the Bronze watermark
 *     + 1 when the WAL directory was lost)
 */
public record WalOptions(
    FsyncPolicy fsyncPolicy,
    Duration maxDelay,
    int maxEvents,
    long segmentBytes,
    long allocatorLimit,
    boolean salvage,
    long firstSeq) {

  /** Default segment size, 256 MB. */
  public static final long DEFAULT_SEGMENT_BYTES = 256L << 20;

  /** Checks the settings. */
  public WalOptions {
    requireNonNull(fsyncPolicy, "fsyncPolicy is null");
    requireNonNull(maxDelay, "maxDelay is null");
    if (maxDelay.isNegative() || maxDelay.isZero()) {
      throw new IllegalArgumentException("maxDelay must be positive: " + maxDelay);
    }
    if (maxEvents < 1) {
      throw new IllegalArgumentException("maxEvents must be >= 1: " + maxEvents);
    }
    if (segmentBytes < 4096) {
      throw new IllegalArgumentException("segmentBytes must be >= 4096: " + segmentBytes);
    }
    if (allocatorLimit < (1L << 20)) {
      throw new IllegalArgumentException("allocatorLimit must be >= 1 MiB: " + allocatorLimit);
    }
    if (firstSeq < 1) {
      throw new IllegalArgumentException("firstSeq must be >= 1: " + firstSeq);
    }
  }

  /** BATCH with 5 ms / 1,000,000 events, 256 MB segments, 1 GiB allocator, strict recovery. */
  public static WalOptions defaults() {
    return new WalOptions(
        FsyncPolicy.BATCH,
        Duration.ofMillis(5),
        1_000_000,
        DEFAULT_SEGMENT_BYTES,
        1L << 30,
        false,
        1);
  }

  /** These options with another fsync policy. */
  public WalOptions withFsyncPolicy(FsyncPolicy policy) {
    return new WalOptions(
        policy, maxDelay, maxEvents, segmentBytes, allocatorLimit, salvage, firstSeq);
  }

  /** These options with another group-commit window. */
  public WalOptions withGroupCommit(Duration delay, int events) {
    return new WalOptions(
        fsyncPolicy, delay, events, segmentBytes, allocatorLimit, salvage, firstSeq);
  }

  /** These options with another segment size. */
  public WalOptions withSegmentBytes(long bytes) {
    return new WalOptions(
        fsyncPolicy, maxDelay, maxEvents, bytes, allocatorLimit, salvage, firstSeq);
  }

  /** These options with salvage on or off. */
  public WalOptions withSalvage(boolean on) {
    return new WalOptions(
        fsyncPolicy, maxDelay, maxEvents, segmentBytes, allocatorLimit, on, firstSeq);
  }

  /** These options with another first sequence number for an empty WAL. */
  public WalOptions withFirstSeq(long seq) {
    return new WalOptions(
        fsyncPolicy, maxDelay, maxEvents, segmentBytes, allocatorLimit, salvage, seq);
  }
}
