package io.ticklake.catalog.dim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SCD2 loading of real Lean reference data into a real warehouse. */
class SymbolLoaderTest {
  private static final long BAC = SymbolIds.derive("us-equity", "lean:NB:19980102");

  @TempDir Path dir;
  Warehouse warehouse;
  DimSymbolTable dim;

  @BeforeEach
  void setUp() {
    warehouse = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")));
    new LakeInitializer(warehouse).commit();
    dim = DimSymbolTable.open(warehouse);
  }

  @AfterEach
  void tearDown() {
    warehouse.close();
  }

  private SymbolLoader.Result load(List<SymbolReference> refs, LocalDate effective, Clock clock) {
    return new SymbolLoader(refs, effective, clock).commit(dim, DimSymbolTable.Retry.DEFAULT);
  }

  private SymbolLoader.Result loadFixtures() {
    List<SymbolReference> refs =
        SymbolLoader.references(
            Optional.of(Fixtures.mapFiles()),
            Optional.of(Fixtures.symbolProperties()),
            Optional.of(Fixtures.cryptoCsv()));
    return load(refs, Fixtures.TODAY, Fixtures.CLOCK);
  }

  @Test
  void aRenameInAMapFileGivesTwoAdjacentVersionsOfOneSymbolId() {
    SymbolLoader.Result r = loadFixtures();
    assertThat(r.plan().newInstruments()).isEqualTo(6 + 6);
    List<SymbolVersion> bac = dim.read().versionsOf(BAC);
    assertThat(bac)
        .extracting(
            SymbolVersion::ticker,
            SymbolVersion::validFrom,
            SymbolVersion::validUntil,
            SymbolVersion::current,
            SymbolVersion::exchangeCode)
        .containsExactly(
            tuple(
                "NB",
                Instant.parse("1998-01-02T05:00:00Z"),
                Optional.of(Instant.parse("1998-10-01T04:00:00Z")),
                false,
                "N"),
            tuple("BAC", Instant.parse("1998-10-01T04:00:00Z"), Optional.empty(), true, "N"));
    assertThat(bac)
        .allSatisfy(
            v -> {
              assertThat(v.canonicalId()).isEqualTo("lean:NB:19980102");
              assertThat(v.attributes().currency()).isEqualTo("USD");
              assertThat(v.attributes().tickSize()).isEqualByComparingTo("0.01");
              assertThat(v.source()).isEqualTo("lean-map-file:bac.csv");
              assertThat(v.updatedAt()).isEqualTo(Fixtures.NOW);
              assertThat(v.autoRegistered()).isFalse();
            });

    SymbolResolver resolver = SymbolResolver.of(dim.read());
    Instant lastNbDay = Instant.parse("1998-09-30T19:59:00Z");
    Instant firstBacDay = Instant.parse("1998-10-01T13:30:00Z");
    assertThat(resolver.resolve("us-equity", "NB", lastNbDay).map(SymbolVersion::ticker))
        .contains("NB");
    assertThat(resolver.resolve("us-equity", "BAC", firstBacDay).map(SymbolVersion::ticker))
        .contains("BAC");
    assertThat(resolver.symbolId("us-equity", "NB", lastNbDay)).hasValue(BAC);
    assertThat(resolver.symbolId("us-equity", "bac", firstBacDay)).hasValue(BAC);
    // the window boundary is local midnight in New York: 03:59:59Z is still September 30th
    assertThat(resolver.symbolId("us-equity", "NB", Instant.parse("1998-10-01T03:59:59Z")))
        .hasValue(BAC);
    assertThat(resolver.resolve("us-equity", "NB", Instant.parse("1998-10-01T04:00:00Z")))
        .isEmpty();
    assertThat(resolver.resolve("us-equity", "BAC", lastNbDay)).isEmpty();
    assertThat(resolver.resolve("us-equity", "NB", Instant.parse("1998-01-02T04:59:59Z")))
        .isEmpty();
  }

  @Test
  void aTickerReusedByAnotherInstrumentIsResolvedPointInTime() {
    loadFixtures();
    SymbolResolver resolver = SymbolResolver.of(dim.read());
    long classA = SymbolIds.derive("us-equity", "lean:GOOG:20040819");
    long classC = SymbolIds.derive("us-equity", "lean:GOOCV:20140327");
    assertThat(resolver.symbolId("us-equity", "GOOG", Instant.parse("2014-04-02T19:00:00Z")))
        .hasValue(classA);
    assertThat(resolver.symbolId("us-equity", "GOOG", Instant.parse("2014-04-03T14:00:00Z")))
        .hasValue(classC);
    assertThat(resolver.symbolId("us-equity", "GOOGL", Instant.parse("2014-04-03T14:00:00Z")))
        .hasValue(classA);
    assertThat(resolver.history("us-equity", "GOOG"))
        .extracting(SymbolVersion::canonicalId, SymbolVersion::ticker)
        .containsExactly(
            tuple("lean:GOOCV:20140327", "GOOCV"),
            tuple("lean:GOOCV:20140327", "GOOG"),
            tuple("lean:GOOG:20040819", "GOOG"),
            tuple("lean:GOOG:20040819", "GOOGL"));
  }

  @Test
  void reloadingTheSameDataChangesNothing() {
    SymbolLoader.Result first = loadFixtures();
    long snapshots = dim.table().snapshots().spliterator().getExactSizeIfKnown();
    List<SymbolVersion> before = dim.read().rows();

    // another day, another clock: still nothing to do
    SymbolLoader.Result second =
        load(
            SymbolLoader.references(
                Optional.of(Fixtures.mapFiles()),
                Optional.of(Fixtures.symbolProperties()),
                Optional.of(Fixtures.cryptoCsv())),
            Fixtures.TODAY.plusDays(30),
            Clock.fixed(Fixtures.NOW.plusSeconds(86_400 * 30), ZoneOffset.UTC));
    assertThat(second.plan().isNoop()).isTrue();
    assertThat(second.plan().unchangedInstruments()).isEqualTo(12);
    assertThat(second.version()).isEqualTo(first.version());
    assertThat(dim.table().snapshots()).hasSize((int) snapshots);
    assertThat(dim.read().rows()).isEqualTo(before);
    // the bundled copies of the same data are the same data
    SymbolLoader.Result bundled =
        load(
            SymbolLoader.references(Optional.empty(), Optional.empty(), Optional.empty()),
            Fixtures.TODAY,
            Fixtures.CLOCK);
    assertThat(bundled.plan().isNoop()).isTrue();
  }

  @Test
  void aChangedAttributeClosesTheOldVersionAndOpensANewOneAtTheChangeDate() throws Exception {
    loadFixtures();
    String props =
        Files.readString(Fixtures.symbolProperties())
            .replace("usa,[*],equity,,USD,1,0.01,1", "usa,[*],equity,,USD,1,0.005,1");
    Path changed = Files.writeString(dir.resolve("props.csv"), props);
    LocalDate changeDate = LocalDate.of(2026, 12, 1);
    Instant later = Instant.parse("2026-12-01T15:00:00Z");
    SymbolLoader.Result r =
        load(
            SymbolLoader.references(
                Optional.of(Fixtures.mapFiles()), Optional.of(changed), Optional.empty()),
            changeDate,
            Clock.fixed(later, ZoneOffset.UTC));
    assertThat(r.plan().changedInstruments()).isEqualTo(6);
    assertThat(r.plan().unchangedInstruments()).isZero();
    Instant change = Instant.parse("2026-12-01T05:00:00Z"); // midnight in New York
    long ibm = SymbolIds.derive("us-equity", "lean:IBM:19980102");
    assertThat(dim.read().versionsOf(ibm))
        .extracting(
            SymbolVersion::validFrom,
            SymbolVersion::validUntil,
            v -> v.attributes().tickSize(),
            SymbolVersion::updatedAt)
        .containsExactly(
            tuple(
                Instant.parse("1998-01-02T05:00:00Z"),
                Optional.of(change),
                new BigDecimal("0.010000000"),
                later),
            tuple(change, Optional.empty(), new BigDecimal("0.005000000"), later));
    // BAC's closed NB version is untouched, its open BAC version is split at the change
    assertThat(dim.read().versionsOf(BAC))
        .extracting(SymbolVersion::ticker, SymbolVersion::validFrom, v -> v.attributes().tickSize())
        .containsExactly(
            tuple("NB", Instant.parse("1998-01-02T05:00:00Z"), new BigDecimal("0.010000000")),
            tuple("BAC", Instant.parse("1998-10-01T04:00:00Z"), new BigDecimal("0.010000000")),
            tuple("BAC", change, new BigDecimal("0.005000000")));
    assertThat(dim.read().versionsOf(BAC).get(0).updatedAt()).isEqualTo(Fixtures.NOW);
    // crypto symbols were not in this load and are left alone
    assertThat(dim.read().rows())
        .filteredOn(v -> v.exchange().equals("binance-futures"))
        .hasSize(2);
  }

  @Test
  void theDefaultEffectiveDateIsTodayInTheExchangesZoneNotInUtc() throws Exception {
    loadFixtures();
    String props =
        Files.readString(Fixtures.symbolProperties())
            .replace("usa,[*],equity,,USD,1,0.01,1", "usa,[*],equity,,USD,1,0.005,1");
    Path changed = Files.writeString(dir.resolve("props.csv"), props);
    // 02:00 UTC on 2026-12-01 is 21:00 on 2026-11-30 in New York
    Instant evening = Instant.parse("2026-12-01T02:00:00Z");
    SymbolLoader.effectiveToday(
            SymbolLoader.references(
                Optional.of(Fixtures.mapFiles()), Optional.of(changed), Optional.empty()),
            Clock.fixed(evening, ZoneOffset.UTC))
        .commit(dim, DimSymbolTable.Retry.DEFAULT);
    long ibm = SymbolIds.derive("us-equity", "lean:IBM:19980102");
    // the new tick size applies from New York's midnight of 2026-11-30: already in force
    assertThat(dim.read().versionsOf(ibm))
        .last()
        .satisfies(
            v -> {
              assertThat(v.validFrom()).isEqualTo(Instant.parse("2026-11-30T05:00:00Z"));
              assertThat(v.attributes().tickSize()).isEqualByComparingTo("0.005");
            });
  }

  @Test
  void aRenameAddedToAMapFileLaterClosesTheCurrentVersion() throws Exception {
    Path maps = Files.createDirectories(dir.resolve("maps"));
    Files.writeString(maps.resolve("fb.csv"), "20120518,fb,Q\n20501231,fb,Q\n");
    load(
        SymbolLoader.references(Optional.of(maps), Optional.empty(), Optional.empty()),
        LocalDate.of(2020, 1, 1),
        Fixtures.CLOCK);
    Files.writeString(maps.resolve("fb.csv"), "20120518,fb,Q\n20220608,fb,Q\n20501231,meta,Q\n");
    SymbolLoader.Result r =
        load(
            SymbolLoader.references(Optional.of(maps), Optional.empty(), Optional.empty()),
            Fixtures.TODAY,
            Fixtures.CLOCK);
    assertThat(r.plan().changes().removed()).hasSize(1);
    assertThat(r.plan().changes().added()).hasSize(2);
    long fb = SymbolIds.derive("us-equity", "lean:FB:20120518");
    Instant rename = Instant.parse("2022-06-09T04:00:00Z");
    assertThat(dim.read().versionsOf(fb))
        .extracting(SymbolVersion::ticker, SymbolVersion::validFrom, SymbolVersion::validUntil)
        .containsExactly(
            tuple("FB", Instant.parse("2012-05-18T04:00:00Z"), Optional.of(rename)),
            tuple("META", rename, Optional.empty()));
    SymbolResolver resolver = SymbolResolver.of(dim.read());
    assertThat(resolver.symbolId("us-equity", "FB", rename.minusSeconds(1))).hasValue(fb);
    assertThat(resolver.symbolId("us-equity", "META", rename)).hasValue(fb);
    assertThat(resolver.symbolId("us-equity", "FB", rename)).isEmpty();

    // and a delisting closes the last version
    Files.writeString(maps.resolve("fb.csv"), "20120518,fb,Q\n20220608,fb,Q\n20251231,meta,Q\n");
    load(
        SymbolLoader.references(Optional.of(maps), Optional.empty(), Optional.empty()),
        Fixtures.TODAY,
        Fixtures.CLOCK);
    assertThat(dim.read().versionsOf(fb).get(1).validUntil())
        .contains(Instant.parse("2026-01-01T05:00:00Z"));
    assertThat(dim.read().versionsOf(fb)).noneMatch(SymbolVersion::current);
  }

  @Test
  void twoInstrumentsClaimingOneTickerAtOnceCommitNothing() throws Exception {
    loadFixtures();
    DimVersion before = dim.currentVersion();
    Path maps = Files.createDirectories(dir.resolve("clash"));
    // a second instrument trading as IBM while lean:IBM:19980102 does
    Files.writeString(maps.resolve("ibm2.csv"), "20100104,ibm,N\n20501231,ibm,N\n");
    assertThatThrownBy(
            () ->
                load(
                    SymbolLoader.references(Optional.of(maps), Optional.empty(), Optional.empty()),
                    Fixtures.TODAY,
                    Fixtures.CLOCK))
        .isInstanceOf(TicklakeException.class)
        .hasMessageStartingWith(
            "Cannot save ref.dim_symbol: key IBM on us-equity names two instruments at"
                + " 2010-01-04T05:00:00Z: us-equity IBM (lean:IBM:19980102")
        .hasMessageEndingWith("; nothing was committed");
    assertThat(dim.currentVersion()).isEqualTo(before);
  }

  @Test
  void autoRegisteredPlaceholdersAreReplacedByReferenceData() {
    SymbolRegistry registry = new SymbolRegistry(dim, RegistrationPolicy.AUTO, Fixtures.CLOCK);
    registry.ensureRegistered("us-equity", "IBM", "ZZZZ");
    registry.ensureRegistered("binance-futures", "BTC-USDT");
    SymbolLoader.Result r = loadFixtures();
    assertThat(r.plan().autoReplaced()).isEqualTo(2);
    DimSymbolSnapshot after = dim.read();
    assertThat(after.rows())
        .filteredOn(SymbolVersion::autoRegistered)
        .extracting(SymbolVersion::ticker)
        .containsExactly("ZZZZ");
    // the crypto symbol keeps its id: its canonical id is its normalised symbol either way
    assertThat(after.versionsOf(SymbolIds.derive("binance-futures", "BTCUSDT")))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.autoRegistered()).isFalse();
              assertThat(v.ticker()).isEqualTo("BTCUSDT");
              assertThat(v.attributes().tickSize()).isEqualByComparingTo("0.1");
            });
    assertThat(after.versionsOf(SymbolIds.derive("us-equity", "IBM"))).isEmpty();
  }
}
