package io.ticklake.bronze.wal;

import io.ticklake.catalog.StorageErrors;
import io.ticklake.catalog.TicklakeException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Errors of a WAL directory's storage (and of the live writer's ack log): {@link StorageErrors}
 * with the writer's advice once the storage is fixed, to restart it with the same writer id.
 */
public final class WalStorageErrors {
  private WalStorageErrors() {}

  private static final String RESTART =
      "then restart the writer with the same writer id (the WAL keeps every acknowledged event)";

  /**
   * The error for {@code e} on WAL directory {@code dir}: {@code format} formatted with {@code
   * args} and, for a storage problem, {@code "; "} and what to do (see {@link
   * StorageErrors#error}).
   */
  public static TicklakeException error(Path dir, IOException e, String format, Object... args) {
    return StorageErrors.error(dir, e, RESTART, format, args);
  }
}
