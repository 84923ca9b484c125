package io.ticklake.silver;

import static io.ticklake.silver.BronzeFixture.DATE;
import static io.ticklake.silver.BronzeFixture.EXCHANGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.dim.RegistrationPolicy;
import io.ticklake.quarantine.Severity;
import io.ticklake.silver.BronzeFixture.Quote;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationTest {
  private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

  @TempDir Path dir;

  /** Compacts the table's changed partitions with the default options; the first result. */
  private static PartitionResult compact(Warehouse w, SilverTable kind) {
    return new SilverCompactor(w, kind, CompactOptions.defaults(), Clock.systemUTC()).run().get(0);
  }

  private static List<Record> read(Table t) throws Exception {
    t.refresh();
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
      rows.forEach(out::add);
    }
    out.sort(Comparator.comparing(r -> String.valueOf(r.getField("file_seq"))));
    return out;
  }

  private static List<Record> quarantine(Warehouse w) throws Exception {
    List<Record> q = read(w.table(TableContracts.QUARANTINE.id()));
    q.sort(Comparator.comparing(r -> (Long) r.getField("file_seq")));
    return q;
  }

  /** Compacts (forced) with the given settings; the first result. */
  private static PartitionResult compact(
      Warehouse w, SilverTable kind, ValidationSettings settings) {
    return new SilverCompactor(
            w,
            kind,
            CompactOptions.defaults().withForce(true).withValidation(settings),
            Clock.systemUTC())
        .run()
        .get(0);
  }

  private static ValidationSettings tolerance(java.time.Duration d) {
    ValidationSettings v = ValidationSettings.defaults();
    return new ValidationSettings(
        v.severities(), v.disabled(), d, v.spikePercent(), v.spikeWindow(), v.spikeMinPoints());
  }

  private static ValidationSettings spike(String percent, int window, int minPoints) {
    ValidationSettings v = ValidationSettings.defaults();
    return new ValidationSettings(
        v.severities(),
        v.disabled(),
        v.sessionTolerance(),
        new java.math.BigDecimal(percent),
        window,
        minPoints);
  }

  /** A us-equity trade of SPY on {@code date} at {@code ts}, with nanoseconds when given. */
  private static java.util.Map<String, Object> spy(
      LocalDate date, long line, Instant ts, Long nanos) {
    java.util.Map<String, Object> m = new java.util.HashMap<>();
    m.put("exchange", "us-equity");
    m.put("trading_date", date);
    m.put("symbol", "SPY");
    m.put("ts_event", java.time.OffsetDateTime.ofInstant(ts, java.time.ZoneOffset.UTC));
    if (nanos != null) {
      m.put("ts_event_ns", nanos);
    }
    m.put("price", new java.math.BigDecimal("500").setScale(9));
    m.put("size", new java.math.BigDecimal("1").setScale(8));
    m.put("side", "buy");
    m.put("file_id", 1L);
    m.put("file_seq", line);
    return m;
  }

  /** The file_seq of the rows quarantined by {@code rule}. */
  private static List<Long> lines(Warehouse w, String rule) throws Exception {
    return quarantine(w).stream()
        .filter(x -> rule.equals(x.getField("rule")))
        .map(x -> (Long) x.getField("file_seq"))
        .toList();
  }

  @Test
  void quotesRejectCrossedAndNegativeSizesFlagLockedAndAllowOneSided() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendQuoteFile(
          BronzeFixture.bronzeQuotes(w),
          1,
          List.of(
              new Quote("BTCUSDT", T0, "100.1", "1", "100.2", "2"),
              new Quote("BTCUSDT", T0.plusMillis(1), "100.1", "1", null, null),
              new Quote("BTCUSDT", T0.plusMillis(2), "100.3", "1", "100.2", "2"),
              new Quote("BTCUSDT", T0.plusMillis(3), "100.2", "1", "100.2", "2"),
              new Quote("BTCUSDT", T0.plusMillis(4), "100.1", "-1", "100.2", "2")));
      PartitionResult r = compact(w, SilverTable.QUOTES);
      assertThat(r.rowsIn()).isEqualTo(5);
      assertThat(r.quarantined()).isEqualTo(2);
      assertThat(r.warned()).isEqualTo(1);
      assertThat(r.rowsOut()).isEqualTo(3);
      List<Record> silver = read(w.table(TableContracts.SILVER_QUOTES.id()));
      assertThat(silver).extracting(x -> x.getField("file_seq")).containsExactly(1L, 2L, 4L);
      List<Record> q = quarantine(w);
      assertThat(q)
          .extracting(
              x -> x.getField("file_seq") + ":" + x.getField("rule") + ":" + x.getField("severity"))
          .containsExactly(
              "3:quote_crossed:error", "4:quote_locked:warn", "5:size_non_negative:error");
      assertThat(q.get(0).getField("value")).isEqualTo("100.300000000 > 100.200000000");
      assertThat(q.get(0).getField("source_table")).isEqualTo("silver.quotes");
    }
  }

  @Test
  void aRuleBrokenByARedeliveredRecordIsReportedOncePerEvent() throws Exception {
    // two identical crossed quotes (two real events), delivered in file 1 and again in file 2
    List<Quote> file =
        List.of(
            new Quote("BTCUSDT", T0, "100.1", "1", "100.2", "2"),
            new Quote("BTCUSDT", T0.plusMillis(1), "100.3", "1", "100.2", "2"),
            new Quote("BTCUSDT", T0.plusMillis(1), "100.3", "1", "100.2", "2"),
            new Quote("BTCUSDT", T0.plusMillis(2), "100.1", "1", "100.2", "2"));
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeQuotes(w);
      BronzeFixture.appendQuoteFile(bronze, 1, file);
      BronzeFixture.appendQuoteFile(bronze, 2, file);
      PartitionResult r = compact(w, SilverTable.QUOTES);
      assertThat(r.rowsIn()).isEqualTo(8);
      assertThat(r.duplicates()).isEqualTo(4);
      assertThat(r.quarantined()).isEqualTo(2);
      assertThat(r.rowsOut()).isEqualTo(2);
      List<Record> q = quarantine(w);
      // the kept copies (file 1, the earliest lineage), one row each, with two distinct event ids
      assertThat(q)
          .extracting(
              x -> x.getField("file_id") + ":" + x.getField("file_seq") + ":" + x.getField("rule"))
          .containsExactly("1:2:quote_crossed", "1:3:quote_crossed");
      assertThat(q)
          .extracting(x -> (String) x.getField("row_json"))
          .allSatisfy(j -> assertThat(j).contains("\"event_id\":\""))
          .doesNotHaveDuplicates();

      // a disabled rule runs no more: the crossed quotes stay in Silver, quarantine is emptied
      PartitionResult r2 =
          new SilverCompactor(
                  w,
                  SilverTable.QUOTES,
                  CompactOptions.defaults()
                      .withForce(true)
                      .withValidation(ValidationSettings.defaults().without("quote_crossed")),
                  Clock.systemUTC())
              .run()
              .get(0);
      assertThat(r2.quarantined()).isZero();
      assertThat(r2.rowsOut()).isEqualTo(4);
      assertThat(quarantine(w)).isEmpty();
    }
  }

  @Test
  void aRejectedQuoteGetsOnlyItsErrors() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendQuoteFile(
          BronzeFixture.bronzeQuotes(w),
          1,
          List.of(
              new Quote("BTCUSDT", T0, "100.2", "1", "100.2", "2"),
              // locked (warn) and a negative size (error): rejected, so not "kept and logged"
              new Quote("BTCUSDT", T0.plusMillis(1), "100.2", "-1", "100.2", "2"),
              // the ask side at fault: the field says so, and a zero ask is not "crossed"
              new Quote("BTCUSDT", T0.plusMillis(2), "100.2", "1", "0", "-2"),
              // no side at all: kept and flagged
              new Quote("BTCUSDT", T0.plusMillis(3), null, null, null, null)));
      PartitionResult r = compact(w, SilverTable.QUOTES);
      assertThat(r.quarantined()).isEqualTo(2);
      assertThat(r.warned()).isEqualTo(2);
      assertThat(r.rowsOut()).isEqualTo(2);
      assertThat(quarantine(w))
          .extracting(
              x ->
                  x.getField("file_seq")
                      + ":"
                      + x.getField("rule")
                      + ":"
                      + x.getField("severity")
                      + ":"
                      + x.getField("field")
                      + "="
                      + x.getField("value"))
          .containsExactlyInAnyOrder(
              "1:quote_locked:warn:bid_price=100.200000000",
              "2:size_non_negative:error:bid_size=-1.00000000",
              "3:size_non_negative:error:ask_size=-2.00000000",
              "3:price_positive:error:ask_price=0.000000000",
              "4:quote_empty:warn:bid_price=(none)");
    }
  }

  @Test
  void theSpikeReferenceLeavesOutTradesOtherRulesReject() throws Exception {
    List<Trade> trades = new ArrayList<>();
    // five prints far off the market that side_known rejects ...
    for (int i = 0; i < 5; i++) {
      trades.add(new Trade("BTCUSDT", T0.plusMillis(i), "200", "1", "weird"));
    }
    // ... do not make the market's own prints spikes
    for (int i = 5; i < 12; i++) {
      trades.add(new Trade("BTCUSDT", T0.plusMillis(i), "100", "1", "buy"));
    }
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(BronzeFixture.bronzeTrades(w), 1, List.of(trades));
      PartitionResult r = compact(w, SilverTable.TRADES);
      assertThat(r.quarantined()).isEqualTo(5);
      assertThat(r.warned()).isZero();
      assertThat(r.rowsOut()).isEqualTo(7);
      assertThat(quarantine(w))
          .extracting(x -> x.getField("rule") + ":" + x.getField("file_seq"))
          .containsExactly(
              "side_known:1", "side_known:2", "side_known:3", "side_known:4", "side_known:5");

      // with side_known disabled they reach Silver and are the reference: 100 is then a spike
      CompactOptions without =
          CompactOptions.defaults()
              .withForce(true)
              .withValidation(ValidationSettings.defaults().without("side_known"));
      PartitionResult r2 =
          new SilverCompactor(w, SilverTable.TRADES, without, Clock.systemUTC()).run().get(0);
      assertThat(r2.quarantined()).isZero();
      assertThat(r2.warned()).isPositive();
      assertThat(quarantine(w)).extracting(x -> x.getField("rule")).containsOnly("price_spike");
    }
  }

  @Test
  void priceSpikeIsKeptAndLoggedAsWarning() throws Exception {
    List<Trade> trades = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      trades.add(new Trade("BTCUSDT", T0.plusMillis(i), "100", "1", "buy"));
    }
    trades.add(new Trade("BTCUSDT", T0.plusMillis(10), "200", "1", "buy"));
    trades.add(new Trade("BTCUSDT", T0.plusMillis(11), "100", "1", "weird"));
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(BronzeFixture.bronzeTrades(w), 1, List.of(trades));
      PartitionResult r = compact(w, SilverTable.TRADES);
      // 10 equal prints are genuine identical trades: all kept
      assertThat(r.duplicates()).isZero();
      assertThat(r.warned()).isEqualTo(1);
      assertThat(r.quarantined()).isEqualTo(1);
      assertThat(r.rowsOut()).isEqualTo(11);
      assertThat(quarantine(w))
          .extracting(x -> x.getField("rule") + ":" + x.getField("severity"))
          .containsExactly("price_spike:warn", "side_known:error");

      // the severity is configurable: side_known as a warning keeps the row
      CompactOptions relaxed =
          CompactOptions.defaults()
              .withForce(true)
              .withValidation(
                  ValidationSettings.defaults().withSeverity("side_known", Severity.WARN));
      PartitionResult r2 =
          new SilverCompactor(w, SilverTable.TRADES, relaxed, Clock.systemUTC()).run().get(0);
      assertThat(r2.quarantined()).isZero();
      assertThat(r2.rowsOut()).isEqualTo(12);
      // replaced, not appended
      assertThat(quarantine(w)).hasSize(2);
    }
  }

  @Test
  void unknownSymbolsAreQuarantinedUnderStrict() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(List.of(new Trade("NOPEUSDT", T0, "1", "1", "buy"))));
      PartitionResult r =
          new SilverCompactor(
                  w,
                  SilverTable.TRADES,
                  CompactOptions.defaults().withRegistration(RegistrationPolicy.STRICT),
                  Clock.systemUTC())
              .run()
              .get(0);
      assertThat(r.quarantined()).isEqualTo(1);
      assertThat(r.rowsOut()).isZero();
      assertThat(r.dataFile()).isEmpty();
      assertThat(read(w.table(TableContracts.SILVER_TRADES.id()))).isEmpty();
      assertThat(quarantine(w))
          .singleElement()
          .satisfies(
              q -> {
                assertThat(q.getField("rule")).isEqualTo("unknown_symbol");
                assertThat((String) q.getField("message")).startsWith("Symbol NOPEUSDT names no");
              });
    }
  }

  @Test
  void eventsOutsideTheSessionWindowAreRejected() throws Exception {
    LocalDate date = LocalDate.of(2024, 3, 1); // a Friday; New York is UTC-5 in March before DST
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          "us-equity",
          date,
          1,
          List.of(
              List.of(
                  new Trade("SPY", Instant.parse("2024-03-01T08:00:00Z"), "500", "1", "buy"),
                  new Trade("SPY", Instant.parse("2024-03-01T08:59:30Z"), "500", "1", "buy"),
                  new Trade("SPY", Instant.parse("2024-03-01T15:00:00Z"), "500", "1", "buy"),
                  new Trade("SPY", Instant.parse("2024-03-02T01:00:30Z"), "500", "1", "buy"),
                  new Trade("SPY", Instant.parse("2024-03-02T01:02:00Z"), "500", "1", "buy"))));
      PartitionResult r = compact(w, SilverTable.TRADES);
      assertThat(r.quarantined()).isEqualTo(2);
      assertThat(read(w.table(TableContracts.SILVER_TRADES.id())))
          .extracting(x -> x.getField("session"))
          .containsExactly("closed", "regular", "closed");
      assertThat(quarantine(w))
          .extracting(x -> x.getField("rule"))
          .containsExactly("session_window", "session_window");
      // the message gives the exchange's own clock first
      assertThat(quarantine(w).get(0).getField("message"))
          .isEqualTo(
              "Event time 2024-03-01 03:00:00 America/New_York (2024-03-01 08:00:00+00) is"
                  + " outside the sessions of trading date 2024-03-01 (tolerance PT1M)");
    }
  }

  /**
   * 2013-11-29 (the day after Thanksgiving) closes early at 13:00 New York time, but only the
   * regular session ends then: the US extended-hours venues (NYSE Arca, Nasdaq) run their
   * post-market session from 13:00 to 17:00 on early-close days, and vendor tick files carry those
   * prints. A 13:30 and a 16:30 print are real trades of that trading date, not events outside its
   * session window; rejecting them as errors takes them out of Silver (and out of every bar).
   */
  @Test
  void postMarketPrintsOfAnEarlyCloseDayAreNotRejected() throws Exception {
    LocalDate halfDay = LocalDate.of(2013, 11, 29); // New York is UTC-5 in November
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          "us-equity",
          halfDay,
          1,
          List.of(
              List.of(
                  new Trade("IBM", Instant.parse("2013-11-29T15:00:00Z"), "180", "100", "buy"),
                  new Trade("IBM", Instant.parse("2013-11-29T18:30:00Z"), "180", "100", "buy"),
                  new Trade("IBM", Instant.parse("2013-11-29T21:30:00Z"), "180", "100", "buy"))));
      PartitionResult r = compact(w, SilverTable.TRADES);
      assertThat(quarantine(w)).extracting(x -> x.getField("rule")).isEmpty();
      assertThat(r.quarantined()).isZero();
      assertThat(read(w.table(TableContracts.SILVER_TRADES.id())))
          .extracting(x -> x.getField("session"))
          .containsExactly("regular", "post", "post");
    }
  }

  @Test
  void unknownSymbolRuleCannotBeRelaxed() {
    assertThatThrownBy(() -> ValidationSettings.defaults().without("unknown_symbol"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot relax rule unknown_symbol: symbol_id is required in Silver");
  }

  @Test
  void planListsOnlyPartitionsChangedSinceTheirCompaction() throws Exception {
    Instant nextDay = T0.plusSeconds(86_400);
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(
          bronze,
          1,
          List.of(
              List.of(
                  new Trade("BTCUSDT", T0, "1", "1", "buy"),
                  new Trade("BTCUSDT", nextDay, "1", "1", "buy"))));
      SilverCompactor c =
          new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
      assertThat(c.plan().partitions()).hasSize(2);
      assertThat(c.run()).hasSize(2);
      assertThat(c.plan().isEmpty()).isTrue();

      BronzeFixture.appendTradeFiles(
          bronze,
          2,
          List.of(List.of(new Trade("BTCUSDT", nextDay.plusSeconds(1), "1", "2", "buy"))));
      CompactionPlan plan = c.plan();
      assertThat(plan.partitions())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.key()).isEqualTo(ExchangeDate.of(EXCHANGE, DATE.plusDays(1)));
                assertThat(t.reason()).isEqualTo("changed");
                assertThat(t.bronzeRows()).isEqualTo(2);
              });
      assertThat(c.commit(plan).get(0).rowsOut()).isEqualTo(2);
      assertThat(c.plan().isEmpty()).isTrue();
      assertThat(read(w.table(TableContracts.SILVER_TRADES.id()))).hasSize(3);
    }
  }

  /**
   * 2024-03-01 in New York (UTC-5): sessions 04:00-20:00 ET = 09:00Z to 01:00Z the next day. The
   * window is [open - tolerance, close + tolerance): its start is in, its end is out.
   */
  @Test
  void theSessionWindowIncludesItsWidenedOpenAndExcludesItsWidenedClose() throws Exception {
    LocalDate d = LocalDate.of(2024, 3, 1);
    Instant open = Instant.parse("2024-03-01T09:00:00Z");
    Instant close = Instant.parse("2024-03-02T01:00:00Z");
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendRows(
          BronzeFixture.bronzeTrades(w),
          List.of(
              spy(d, 1, open.minusSeconds(60).minusNanos(1000), null), // out
              spy(d, 2, open.minusSeconds(60), null), // in
              spy(d, 3, open.minusNanos(1000), null), // in
              spy(d, 4, close, null), // in
              spy(d, 5, close.plusSeconds(60).minusNanos(1000), null), // in
              spy(d, 6, close.plusSeconds(60), null), // out
              spy(d, 7, open, null), // in
              spy(d, 8, close.minusNanos(1000), null))); // in
      PartitionResult r = compact(w, SilverTable.TRADES);
      assertThat(lines(w, "session_window")).containsExactly(1L, 6L);
      assertThat(r.rowsOut()).isEqualTo(6);
      // without tolerance: exactly the sessions, the open in and the close out
      r = compact(w, SilverTable.TRADES, tolerance(java.time.Duration.ZERO));
      assertThat(lines(w, "session_window")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      assertThat(r.rowsOut()).isEqualTo(2);
    }
  }

  /** A tolerance finer than a microsecond is not rounded: the window keeps its exact ends. */
  @Test
  void aSubMicrosecondToleranceKeepsTheWindowsExactEnds() throws Exception {
    LocalDate d = LocalDate.of(2024, 3, 1);
    Instant open = Instant.parse("2024-03-01T09:00:00Z");
    Instant close = Instant.parse("2024-03-02T01:00:00Z");
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendRows(
          BronzeFixture.bronzeTrades(w),
          List.of(
              spy(d, 1, open.minusNanos(2000), null), // 2 µs before the open: out
              spy(d, 2, open, null), // in
              spy(d, 3, close, null), // 0 < 1.5 µs after the close: in
              spy(d, 4, close.plusNanos(1000), null), // 1 µs < 1.5 µs: in
              spy(d, 5, close.plusNanos(2000), null))); // out
      compact(w, SilverTable.TRADES, tolerance(java.time.Duration.ofNanos(1500)));
      assertThat(lines(w, "session_window")).containsExactly(1L, 5L);
      // 1 ns: an event exactly at the close is inside [open - 1 ns, close + 1 ns)
      compact(w, SilverTable.TRADES, tolerance(java.time.Duration.ofNanos(1)));
      assertThat(lines(w, "session_window")).containsExactly(1L, 4L, 5L);
    }
  }

  /** With the vendor's nanoseconds, the window is judged on them, not on the microsecond. */
  @Test
  void theSessionWindowJudgesTheVendorsNanoseconds() throws Exception {
    LocalDate d = LocalDate.of(2024, 3, 1);
    Instant open = Instant.parse("2024-03-01T09:00:00Z");
    Instant close = Instant.parse("2024-03-02T01:00:00Z");
    long openNs = open.getEpochSecond() * 1_000_000_000L;
    long closeNs = close.getEpochSecond() * 1_000_000_000L;
    Instant beforeOpenUs = open.minusNanos(1000); // the µs holding open - 1 ns
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendRows(
          BronzeFixture.bronzeTrades(w),
          List.of(
              spy(d, 1, beforeOpenUs, openNs - 1), // out (tolerance 0)
              spy(d, 2, open, openNs), // in
              spy(d, 3, beforeOpenUs, openNs - 2), // out with 1 ns, in with 2 ns
              spy(d, 4, close.minusNanos(1000), closeNs - 1), // in
              spy(d, 5, close, closeNs), // out with 0, in with 1 ns
              spy(d, 6, close, closeNs + 1))); // out with 1 ns
      compact(w, SilverTable.TRADES, tolerance(java.time.Duration.ZERO));
      assertThat(lines(w, "session_window")).containsExactly(1L, 3L, 5L, 6L);
      compact(w, SilverTable.TRADES, tolerance(java.time.Duration.ofNanos(1)));
      assertThat(lines(w, "session_window")).containsExactly(3L, 6L);
      // 2 ns: open - 2 ns is the window's first instant, close + 1 ns its last
      compact(w, SilverTable.TRADES, tolerance(java.time.Duration.ofNanos(2)));
      assertThat(lines(w, "session_window")).isEmpty();
    }
  }

  /** 2013-11-29 closes at 13:00 ET; its post-market ends at 17:00 ET = 22:00Z. */
  @Test
  void anEarlyCloseDaysWindowEndsAtItsMovedPostMarket() throws Exception {
    LocalDate d = LocalDate.of(2013, 11, 29);
    Instant end = Instant.parse("2013-11-29T22:01:00Z");
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendRows(
          BronzeFixture.bronzeTrades(w),
          List.of(
              spy(d, 1, end.minusNanos(1000), null),
              spy(d, 2, end, null),
              spy(d, 3, Instant.parse("2013-11-29T08:59:00Z"), null),
              spy(d, 4, Instant.parse("2013-11-29T08:58:59.999999Z"), null)));
      compact(w, SilverTable.TRADES);
      assertThat(lines(w, "session_window")).containsExactly(2L, 4L);
    }
  }

  /**
   * 2024-03-11, the Monday after the switch to daylight saving time: 04:00 ET is 08:00Z; the Sunday
   * of the switch has no session at all.
   */
  @Test
  void theWindowFollowsDaylightSavingTime() throws Exception {
    LocalDate monday = LocalDate.of(2024, 3, 11);
    LocalDate sunday = LocalDate.of(2024, 3, 10);
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendRows(
          BronzeFixture.bronzeTrades(w),
          List.of(
              spy(monday, 1, Instant.parse("2024-03-11T07:58:59.999999Z"), null),
              spy(monday, 2, Instant.parse("2024-03-11T07:59:00Z"), null),
              spy(monday, 3, Instant.parse("2024-03-12T00:00:59.999999Z"), null),
              spy(monday, 4, Instant.parse("2024-03-12T00:01:00Z"), null),
              spy(sunday, 5, Instant.parse("2024-03-10T15:00:00Z"), null)));
      new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC())
          .run();
      assertThat(lines(w, "session_window")).containsExactly(1L, 4L, 5L);
    }
  }

  /** A 24/7 UTC exchange: the whole UTC day, from its first to its last microsecond. */
  @Test
  void aCryptoDayIsWholeFromItsFirstToItsLastMicrosecond() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(
                  new Trade("BTCUSDT", Instant.parse("2024-03-31T00:00:00Z"), "1", "1", "buy"),
                  new Trade(
                      "BTCUSDT", Instant.parse("2024-03-31T23:59:59.999999Z"), "1", "1", "buy"))));
      PartitionResult r = compact(w, SilverTable.TRADES, tolerance(java.time.Duration.ZERO));
      assertThat(r.quarantined()).isZero();
      assertThat(r.rowsOut()).isEqualTo(2);
    }
  }

  /** Price and size at zero and one step above it, side in and out of its set. */
  @Test
  void tradeRowRulesAtTheirBoundsAndARowBreakingSeveral() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(
                  new Trade("BTCUSDT", T0, "0.000000001", "0.00000001", "buy"),
                  new Trade("BTCUSDT", T0.plusMillis(1), "0", "1", "sell"),
                  new Trade("BTCUSDT", T0.plusMillis(2), "1", "0", "unknown"),
                  new Trade("BTCUSDT", T0.plusMillis(3), "-1", "-1", "BUY"),
                  new Trade("BTCUSDT", T0.plusMillis(4), "1", "1", null),
                  new Trade("BTCUSDT", T0.plusMillis(5), "1", "1", ""))));
      PartitionResult r = compact(w, SilverTable.TRADES);
      assertThat(r.rowsIn()).isEqualTo(6);
      assertThat(r.quarantined()).isEqualTo(4);
      assertThat(r.rowsOut()).isEqualTo(2);
      assertThat(r.rowsIn()).isEqualTo(r.rowsOut() + r.duplicates() + r.quarantined());
      assertThat(quarantine(w))
          .extracting(x -> x.getField("file_seq") + ":" + x.getField("rule"))
          .containsExactlyInAnyOrder(
              "2:price_positive",
              "3:size_positive",
              "4:price_positive",
              "4:size_positive",
              "4:side_known",
              "6:side_known");
    }
  }

  /** The quote rules at zero, equal and one-sided prices and sizes. */
  @Test
  void quoteRulesAtTheirBounds() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendQuoteFile(
          BronzeFixture.bronzeQuotes(w),
          1,
          List.of(
              new Quote("BTCUSDT", T0, "100", "0", "100.000000001", "0"), // zero sizes: kept
              new Quote("BTCUSDT", T0.plusMillis(1), null, null, "100", "1"), // ask only
              new Quote("BTCUSDT", T0.plusMillis(2), "100", "1", null, null), // bid only
              new Quote("BTCUSDT", T0.plusMillis(3), "100.000000001", "1", "100", "1"), // crossed
              new Quote("BTCUSDT", T0.plusMillis(4), "100", "1", "100", "1"), // locked
              new Quote("BTCUSDT", T0.plusMillis(5), "100", null, "100", null), // locked
              new Quote("BTCUSDT", T0.plusMillis(6), "0", "1", "0", "1"), // both prices
              new Quote("BTCUSDT", T0.plusMillis(7), null, "-0.00000001", null, null),
              new Quote("BTCUSDT", T0.plusMillis(8), "5", "-1", "1", "-1"))); // 4 rules
      PartitionResult r = compact(w, SilverTable.QUOTES);
      assertThat(quarantine(w))
          .extracting(
              x -> x.getField("file_seq") + ":" + x.getField("rule") + ":" + x.getField("field"))
          .containsExactlyInAnyOrder(
              "4:quote_crossed:bid_price",
              "5:quote_locked:bid_price",
              "6:quote_locked:bid_price",
              "7:price_positive:bid_price",
              "7:price_positive:ask_price",
              "8:size_non_negative:bid_size",
              "9:quote_crossed:bid_price",
              "9:size_non_negative:bid_size",
              "9:size_non_negative:ask_size");
      assertThat(r.quarantined()).isEqualTo(4);
      assertThat(r.warned()).isEqualTo(2);
      assertThat(r.rowsOut()).isEqualTo(5);
    }
  }

  /** Under strict registration a version holds from valid_from (in) to valid_until (out). */
  @Test
  void aSymbolIsKnownFromItsValidFromToJustBeforeItsValidUntil() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      DimFixture.register(w, "BTCUSDT");
      io.ticklake.catalog.dim.SymbolVersion a = DimFixture.only(w, "BTCUSDT");
      io.ticklake.catalog.dim.SymbolVersion b =
          DimFixture.opened(a, "BTCUSDT-2", T0.plusSeconds(1));
      DimFixture.save(
          w,
          new io.ticklake.catalog.dim.SymbolChanges(
              List.of(a), List.of(DimFixture.closed(a, T0), b)));
      Instant us = Instant.ofEpochSecond(0, 1000);
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(
              List.of(
                  new Trade("BTCUSDT", T0.minus(java.time.Duration.ofNanos(1000)), "1", "1", "buy"),
                  new Trade("BTCUSDT", T0, "1", "1", "buy"),
                  new Trade("BTCUSDT", T0.plusSeconds(1).minusNanos(1000), "1", "1", "buy"),
                  new Trade("BTCUSDT", T0.plusSeconds(1), "1", "1", "buy"))));
      PartitionResult r =
          new SilverCompactor(
                  w,
                  SilverTable.TRADES,
                  CompactOptions.defaults().withRegistration(RegistrationPolicy.STRICT),
                  Clock.systemUTC())
              .run()
              .get(0);
      assertThat(lines(w, "unknown_symbol")).containsExactly(2L, 3L);
      assertThat(r.rowsOut()).isEqualTo(2);
      assertThat(DimFixture.silverIds(w))
          .containsExactly(
              java.util.Map.entry(T0.minusNanos(1000), a.symbolId()),
              java.util.Map.entry(T0.plusSeconds(1), b.symbolId()));
      assertThat(us).isNotNull();
    }
  }

  private static List<Trade> prints(String symbol, int from, String... prices) {
    List<Trade> out = new ArrayList<>();
    for (int i = 0; i < prices.length; i++) {
      out.add(new Trade(symbol, T0.plusMillis(from + i), prices[i], "1", "buy"));
    }
    return out;
  }

  /** The spike rule against the median of the previous trades, at its thresholds. */
  @Test
  void priceSpikeAtItsThresholds() throws Exception {
    List<Trade> trades = new ArrayList<>();
    // 5 prints of 100, then: exactly +10 % and -10 % (not spikes), one step beyond each (spikes)
    trades.addAll(
        prints(
            "BTCUSDT",
            0,
            "100",
            "100",
            "100",
            "100",
            "100",
            "110",
            "90",
            "110.000000001",
            "89.999999999"));
    // another symbol far off: its own reference, and too few prints to be judged
    trades.addAll(prints("ETHUSDT", 100, "1", "1", "1", "1", "1000"));
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(BronzeFixture.bronzeTrades(w), 1, List.of(trades));
      PartitionResult r = compact(w, SilverTable.TRADES);
      assertThat(lines(w, "price_spike")).containsExactly(8L, 9L);
      assertThat(r.warned()).isEqualTo(2);
      assertThat(r.rowsOut()).isEqualTo(14);
      assertThat(quarantine(w).get(0).getField("message"))
          .isEqualTo(
              "Price deviates more than 10% from the median 100.000000000 of the previous 7"
                  + " trades");
    }
  }

  /**
   * min points: the (n+1)-th print is the first judged; the window: only the last n prints count;
   * an even count takes the lower middle (quantile_disc); a spike stays in later references.
   */
  @Test
  void priceSpikeWindowMinPointsAndEvenCounts() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      // window 3, min 2: 100 (not judged), 200 (1 point: not judged), 100 (median of 100, 200 =
      // 100: ok), 150 (median of 100,200,100 = 100: spike), 200 (median of 200,100,150 = 150:
      // spike), 1000 (median of 100,150,200 = 150: spike)
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(prints("BTCUSDT", 0, "100", "200", "100", "150", "200", "1000")));
      compact(w, SilverTable.TRADES, spike("10", 3, 2));
      assertThat(lines(w, "price_spike")).containsExactly(4L, 5L, 6L);
      // window 4, min 4: the 5th print against the lower middle of 100, 200, 100, 150 = 100
      compact(w, SilverTable.TRADES, spike("10", 4, 4));
      assertThat(lines(w, "price_spike")).containsExactly(5L, 6L);
    }
  }

  /** A stored threshold change rebuilds the trades partitions, and they follow it. */
  @Test
  void aThresholdChangeRebuildsTheTradesAndTheyFollowIt() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(prints("BTCUSDT", 0, "100", "100", "100", "100", "100", "105", "111")));
      BronzeFixture.appendQuoteFile(
          BronzeFixture.bronzeQuotes(w),
          1,
          List.of(new Quote("BTCUSDT", T0, "100.1", "1", "100.2", "2")));
      SilverCompactor trades =
          new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
      trades.run();
      new SilverCompactor(w, SilverTable.QUOTES, CompactOptions.defaults(), Clock.systemUTC())
          .run();
      assertThat(lines(w, "price_spike")).containsExactly(7L);
      Table t = w.table(TableContracts.SILVER_TRADES.id());
      t.updateProperties().set(ValidationSettings.SPIKE_PERCENT, "5").commit();
      t.updateProperties()
          .set(ValidationSettings.SEVERITY_PREFIX + "price_spike", "error")
          .commit();
      SilverCompactor after =
          new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC());
      assertThat(after.plan().partitions())
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("rules");
      assertThat(
              new SilverCompactor(
                      w, SilverTable.QUOTES, CompactOptions.defaults(), Clock.systemUTC())
                  .plan()
                  .isEmpty())
          .isTrue();
      PartitionResult r = after.run().get(0);
      // exactly 5 % is no spike; 111 is, and now an error
      assertThat(lines(w, "price_spike")).containsExactly(7L);
      assertThat(r.quarantined()).isEqualTo(1);
      assertThat(r.warned()).isZero();
      assertThat(r.rowsOut()).isEqualTo(6);
      assertThat(
              new SilverCompactor(
                      w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC())
                  .plan()
                  .isEmpty())
          .isTrue();
    }
  }

  /**
   * The spike threshold is checked to have at most 9 decimals because the compactor multiplies
   * prices by it in DECIMAL(38): trailing zeros are no decimals of the number, but they were of the
   * SQL literal, so "10.000000000000000000000000000" passed the check and every compaction of the
   * trades failed with a DECIMAL overflow; and 5.0 and 5, one threshold, had two rules keys.
   */
  @Test
  void aSpikeThresholdWithTrailingZerosIsTheSameThreshold() throws Exception {
    ValidationSettings zeros = spike("10.000000000000000000000000000", 50, 5);
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w),
          1,
          List.of(prints("BTCUSDT", 0, "100", "100", "100", "100", "100", "100", "111")));
      PartitionResult r = compact(w, SilverTable.TRADES, zeros);
      assertThat(r.warned()).isEqualTo(1);
      assertThat(quarantine(w).get(0).getField("message"))
          .isEqualTo(
              "Price deviates more than 10% from the median 100.000000000 of the previous 6"
                  + " trades");
    }
    assertThat(zeros.key(SilverTable.TRADES))
        .isEqualTo(ValidationSettings.defaults().key(SilverTable.TRADES));
    assertThat(spike("5.0", 50, 5).key(SilverTable.TRADES))
        .isEqualTo(spike("5", 50, 5).key(SilverTable.TRADES));
  }

  /**
   * The spike rule against a plain Java model of its documented definition: per symbol in Silver
   * order, the reference is the median (quantile_disc: the lower middle) of the previous {@code
   * window} trades with price > 0 that no other error rule rejects; a trade is flagged from {@code
   * min} of them on when it deviates more than the threshold. Random prices, zero prices, bad sides
   * and identical prints, several seeds.
   */
  @Test
  void priceSpikeMatchesAModelOfItsDefinition() throws Exception {
    for (long seed = 1; seed <= 4; seed++) {
      java.util.Random rnd = new java.util.Random(seed);
      List<Trade> trades = new ArrayList<>();
      String[] symbols = {"BTCUSDT", "ETHUSDT"};
      for (int i = 0; i < 300; i++) {
        String sym = symbols[rnd.nextInt(2)];
        Instant t = T0.plusMillis(rnd.nextInt(200)); // ties of time are common
        int dev = rnd.nextInt(100) < 20 ? rnd.nextInt(60) - 30 : rnd.nextInt(10) - 5;
        String price = rnd.nextInt(100) < 5 ? "0" : Integer.toString(100 + dev);
        String side = rnd.nextInt(100) < 5 ? "weird" : "buy";
        Trade trade = new Trade(sym, t, price, "1", side);
        trades.add(trade);
        if (rnd.nextInt(100) < 5) {
          trades.add(trade); // an identical print: a second real trade
        }
      }
      int window = 7;
      int min = 3;
      java.math.BigDecimal pct = new java.math.BigDecimal("10");
      // the model: Silver order is symbol, time, then the line (one file)
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < trades.size(); i++) {
        order.add(i);
      }
      order.sort(
          Comparator.<Integer, String>comparing(i -> trades.get(i).symbol())
              .thenComparing(i -> trades.get(i).ts())
              .thenComparing(i -> i));
      java.util.Set<Long> expected = new java.util.TreeSet<>();
      java.util.Map<String, List<java.math.BigDecimal>> refs = new java.util.HashMap<>();
      for (int i : order) {
        Trade t = trades.get(i);
        java.math.BigDecimal p = new java.math.BigDecimal(t.price());
        boolean rejected = p.signum() <= 0 || t.side().equals("weird");
        List<java.math.BigDecimal> ref = refs.computeIfAbsent(t.symbol(), k -> new ArrayList<>());
        if (rejected) {
          continue;
        }
        List<java.math.BigDecimal> last =
            new ArrayList<>(ref.subList(Math.max(0, ref.size() - window), ref.size()));
        if (last.size() >= min) {
          java.util.Collections.sort(last);
          java.math.BigDecimal median = last.get((last.size() - 1) / 2);
          if (p.subtract(median)
                  .abs()
                  .multiply(java.math.BigDecimal.valueOf(100))
                  .compareTo(median.multiply(pct))
              > 0) {
            expected.add((long) i + 1);
          }
        }
        ref.add(p);
      }
      assertThat(expected).as("seed " + seed).isNotEmpty();
      try (Warehouse w = BronzeFixture.warehouse(dir.resolve("s" + seed))) {
        BronzeFixture.appendTradeFiles(BronzeFixture.bronzeTrades(w), 1, List.of(trades));
        PartitionResult r = compact(w, SilverTable.TRADES, spike("10", window, min));
        assertThat(lines(w, "price_spike")).as("seed " + seed).containsExactlyElementsOf(expected);
        assertThat(r.warned()).isEqualTo(expected.size());
        assertThat(r.rowsIn()).isEqualTo(r.rowsOut() + r.duplicates() + r.quarantined());
        assertThat(r.duplicates()).isZero();
      }
    }
  }
}
