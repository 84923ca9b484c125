package io.ticklake.bronze.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.bronze.ingest.BronzeHistory;
import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.bronze.wal.FsyncPolicy;
import io.ticklake.bronze.wal.SeqRange;
import io.ticklake.bronze.wal.WalOptions;
import io.ticklake.bronze.wal.WalTable;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.snapshot.AsOf;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live writer against a real warehouse and real WALs. */
class BronzeWriterTest {
  private static final long T0 = 1_582_329_600_000_000L; // 2020-02-22T00:00:00Z

  @TempDir Path dir;
  Warehouse warehouse;
  ExchangeCalendars calendars;

  @BeforeEach
  void setUp() {
    warehouse = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")));
    new LakeInitializer(warehouse).commit();
    calendars = ExchangeTable.load(warehouse.catalog());
  }

  @AfterEach
  void tearDown() {
    warehouse.close();
  }

  BronzeWriterOptions options(String id) {
    return BronzeWriterOptions.of(id)
        .withWal(WalOptions.defaults().withFsyncPolicy(FsyncPolicy.OS).withSegmentBytes(4096))
        .withFlush(Duration.ofMinutes(10), 1_000_000);
  }

  static TradeRow trade(String exchange, long seq) {
    return new TradeRow(
        "BTCUSDT",
        exchange,
        T0 + seq * 1000,
        null,
        null,
        new BigDecimal("9682.1").setScale(9),
        new BigDecimal("0.132").setScale(8),
        null,
        TradeRow.BUY,
        Long.toString(seq),
        null,
        null,
        null,
        seq,
        seq);
  }

  static QuoteRow quote(long seq) {
    return new QuoteRow(
        "ETHUSDT",
        "binance-futures",
        T0 + seq * 1000,
        null,
        null,
        null,
        null,
        new BigDecimal("250.01").setScale(9),
        new BigDecimal("2").setScale(8),
        null,
        null,
        null,
        null,
        seq,
        seq);
  }

  long count(String sql) throws Exception {
    try (DuckDbBridge bridge = DuckDbBridge.open(warehouse.tempDir(), 1, null)) {
      bridge.registerAll(warehouse.catalog(), AsOf.latest());
      try (Statement s = bridge.connection().createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void reopeningAWriterWhoseWalIsAllCommittedFreesItsActiveSegment() throws Exception {
    // the active segment was never deleted: on a full WAL disk a restarted writer committed the
    // WAL, kept all of it on disk and failed its first append again ("No space left on device"),
    // restart after restart, although Bronze held every event
    BronzeWriterOptions o = options("freed").withWal(WalOptions.defaults());
    List<TradeRow> rows = new ArrayList<>();
    for (long s = 1; s <= 50; s++) {
      rows.add(trade("binance-futures", s));
    }
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, o)) {
      w.appendTrades(rows);
      w.flush();
    }
    Path wal = dir.resolve("wh").resolve("wal").resolve("freed").resolve("trades");
    assertThat(java.nio.file.Files.size(wal.resolve("00000000000000000001.arrows")))
        .isGreaterThan(1000);
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, o)) {
      assertThat(wal.resolve("00000000000000000001.arrows")).doesNotExist();
      assertThat(wal.resolve("00000000000000000001.index")).doesNotExist();
      assertThat(wal.resolve("00000000000000000051.arrows")).exists();
      assertThat(w.segmentCount(WalTable.TRADES)).isEqualTo(1);
      assertThat(w.appendTrades(List.of(trade("binance-futures", 51))).first()).isEqualTo(51);
      w.flush();
    }
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, o)) {
      assertThat(w.watermark(WalTable.TRADES)).isEqualTo(51);
      assertThat(wal.resolve("00000000000000000052.arrows")).exists();
    }
    assertThat(count("select count(*) from bronze.trades where writer_id = 'freed'")).isEqualTo(51);
    assertThat(count("select count(distinct wal_seq) from bronze.trades where writer_id = 'freed'"))
        .isEqualTo(51);
  }

  @Test
  void flushCommitsOneAppendPerTableWithWriterIdAndSeqRange() throws Exception {
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, options("w1"))) {
      SeqRange t =
          w.appendTrades(List.of(trade("binance-futures", 1), trade("binance-futures", 2)));
      SeqRange q = w.appendQuotes(List.of(quote(3)));
      assertThat(t).isEqualTo(SeqRange.of(1, 2));
      assertThat(q).isEqualTo(SeqRange.of(1, 1));
      w.flush();
      assertThat(w.watermark(WalTable.TRADES)).isEqualTo(2);
      assertThat(w.watermark(WalTable.QUOTES)).isEqualTo(1);
      assertThat(w.vendorHighWater(WalTable.TRADES)).isEqualTo(2);
    }
    Table trades = warehouse.table(TableContracts.BRONZE_TRADES.id());
    Snapshot s = trades.currentSnapshot();
    assertThat(s.summary())
        .containsEntry(BronzeHistory.WRITER_ID, "w1")
        .containsEntry(BronzeHistory.WAL_FIRST_SEQ, "1")
        .containsEntry(BronzeHistory.WAL_LAST_SEQ, "2")
        .containsEntry(BronzeHistory.VENDOR_HIGH_SEQ, "2");
    assertThat(
            count(
                "select count(*) from bronze.trades where vendor = 'live' and writer_id = 'w1'"
                    + " and wal_seq in (1, 2) and file_id is null and ts_recv is not null"))
        .isEqualTo(2);
    assertThat(count("select count(*) from bronze.quotes where bid_price is null")).isEqualTo(1);
    assertThat(count("select count(*) from bronze.trades where price = 9682.1")).isEqualTo(2);
  }

  @Test
  void reopenCommitsNothingTwiceAndContinuesTheSequence() throws Exception {
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, options("w1"))) {
      w.appendTrades(List.of(trade("binance-futures", 1)));
    }
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, options("w1"))) {
      assertThat(w.watermark(WalTable.TRADES)).isEqualTo(1);
      assertThat(w.appendTrades(List.of(trade("binance-futures", 2)))).isEqualTo(SeqRange.of(2, 2));
    }
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(2);
    assertThat(count("select count(distinct wal_seq) from bronze.trades")).isEqualTo(2);
  }

  @Test
  void segmentsAtOrBelowTheWatermarkAreDeletedAfterTheCommit() {
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, options("w1"))) {
      for (int i = 1; i <= 40; i++) {
        w.appendTrades(List.of(trade("binance-futures", i)));
      }
      assertThat(w.segmentCount(WalTable.TRADES)).isGreaterThan(1);
      w.flush();
      assertThat(w.segmentCount(WalTable.TRADES)).isEqualTo(1);
    }
  }

  @Test
  void unknownExchangeIsQuarantinedAndTheWatermarkStillAdvances() throws Exception {
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, options("w1"))) {
      w.appendTrades(List.of(trade("nowhere", 1)));
      w.quarantineLine("bronze.trades", "{oops", null, null, "line 2: Cannot parse the line");
      w.flush();
      assertThat(w.watermark(WalTable.TRADES)).isEqualTo(1);
      assertThat(w.committedRows(WalTable.TRADES)).containsExactly(0, 1);
    }
    assertThat(count("select count(*) from bronze.trades")).isZero();
    assertThat(
            count(
                "select count(*) from ops.quarantine where stage = 'writer' and rule ="
                    + " 'unknown_exchange' and writer_id = 'w1' and wal_seq = 1"))
        .isEqualTo(1);
    assertThat(
            count(
                "select count(*) from ops.quarantine where rule = 'parse_error' and raw_line ="
                    + " '{oops'"))
        .isEqualTo(1);
    // reopening replays nothing: neither the Bronze nor the quarantine row comes twice
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, options("w1"))) {
      assertThat(w.committedRows(WalTable.TRADES)).containsExactly(0, 0);
    }
    assertThat(count("select count(*) from ops.quarantine")).isEqualTo(2);
  }

  @Test
  void anEventOfAnUnknownExchangeKeepsItsValuesInQuarantine() throws Exception {
    // invariant 6: every rejected row is findable in quarantine with its rule, values and lineage.
    // The WAL segments go after the commit, so quarantine is the only place its price and size
    // are kept; they were dropped (only exchange, symbol and time were recorded).
    String tradeRow;
    String quoteRow;
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, options("w1"))) {
      w.appendTrades(List.of(trade("nowhere", 7)));
      QuoteRow q =
          new QuoteRow(
              "ETHUSDT",
              "binance-futurez",
              T0 + 9_000,
              T0 * 1000 + 9_000_123L,
              null,
              new BigDecimal("250.000000001"),
              new BigDecimal("0.50000000"),
              null,
              null,
              "X",
              17L,
              "0011",
              Boolean.TRUE,
              33L,
              1);
      w.appendQuotes(List.of(q));
      w.flush();
    }
    try (DuckDbBridge bridge = DuckDbBridge.open(warehouse.tempDir(), 1, null)) {
      bridge.registerAll(warehouse.catalog(), AsOf.latest());
      try (Statement s = bridge.connection().createStatement();
          ResultSet rs =
              s.executeQuery(
                  "select source_table, row_json from ops.quarantine where rule ="
                      + " 'unknown_exchange' order by source_table")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("bronze.quotes");
        quoteRow = rs.getString(2);
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("bronze.trades");
        tradeRow = rs.getString(2);
        assertThat(rs.next()).isFalse();
      }
    }
    assertThat(tradeRow)
        .isNotNull()
        .contains(
            "\"exchange\":\"nowhere\"",
            "\"symbol\":\"BTCUSDT\"",
            "\"ts_event\":\"2020-02-22 00:00:00.007+00\"",
            "\"price\":9682.100000000",
            "\"size\":0.13200000",
            "\"side\":\"buy\"",
            "\"vendor_trade_id\":\"7\"",
            "\"vendor_seq\":7",
            "\"vendor\":\"live\"",
            "\"writer_id\":\"w1\"",
            "\"wal_seq\":1");
    assertThat(quoteRow)
        .isNotNull()
        .contains(
            "\"exchange\":\"binance-futurez\"",
            "\"ts_event_ns\":1582329600009000123",
            "\"bid_price\":250.000000001",
            "\"bid_size\":0.50000000",
            "\"ask_price\":null",
            "\"venue\":\"X\"",
            "\"quote_condition\":17",
            "\"quote_condition_raw\":\"0011\"",
            "\"suspicious\":true",
            "\"vendor_seq\":33");
  }

  @Test
  void aCrashBetweenTheQuarantineAndTheBronzeCommitReplaysOnlyTheBronzeEvents() throws Exception {
    // invariant 5 for the writer's two commits: the quarantine append goes first; when the Bronze
    // append after it is lost, the replay commits the placed events and quarantines nothing twice
    BronzeWriterOptions o = options("w1").withWal(WalOptions.defaults());
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, o)) {
      w.appendTrades(List.of(trade("binance-futures", 1)));
      w.flush();
      w.appendTrades(List.of(trade("binance-futures", 2), trade("nowhere", 3)));
      w.flush();
    }
    // the state the crash leaves: the second Bronze append and its watermark never happened
    Table trades = warehouse.table(TableContracts.BRONZE_TRADES.id());
    trades.manageSnapshots().rollbackTo(trades.currentSnapshot().parentId()).commit();
    trades
        .updateProperties()
        .set(BronzeHistory.watermarkProperty("w1", null), "1")
        .set(BronzeHistory.vendorHighProperty("w1"), "1")
        .commit();
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(1);
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, o)) {
      assertThat(w.watermark(WalTable.TRADES)).isEqualTo(3);
    }
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(2);
    assertThat(count("select count(distinct wal_seq) from bronze.trades")).isEqualTo(2);
    assertThat(
            count(
                "select count(*) from ops.quarantine where rule = 'unknown_exchange' and wal_seq ="
                    + " 3"))
        .isEqualTo(1);
    assertThat(count("select count(*) from ops.quarantine")).isEqualTo(1);
  }

  @Test
  void watermarksSurviveTheExpiryOfTheWritersSnapshots() throws Exception {
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, options("w1"))) {
      w.appendTrades(List.of(trade("binance-futures", 1), trade("nowhere", 2)));
      w.flush();
    }
    // another writer commits after it, then routine expiry takes w1's snapshots in both tables
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, options("w2"))) {
      w.appendTrades(List.of(trade("binance-futures", 7), trade("nowhere", 8)));
      w.flush();
    }
    Table trades = warehouse.table(TableContracts.BRONZE_TRADES.id());
    Table quarantine = warehouse.table(TableContracts.QUARANTINE.id());
    for (Table t : List.of(trades, quarantine)) {
      t.refresh();
      t.expireSnapshots().expireOlderThan(System.currentTimeMillis() + 1).retainLast(1).commit();
      t.refresh();
      assertThat(BronzeHistory.lastWriterSnapshot(t, "w1", null)).isEmpty();
    }
    assertThat(trades.properties())
        .containsEntry(BronzeHistory.watermarkProperty("w1", null), "2")
        .containsEntry(BronzeHistory.vendorHighProperty("w1"), "2");
    assertThat(quarantine.properties())
        .containsEntry(BronzeHistory.watermarkProperty("w1", "trades"), "2");
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, options("w1"))) {
      // nothing replayed: the watermarks come from the tables' properties
      assertThat(w.watermark(WalTable.TRADES)).isEqualTo(2);
      assertThat(w.vendorHighWater(WalTable.TRADES)).isEqualTo(2);
      assertThat(w.committedRows(WalTable.TRADES)).containsExactly(0, 0);
    }
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(2);
    assertThat(count("select count(*) from ops.quarantine")).isEqualTo(2);
  }

  @Test
  void backpressureBoundsPendingEventsAndLosesNone() throws Exception {
    BronzeWriterOptions o =
        options("bp").withFlush(Duration.ofMillis(20), 50).withMaxPendingEvents(100);
    List<Thread> threads = new ArrayList<>();
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, o)) {
      for (int k = 0; k < 2; k++) {
        boolean trades = k == 0;
        Thread t =
            new Thread(
                () -> {
                  for (int i = 1; i <= 1000; i += 10) {
                    List<TradeRow> tr = new ArrayList<>();
                    List<QuoteRow> qr = new ArrayList<>();
                    for (int j = i; j < i + 10; j++) {
                      tr.add(trade("binance-futures", j));
                      qr.add(quote(j));
                    }
                    if (trades) {
                      w.appendTrades(tr);
                    } else {
                      w.appendQuotes(qr);
                    }
                  }
                });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
    }
    assertThat(count("select count(distinct vendor_seq) from bronze.trades")).isEqualTo(1000);
    assertThat(count("select count(*) from bronze.quotes")).isEqualTo(1000);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> BronzeWriterOptions.of("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("writerId must match");
    // ".." matches the character class but would put the WAL beside <warehouse>/wal
    assertThatThrownBy(() -> BronzeWriterOptions.of(".."))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("writerId must match");
    try (BronzeWriter w = BronzeWriter.open(warehouse, calendars, options("w1"))) {
      assertThatThrownBy(() -> w.appendTrades(List.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Cannot append an empty batch");
      assertThatThrownBy(() -> BronzeWriter.open(warehouse, calendars, options("w1")))
          .hasMessageContaining("another writer holds it");
      w.close();
      assertThatThrownBy(() -> w.appendTrades(List.of(trade("binance-futures", 1))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Cannot use live writer w1: closed");
    }
  }
}
