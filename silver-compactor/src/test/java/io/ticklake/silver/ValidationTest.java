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
}
