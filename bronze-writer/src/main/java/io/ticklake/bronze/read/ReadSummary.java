package io.ticklake.bronze.read;

import static java.util.Objects.requireNonNull;

/**
 * What one read of a file delivered.
 *
 * @param file the path as given to the reader
 * @param dataType trades or quotes
 * @param lines data lines read (a header line is not counted); always {@code rows + errors}
 * @param rows rows delivered to the sink
 * @param errors parse errors delivered to the sink
 */
public record ReadSummary(String file, DataType dataType, long lines, long rows, long errors) {
  /** Checks that every line became a row or an error. */
  public ReadSummary {
    requireNonNull(file, "file is null");
    requireNonNull(dataType, "dataType is null");
    if (rows < 0 || errors < 0 || lines != rows + errors) {
      throw new IllegalArgumentException(
          "lines must equal rows + errors: " + lines + " != " + rows + " + " + errors);
    }
  }
}
