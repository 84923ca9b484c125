package io.ticklake.silver;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.contract.ExchangeDate;
import java.util.Optional;

/**
 * What rebuilding one Silver partition did. Always {@code rowsIn = rowsOut + duplicates +
 * quarantined}.
 *
 * @param key the partition
 * @param bronzeSnapshotId the Bronze snapshot read
 * @param rowsIn Bronze rows of the partition
 * @param duplicates rows removed as re-deliveries
 * @param quarantined rows rejected into quarantine (severity error)
 * @param warned rows kept but logged in quarantine (severity warn)
 * @param rowsOut rows written to Silver
 * @param digest digest of the event columns in Silver order
 * @param dataFile the Silver data file written, empty when no row survived
 * @param silverSnapshotId the Silver snapshot committed, or -1 for a dry run
 * @param seconds wall time of the rebuild and its commits
 */
public record PartitionResult(
    ExchangeDate key,
    long bronzeSnapshotId,
    long rowsIn,
    long duplicates,
    long quarantined,
    long warned,
    long rowsOut,
    String digest,
    Optional<String> dataFile,
    long silverSnapshotId,
    double seconds) {
  public PartitionResult {
    requireNonNull(key, "key is null");
    requireNonNull(digest, "digest is null");
    requireNonNull(dataFile, "dataFile is null");
    if (rowsIn != rowsOut + duplicates + quarantined) {
      throw new IllegalArgumentException(
          String.format(
              java.util.Locale.ROOT,
              "Cannot account for partition %s: %d rows in but %d out + %d duplicates + %d"
                  + " quarantined",
              key,
              rowsIn,
              rowsOut,
              duplicates,
              quarantined));
    }
  }
}
