package io.ticklake.catalog.dim;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;

/**
 * A save lost an optimistic-concurrency race: the table is no longer at the version the caller
 * read. Of kind {@link TicklakeException.Kind#CONFLICT}; reading again and retrying can succeed.
 */
public final class VersionConflictException extends TicklakeException {
  private static final long serialVersionUID = 1L;

  private final transient DimVersion expected;
  private final transient DimVersion actual;

  private VersionConflictException(
      String message, DimVersion expected, DimVersion actual, Throwable cause) {
    super(Kind.CONFLICT, message, cause);
    this.expected = requireNonNull(expected, "expected is null");
    this.actual = requireNonNull(actual, "actual is null");
  }

  /**
   * A conflict on {@code table}, e.g. {@code Cannot save ref.dim_symbol: expected version 123 but
   * the table is at 456; read again and retry}.
   *
   * @param table the table name, e.g. {@code ref.dim_symbol}
   * @param expected the version the save was based on
   * @param actual the version the table was found at
   * @param cause the Iceberg exception that detected the conflict, or null
   */
  public static VersionConflictException of(
      String table, DimVersion expected, DimVersion actual, Throwable cause) {
    String want = expected.isEmpty() ? "an empty table" : "version " + expected;
    String have = actual.isEmpty() ? "empty" : "at " + actual;
    return new VersionConflictException(
        "Cannot save "
            + table
            + ": expected "
            + want
            + " but the table is "
            + have
            + "; read again and retry",
        expected,
        actual,
        cause);
  }

  /** The same conflict, saying that a retry loop gave up after {@code attempts} attempts. */
  VersionConflictException afterAttempts(int attempts) {
    return new VersionConflictException(
        getMessage() + " (gave up after " + attempts + " attempts)", expected, actual, this);
  }

  /** The version the save was based on. */
  public DimVersion expected() {
    return expected;
  }

  /** The version the table was found at when the save failed. */
  public DimVersion actual() {
    return actual;
  }
}
