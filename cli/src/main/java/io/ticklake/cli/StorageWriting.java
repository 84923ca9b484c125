package io.ticklake.cli;

import java.nio.file.Path;

/**
 * A command that writes files, in the words its storage failures use: when its disk fills up or is
 * read-only midway, {@link StorageFailure} says {@code Cannot <doing>: <file>: <reason>; <what to
 * do>, <rerun>}.
 */
interface StorageWriting {
  /** What the command does, after {@code Cannot }: {@code ingest}, {@code export to DIR}. */
  String doing();

  /**
   * What to do once the storage is fixed and what that does, e.g. {@code then run the same ingest
   * again: it commits only what this run did not}.
   */
  String rerun();

  /** Where it writes, named when an error names no file; null for the warehouse. */
  default Path writesTo() {
    return null;
  }
}
