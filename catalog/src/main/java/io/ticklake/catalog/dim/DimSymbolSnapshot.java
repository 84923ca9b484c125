package io.ticklake.catalog.dim;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The rows of {@code ref.dim_symbol} at one version, as {@link DimSymbolTable#read()} returns them:
 * sorted by exchange, canonical id and start of validity (the table's sort order). Immutable.
 *
 * @param version the version the rows came from; pass it to {@link DimSymbolTable#save}
 * @param rows the rows
 */
public record DimSymbolSnapshot(DimVersion version, List<SymbolVersion> rows) {
  /** The order rows are kept and written in. */
  public static final Comparator<SymbolVersion> ORDER =
      Comparator.comparing(SymbolVersion::exchange)
          .thenComparing(SymbolVersion::canonicalId)
          .thenComparing(SymbolVersion::validFrom)
          .thenComparingLong(SymbolVersion::symbolId);

  public DimSymbolSnapshot {
    requireNonNull(version, "version is null");
    rows = rows.stream().sorted(ORDER).toList();
  }

  /** A table without rows at {@code version}. */
  public static DimSymbolSnapshot empty(DimVersion version) {
    return new DimSymbolSnapshot(version, List.of());
  }

  /** Every version of one instrument, oldest first. */
  public List<SymbolVersion> versionsOf(long symbolId) {
    return rows.stream().filter(r -> r.symbolId() == symbolId).toList();
  }

  /** The row with a key, if present. */
  public Optional<SymbolVersion> find(SymbolVersion.Key key) {
    return rows.stream().filter(r -> r.key().equals(key)).findFirst();
  }

  /** True when there are no rows. */
  public boolean isEmpty() {
    return rows.isEmpty();
  }
}
