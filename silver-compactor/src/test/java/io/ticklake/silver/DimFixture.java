package io.ticklake.silver;

import static io.ticklake.silver.BronzeFixture.EXCHANGE;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.dim.DimSymbolTable;
import io.ticklake.catalog.dim.RegistrationPolicy;
import io.ticklake.catalog.dim.SymbolChanges;
import io.ticklake.catalog.dim.SymbolIds;
import io.ticklake.catalog.dim.SymbolRegistry;
import io.ticklake.catalog.dim.SymbolVersion;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/** Changes to {@code ref.dim_symbol} for the planner's symbol tests, and what Silver holds. */
final class DimFixture {
  private DimFixture() {}

  /** Registers a ticker of {@link BronzeFixture#EXCHANGE} as AUTO does (a new instrument). */
  static void register(Warehouse w, String ticker) {
    new SymbolRegistry(DimSymbolTable.open(w), RegistrationPolicy.AUTO, Clock.systemUTC())
        .ensureRegistered(EXCHANGE, ticker);
  }

  /** The one version of a ticker of {@link BronzeFixture#EXCHANGE}. */
  static SymbolVersion only(Warehouse w, String ticker) {
    return only(w, EXCHANGE, ticker);
  }

  /** The one version of a ticker. */
  static SymbolVersion only(Warehouse w, String exchange, String ticker) {
    return DimSymbolTable.open(w).read().rows().stream()
        .filter(v -> v.exchange().equals(exchange) && v.ticker().equals(ticker))
        .reduce(
            (a, b) -> {
              throw new AssertionError("two versions of " + ticker);
            })
        .orElseThrow();
  }

  /** {@code v} ending at {@code until}. */
  static SymbolVersion closed(SymbolVersion v, Instant until) {
    return copy(v, v.attributes().aliasList(), Optional.of(until), false);
  }

  /** {@code v} with other aliases. */
  static SymbolVersion withAliases(SymbolVersion v, List<String> aliases) {
    return copy(v, aliases, v.validUntil(), v.current());
  }

  private static SymbolVersion copy(
      SymbolVersion v, List<String> aliases, Optional<Instant> until, boolean current) {
    return new SymbolVersion(
        v.symbolId(),
        v.exchange(),
        v.canonicalId(),
        v.ticker(),
        v.exchangeCode(),
        v.attributes().withAliases(aliases),
        v.validFrom(),
        until,
        current,
        v.autoRegistered(),
        "test",
        Instant.now());
  }

  /** A version of instrument {@code canonicalId} named like {@code like} from {@code from} on. */
  static SymbolVersion opened(SymbolVersion like, String canonicalId, Instant from) {
    return new SymbolVersion(
        SymbolIds.derive(like.exchange(), canonicalId),
        like.exchange(),
        canonicalId,
        like.ticker(),
        like.exchangeCode(),
        like.attributes(),
        from,
        Optional.empty(),
        true,
        false,
        "test",
        Instant.now());
  }

  /** Saves the changes on the current version. */
  static void save(Warehouse w, SymbolChanges changes) {
    DimSymbolTable dim = DimSymbolTable.open(w);
    dim.save(changes, dim.currentVersion());
  }

  /** The symbol_id of each Silver trade, by event time. */
  static Map<Instant, Long> silverIds(Warehouse w) throws IOException {
    Table t = w.table(TableContracts.SILVER_TRADES.id());
    t.refresh();
    Map<Instant, Long> out = new TreeMap<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
      rows.forEach(
          r ->
              out.put(
                  ((OffsetDateTime) r.getField("ts_event")).toInstant(),
                  (Long) r.getField("symbol_id")));
    }
    return out;
  }
}
