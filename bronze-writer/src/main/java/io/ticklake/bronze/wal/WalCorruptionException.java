package io.ticklake.bronze.wal;

import io.ticklake.catalog.TicklakeException;

/**
 * The WAL holds a damaged batch that is not a torn tail: a checksum mismatch or an impossible index
 * entry followed by valid data. Nothing is replayed; recovery with {@code salvage} skips the
 * damaged batches and reports each of them.
 */
public class WalCorruptionException extends TicklakeException {
  private static final long serialVersionUID = 1L;

  /** An error of kind {@link Kind#INPUT} with the given message. */
  public WalCorruptionException(String message) {
    super(Kind.INPUT, message);
  }
}
