package io.ticklake.gold.export;

/** Hears about an export's progress, on the exporting thread. */
@FunctionalInterface
public interface ExportProgress {
  /** Ignores progress. */
  ExportProgress NONE = (done, total) -> {};

  /**
   * A data file was written.
   *
   * @param done data files written so far
   * @param total data files the export writes
   */
  void filesWritten(int done, int total);
}
