package io.ticklake.catalog.dim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.snapshot.AsOf;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DimSymbolTableTest {
  private static final Instant T1 = Instant.parse("2021-06-01T00:00:00Z");

  @TempDir Path dir;
  Warehouse warehouse;
  DimSymbolTable dim;

  @BeforeEach
  void setUp() {
    warehouse = Warehouse.open(WarehouseConfig.embedded(dir));
    new LakeInitializer(warehouse).commit();
    dim = DimSymbolTable.open(warehouse);
  }

  @AfterEach
  void tearDown() {
    warehouse.close();
  }

  @Test
  void aFreshTableReadsEmptyAtTheEmptyVersion() {
    DimSymbolSnapshot read = dim.read();
    assertThat(read.version()).isEqualTo(DimVersion.EMPTY);
    assertThat(read.version().toString()).isEqualTo("empty");
    assertThat(read.rows()).isEmpty();
  }

  @Test
  void rowsRoundTripExactly() {
    SymbolVersion v =
        new SymbolVersion(
            SymbolIds.derive("binance-futures", "BTCUSDT"),
            "binance-futures",
            "BTCUSDT",
            "BTCUSDT",
            null,
            new SymbolAttributes(
                "crypto-future",
                "USDT",
                "BTC",
                new BigDecimal("0.1"),
                new BigDecimal("0.001"),
                BigDecimal.ONE,
                List.of("BTC/USDT", "BTC-USDT")),
            Instant.EPOCH,
            Optional.empty(),
            true,
            false,
            "crypto-csv:x.csv",
            Instant.parse("2026-11-22T10:15:30.123456789Z"));
    SymbolVersion closed =
        DimRows.closed(
            "us-equity",
            "lean:NB:19980102",
            "NB",
            Instant.parse("1998-01-02T05:00:00Z"),
            Instant.parse("1998-10-01T04:00:00Z"));
    DimVersion version = dim.save(SymbolChanges.adding(v, closed), DimVersion.EMPTY);
    DimSymbolSnapshot read = dim.read();
    assertThat(read.version()).isEqualTo(version);
    // sorted by exchange, canonical id, valid_from; updated_at truncated to microseconds
    assertThat(read.rows()).containsExactly(v, closed);
    assertThat(read.rows().get(0).updatedAt())
        .isEqualTo(Instant.parse("2026-11-22T10:15:30.123456Z"));
    assertThat(read.rows().get(0).attributes().tickSize()).isEqualTo(new BigDecimal("0.100000000"));
    assertThat(read.rows().get(0).attributes().aliases()).containsExactly("BTC-USDT", "BTC/USDT");
    assertThat(dim.table().currentSnapshot().summary())
        .containsEntry("ticklake.operation", "dim-save")
        .containsEntry("ticklake.expected-version", "empty");
  }

  @Test
  void closingAVersionIsAReplaceAndTheOldVersionStaysReadable() {
    SymbolVersion open = DimRows.open("x", "a", "A", DimRows.T0);
    DimVersion v1 = dim.save(SymbolChanges.adding(open), DimVersion.EMPTY);
    SymbolVersion closed = DimRows.closed("x", "a", "A", DimRows.T0, T1);
    SymbolVersion renamed = DimRows.open("x", "a", "B", T1);
    DimVersion v2 =
        dim.save(SymbolChanges.replacing(open, closed).plus(SymbolChanges.adding(renamed)), v1);
    assertThat(dim.read().rows()).containsExactly(closed, renamed);
    assertThat(dim.read(new AsOf.SnapshotId(v1.snapshotId().getAsLong())).rows())
        .containsExactly(open);
    assertThat(v2).isNotEqualTo(v1);
  }

  @Test
  void onlyAddedSinceTellsWhetherEveryRowOfAVersionIsStillThere() {
    SymbolVersion open = DimRows.open("x", "a", "A", DimRows.T0);
    long v1 = dim.save(SymbolChanges.adding(open), DimVersion.EMPTY).snapshotId().getAsLong();
    DimVersion v2 =
        dim.save(
            SymbolChanges.adding(DimRows.open("x", "b", "B", DimRows.T0)), dim.currentVersion());
    assertThat(dim.onlyAddedSince(v1)).isTrue();
    assertThat(dim.onlyAddedSince(v2.snapshotId().getAsLong())).isTrue();

    SymbolVersion closed = DimRows.closed("x", "a", "A", DimRows.T0, T1);
    dim.save(SymbolChanges.replacing(open, closed), v2);
    assertThat(dim.onlyAddedSince(v1)).isFalse();
    assertThat(dim.onlyAddedSince(v2.snapshotId().getAsLong())).isFalse();
    assertThat(dim.onlyAddedSince(dim.currentVersion().snapshotId().getAsLong())).isTrue();
    assertThat(dim.onlyAddedSince(12345L)).isFalse(); // not in the history
  }

  @Test
  void aSaveThatChangesNothingCommitsNothing() {
    SymbolVersion open = DimRows.open("x", "a", "A", DimRows.T0);
    DimVersion v1 = dim.save(SymbolChanges.adding(open), DimVersion.EMPTY);
    assertThat(dim.save(SymbolChanges.replacing(open, open), v1)).isEqualTo(v1);
    assertThat(dim.save(SymbolChanges.none(), v1)).isEqualTo(v1);
    assertThat(dim.table().snapshots()).hasSize(1);
  }

  @Test
  void everyRuleViolationIsAnInputErrorAndCommitsNothing() {
    SymbolVersion a = DimRows.open("x", "a", "A", DimRows.T0);
    DimVersion v1 = dim.save(SymbolChanges.adding(a), DimVersion.EMPTY);

    assertRejected(
        v1,
        SymbolChanges.adding(DimRows.closed("x", "b", "B", T1, DimRows.T0)),
        "version x B (b, symbol_id "
            + SymbolIds.derive("x", "b")
            + ") [2021-06-01T00:00:00Z,"
            + " 2020-01-01T00:00:00Z) has valid_until 2020-01-01T00:00:00Z not after valid_from");
    assertRejected(
        v1,
        SymbolChanges.adding(
            DimRows.open("x", "b", "B", DimRows.T0), DimRows.open("x", "b", "BB", T1)),
        "instrument x b has 2 current versions");
    assertRejected(
        v1,
        SymbolChanges.adding(
            DimRows.closed("x", "b", "B", DimRows.T0, Instant.parse("2022-01-01T00:00:00Z")),
            DimRows.open("x", "b", "BB", T1)),
        "overlap");
    assertRejected(
        v1,
        SymbolChanges.adding(DimRows.open("x", "a", "A", DimRows.T0)),
        "duplicate row symbol_id " + a.symbolId() + " from 2020-01-01T00:00:00Z");
    SymbolVersion wrongId =
        new SymbolVersion(
            42,
            "x",
            "b",
            "B",
            null,
            DimRows.attrs("0.01"),
            DimRows.T0,
            Optional.empty(),
            true,
            false,
            "test",
            DimRows.UPDATED);
    assertRejected(
        v1,
        SymbolChanges.adding(wrongId),
        "has symbol_id 42 but its exchange and canonical_id give " + SymbolIds.derive("x", "b"));
    SymbolVersion notCurrent =
        new SymbolVersion(
            SymbolIds.derive("x", "b"),
            "x",
            "b",
            "B",
            null,
            DimRows.attrs("0.01"),
            DimRows.T0,
            Optional.empty(),
            false,
            false,
            "test",
            DimRows.UPDATED);
    assertRejected(
        v1,
        SymbolChanges.adding(notCurrent),
        "has is_current=false but is_current must be true exactly when valid_until is open");
    // another instrument claiming ticker A (as an alias) while it is a's
    assertRejected(
        v1,
        SymbolChanges.adding(DimRows.withAliases(DimRows.open("x", "c", "C", T1), "a")),
        "key A on x names two instruments at 2021-06-01T00:00:00Z");
    assertThatThrownBy(
            () ->
                dim.save(
                    new SymbolChanges(List.of(DimRows.open("x", "zz", "Z", T1)), List.of()), v1))
        .isInstanceOf(TicklakeException.class)
        .hasMessage(
            "Cannot save ref.dim_symbol: the row x Z (zz, symbol_id "
                + SymbolIds.derive("x", "zz")
                + ") [2021-06-01T00:00:00Z, open) to remove is not in"
                + " version "
                + v1);
    assertThat(dim.read().rows()).containsExactly(a);
    assertThat(dim.table().snapshots()).hasSize(1);
  }

  private void assertRejected(DimVersion base, SymbolChanges changes, String violation) {
    assertThatThrownBy(() -> dim.save(changes, base))
        .isInstanceOf(TicklakeException.class)
        .hasMessageStartingWith("Cannot save ref.dim_symbol: ")
        .hasMessageContaining(violation)
        .hasMessageEndingWith("; nothing was committed")
        .extracting(e -> ((TicklakeException) e).kind())
        .isEqualTo(TicklakeException.Kind.INPUT);
    assertThat(dim.currentVersion()).isEqualTo(base);
  }
}
