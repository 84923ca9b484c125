package io.ticklake.bronze.wal;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What recovery found and did, each item one sentence naming the segment file, byte ranges and
 * sequence numbers concerned.
 *
 * @param truncations torn tails cut (or, when only inspected, that would be cut)
 * @param skipped corrupt batches skipped by salvage; they are never replayed
 * @param removed files removed: leftovers of a segment deletion, segments after a torn tail
 * @param lastSeq the last valid sequence number, 0 when the WAL holds no batch
 * @param batches number of valid batches kept
 */
public record WalRecoveryReport(
    List<String> truncations,
    List<String> skipped,
    List<String> removed,
    long lastSeq,
    int batches) {
  /** Copies the lists. */
  public WalRecoveryReport {
    truncations = List.copyOf(requireNonNull(truncations, "truncations is null"));
    skipped = List.copyOf(requireNonNull(skipped, "skipped is null"));
    removed = List.copyOf(requireNonNull(removed, "removed is null"));
  }

  /** True when the WAL was intact: nothing cut, skipped or removed. */
  public boolean clean() {
    return truncations.isEmpty() && skipped.isEmpty() && removed.isEmpty();
  }
}
