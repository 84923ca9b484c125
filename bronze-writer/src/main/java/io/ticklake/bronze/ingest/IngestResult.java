package io.ticklake.bronze.ingest;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;

/**
 * What happened to one file in an ingest run.
 *
 * @param path the file
 * @param fileId its manifest id (-1 when it could not even be registered)
 * @param outcome what happened
 * @param rowsTotal data lines read
 * @param rowsWritten rows appended to Bronze
 * @param rowsQuarantined lines sent to quarantine
 * @param minTradingDate first trading date (null when no rows)
 * @param maxTradingDate last trading date
 * @param message a sentence for the user (why it failed, which file it duplicates, …)
 */
public record IngestResult(
    String path,
    long fileId,
    Outcome outcome,
    long rowsTotal,
    long rowsWritten,
    long rowsQuarantined,
    LocalDate minTradingDate,
    LocalDate maxTradingDate,
    String message) {

  /** The outcome of one file. */
  public enum Outcome {
    /** All lines became Bronze rows. */
    INGESTED,
    /** Ingested; some lines went to quarantine. */
    PARTLY_QUARANTINED,
    /** Already ingested before (same identity): nothing done. */
    SKIPPED,
    /** The file could not be read at all: nothing of it was appended. */
    FAILED
  }

  public IngestResult {
    requireNonNull(path, "path is null");
    requireNonNull(outcome, "outcome is null");
    requireNonNull(message, "message is null");
  }
}
