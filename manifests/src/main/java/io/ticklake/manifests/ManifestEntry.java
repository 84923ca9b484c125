package io.ticklake.manifests;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One status of one file: a row of {@code ops.ingest_manifest}. The manifest keeps every status
 * change; a file's current status is its latest row.
 *
 * @param fileId the file's id
 * @param vendor vendor/format
 * @param dataType trades or quotes
 * @param path absolute path read
 * @param sha256 content hash
 * @param sizeBytes file size
 * @param status the status
 * @param rowsTotal data lines read (null until known)
 * @param rowsWritten rows appended to Bronze
 * @param rowsQuarantined lines sent to quarantine
 * @param minTradingDate first trading date in the file
 * @param maxTradingDate last trading date in the file
 * @param bronzeTable Bronze table holding the rows
 * @param bronzeSnapshotId Bronze snapshot that committed the rows
 * @param reason why it failed, or a note
 * @param revisionOf file id of earlier content at the same path
 * @param startedAt when its ingest started
 * @param updatedAt when this status was recorded
 */
public record ManifestEntry(
    long fileId,
    String vendor,
    String dataType,
    String path,
    String sha256,
    Long sizeBytes,
    ManifestStatus status,
    Long rowsTotal,
    Long rowsWritten,
    Long rowsQuarantined,
    LocalDate minTradingDate,
    LocalDate maxTradingDate,
    String bronzeTable,
    Long bronzeSnapshotId,
    String reason,
    Long revisionOf,
    Instant startedAt,
    Instant updatedAt) {

  public ManifestEntry {
    requireNonNull(vendor, "vendor is null");
    requireNonNull(dataType, "dataType is null");
    requireNonNull(path, "path is null");
    requireNonNull(sha256, "sha256 is null");
    requireNonNull(status, "status is null");
    requireNonNull(updatedAt, "updatedAt is null");
  }

  /** A first entry for a new identity. */
  public static ManifestEntry started(long fileId, FileIdentity id, Long revisionOf, Instant now) {
    return new ManifestEntry(
        fileId,
        id.vendor(),
        id.dataType(),
        id.path(),
        id.sha256(),
        id.sizeBytes(),
        ManifestStatus.INGESTING,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        revisionOf,
        now,
        now);
  }

  /** This entry, ingested with the given figures. */
  public ManifestEntry ingested(
      long total,
      long written,
      long quarantined,
      LocalDate minDate,
      LocalDate maxDate,
      String table,
      Long snapshotId,
      String note,
      Instant now) {
    return new ManifestEntry(
        fileId,
        vendor,
        dataType,
        path,
        sha256,
        sizeBytes,
        ManifestStatus.INGESTED,
        total,
        written,
        quarantined,
        minDate,
        maxDate,
        table,
        snapshotId,
        note,
        revisionOf,
        startedAt,
        now);
  }

  /** This entry, failed for a reason. */
  public ManifestEntry failed(String why, Instant now) {
    return new ManifestEntry(
        fileId,
        vendor,
        dataType,
        path,
        sha256,
        sizeBytes,
        ManifestStatus.FAILED,
        rowsTotal,
        0L,
        0L,
        null,
        null,
        null,
        null,
        why,
        revisionOf,
        startedAt,
        now);
  }

  /** This entry, started again (a rerun of a file that is not ingested). */
  public ManifestEntry restarted(Instant now) {
    return new ManifestEntry(
        fileId,
        vendor,
        dataType,
        path,
        sha256,
        sizeBytes,
        ManifestStatus.INGESTING,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        revisionOf,
        now,
        now);
  }
}
