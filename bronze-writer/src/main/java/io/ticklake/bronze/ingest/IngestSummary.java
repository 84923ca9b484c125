package io.ticklake.bronze.ingest;

import java.util.List;

/**
 * The outcome of an ingest run.
 *
 * @param files one result per input file, in input order
 * @param seconds wall-clock duration
 */
public record IngestSummary(List<IngestResult> files, double seconds) {
  public IngestSummary {
    files = List.copyOf(files);
  }

  /** Files with this outcome. */
  public long count(IngestResult.Outcome outcome) {
    return files.stream().filter(f -> f.outcome() == outcome).count();
  }

  /** Rows appended to Bronze. */
  public long rowsWritten() {
    return files.stream().mapToLong(IngestResult::rowsWritten).sum();
  }

  /** Lines sent to quarantine. */
  public long rowsQuarantined() {
    return files.stream().mapToLong(IngestResult::rowsQuarantined).sum();
  }

  /** Data lines read. */
  public long rowsTotal() {
    return files.stream().mapToLong(IngestResult::rowsTotal).sum();
  }
}
