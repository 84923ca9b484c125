package io.ticklake.bronze.read;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Reads one vendor file and streams its lines to a {@link RowSink}.
 *
 * <p>Contract of every implementation: memory stays bounded whatever the file size (lines are
 * streamed, never collected; a line longer than 1 MiB becomes a parse error); every data line
 * becomes exactly one row or one {@link ParseError}; a file that cannot be read at all throws
 * {@link FileFormatException}, after which rows already delivered must be discarded; any other
 * {@link IOException} is a genuine I/O failure. Implementations are immutable and thread-safe: one
 * instance may read several files concurrently.
 */
public interface VendorReader {
  /** The Bronze lineage {@code vendor} of rows from this reader: lean, tardis, csv:&lt;name&gt;. */
  String vendor();

  /**
   * Whether {@code file} holds trades or quotes, from its name or header, without reading rows.
   *
   * @throws FileFormatException when the file cannot be recognised
   */
  DataType dataType(Path file) throws IOException;

  /**
   * Reads {@code file}, calling {@code sink} once per data line in file order.
   *
   * @throws FileFormatException when the file cannot be read at all
   */
  ReadSummary read(Path file, RowSink sink) throws IOException;

  /**
   * The symbol and trading date every row of {@code file} has when its path says so (Lean: {@code
   * …/ibm/20131007_trade.zip}), else empty. Quarantine rows of lines that cannot be parsed carry
   * them, so that they are found by date and symbol like every other rejected row.
   */
  default Optional<FileKey> fileKey(Path file) {
    return Optional.empty();
  }

  /**
   * What the path of a file says about all its rows.
   *
   * @param symbol the vendor symbol
   * @param tradingDate the trading date
   */
  record FileKey(String symbol, LocalDate tradingDate) {
    /** Checks the components. */
    public FileKey {
      java.util.Objects.requireNonNull(symbol, "symbol is null");
      java.util.Objects.requireNonNull(tradingDate, "tradingDate is null");
    }
  }
}
