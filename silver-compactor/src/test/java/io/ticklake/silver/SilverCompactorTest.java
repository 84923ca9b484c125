package io.ticklake.silver;

import static io.ticklake.silver.BronzeFixture.DATE;
import static io.ticklake.silver.BronzeFixture.EXCHANGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.silver.BronzeFixture.Trade;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SilverCompactorTest {
  @TempDir Path dir;

  private static SilverCompactor compactor(Warehouse w, CompactOptions options) {
    return new SilverCompactor(w, SilverTable.TRADES, options, Clock.systemUTC());
  }

  private static String sha256(String location) throws Exception {
    byte[] bytes = Files.readAllBytes(Path.of(PinnedScan.localPath(location)));
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static long count(Warehouse w, String sql) throws Exception {
    try (DuckDbBridge b = DuckDbBridge.open(w.tempDir(), 1, null);
        Statement s = b.connection().createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<Record> read(Table t) throws Exception {
    t.refresh();
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
      rows.forEach(out::add);
    }
    return out;
  }

  @Test
  void rebuildConservesRowsRemovesRedeliveriesAndKeepsIdenticalPrints() throws Exception {
    List<Trade> events = BronzeFixture.trades(2_000, 7);
    long identicalPairs = 2_000 / 21; // every 20th trade is followed by an identical print
    long bad = events.stream().filter(t -> t.price().equals("0")).count();
    try (Warehouse w = BronzeFixture.warehouse(dir.resolve("w"))) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      // the vendor file, the same file ingested under another path, and an overlapping file
      BronzeFixture.appendTradeFiles(bronze, 1, List.of(events, events, events.subList(100, 301)));

      CompactionPlan plan = compactor(w, CompactOptions.defaults()).plan();
      assertThat(plan.partitions())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.key()).isEqualTo(ExchangeDate.of(EXCHANGE, DATE));
                assertThat(t.bronzeRows()).isEqualTo(2_000L * 2 + 201);
                assertThat(t.reason()).isEqualTo("new");
              });
      List<PartitionResult> results = compactor(w, CompactOptions.defaults()).commit(plan);
      PartitionResult r = results.get(0);

      assertThat(identicalPairs).isPositive();
      assertThat(r.rowsIn()).isEqualTo(2_000L * 2 + 201);
      assertThat(r.duplicates()).isEqualTo(2_000L + 201);
      assertThat(r.quarantined()).isEqualTo(bad).isPositive();
      assertThat(r.rowsOut()).isEqualTo(2_000L - bad);
      assertThat(r.rowsIn()).isEqualTo(r.rowsOut() + r.duplicates() + r.quarantined());

      // independent counts: Iceberg's own reader over Silver and quarantine
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      List<Record> silverRows = read(silver);
      assertThat(silverRows).hasSize((int) r.rowsOut());
      assertThat(silverRows.stream().map(x -> x.getField("event_id")).distinct().count())
          .isEqualTo(r.rowsOut());
      assertThat(silverRows).allSatisfy(x -> assertThat(x.getField("symbol_id")).isNotNull());
      assertThat(silverRows)
          .allSatisfy(x -> assertThat(x.getField("session")).isEqualTo("regular"));
      // survivors come from the first delivery (lowest file id)
      assertThat(silverRows).allSatisfy(x -> assertThat(x.getField("file_id")).isEqualTo(1L));
      List<Record> quarantined = read(w.table(TableContracts.QUARANTINE.id()));
      assertThat(quarantined).hasSize((int) bad);
      Record q = quarantined.get(0);
      assertThat(q.getField("rule")).isEqualTo("price_positive");
      assertThat(q.getField("severity")).isEqualTo("error");
      assertThat(q.getField("field")).isEqualTo("price");
      assertThat(q.getField("value")).isEqualTo("0.000000000");
      assertThat(q.getField("source_table")).isEqualTo("silver.trades");
      assertThat(q.getField("stage")).isEqualTo("compact");
      assertThat(q.getField("file_id")).isEqualTo(1L);
      assertThat(q.getField("file_seq")).isNotNull();
      assertThat((String) q.getField("row_json")).contains("\"symbol\":", "\"event_id\":");
      assertThat(q.getField("bronze_snapshot_id")).isEqualTo(plan.bronzeSnapshotId());

      Snapshot s = silver.currentSnapshot();
      assertThat(s.summary())
          .containsEntry(SilverSummary.BRONZE_SNAPSHOT_ID, Long.toString(plan.bronzeSnapshotId()))
          .containsEntry(SilverSummary.PARTITION, EXCHANGE + "/" + DATE)
          .containsEntry(SilverSummary.ROWS_IN, Long.toString(r.rowsIn()))
          .containsEntry(SilverSummary.DUPLICATES, Long.toString(r.duplicates()))
          .containsEntry(SilverSummary.QUARANTINED, Long.toString(r.quarantined()))
          .containsEntry(SilverSummary.ROWS_OUT, Long.toString(r.rowsOut()))
          .containsEntry(SilverSummary.DIGEST, r.digest());

      // sorted by symbol, ts_event, then source position
      String file = PinnedScan.localPath(r.dataFile().orElseThrow());
      assertThat(
              count(
                  w,
                  "SELECT count(*) FROM (SELECT symbol, ts_event, file_seq, lag(symbol) OVER () ps,"
                      + " lag(ts_event) OVER () pt, lag(file_seq) OVER () pf FROM read_parquet('"
                      + file
                      + "')) WHERE ps > symbol OR (ps = symbol AND (pt > ts_event OR (pt ="
                      + " ts_event AND pf > file_seq)))"))
          .isZero();

      // a second run with no new Bronze data does nothing
      assertThat(compactor(w, CompactOptions.defaults()).plan().isEmpty()).isTrue();
      assertThat(compactor(w, CompactOptions.defaults()).run()).isEmpty();
      silver.refresh();
      assertThat(silver.currentSnapshot().snapshotId()).isEqualTo(s.snapshotId());

      // re-ingesting an overlapping file adds nothing, and quarantine is replaced, not appended
      BronzeFixture.appendTradeFiles(bronze, 4, List.of(events.subList(500, 1500)));
      CompactionPlan again = compactor(w, CompactOptions.defaults()).plan();
      assertThat(again.partitions())
          .singleElement()
          .extracting(CompactionPlan.Task::reason)
          .isEqualTo("changed");
      PartitionResult r2 = compactor(w, CompactOptions.defaults()).commit(again).get(0);
      assertThat(r2.rowsOut()).isEqualTo(r.rowsOut());
      assertThat(r2.duplicates()).isEqualTo(r.duplicates() + 1000);
      assertThat(r2.digest()).isEqualTo(r.digest());
      assertThat(read(w.table(TableContracts.QUARANTINE.id()))).hasSize((int) bad);
    }
  }

  @Test
  void eventsOfOneMicrosecondFollowTheirNanosecondsAndFilesCarryTheContractOrder()
      throws Exception {
    java.time.Instant t0 = java.time.Instant.parse("2024-03-01T12:00:00Z");
    java.time.OffsetDateTime at = java.time.OffsetDateTime.ofInstant(t0, java.time.ZoneOffset.UTC);
    long ns = t0.getEpochSecond() * 1_000_000_000L;
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      // a table from before ts_event_ns was part of the order: compaction adopts the contract's
      silver
          .replaceSortOrder()
          .asc("symbol", org.apache.iceberg.NullOrder.NULLS_FIRST)
          .asc("ts_event", org.apache.iceberg.NullOrder.NULLS_FIRST)
          .asc("event_id", org.apache.iceberg.NullOrder.NULLS_FIRST)
          .commit();
      // two prints in one microsecond: the later one (by nanoseconds) comes first in the source
      List<java.util.Map<String, Object>> rows = new ArrayList<>();
      for (long[] p : new long[][] {{1, 900}, {2, 100}}) {
        rows.add(
            java.util.Map.of(
                "symbol",
                "BTCUSDT",
                "ts_event",
                at,
                "ts_event_ns",
                ns + p[1],
                "price",
                new java.math.BigDecimal("100").setScale(9),
                "size",
                java.math.BigDecimal.ONE.setScale(8),
                "file_id",
                1L,
                "file_seq",
                p[0]));
      }
      BronzeFixture.appendRows(BronzeFixture.bronzeTrades(w), rows);
      PartitionResult r = compactor(w, CompactOptions.defaults()).run().get(0);
      assertThat(read(w.table(TableContracts.SILVER_TRADES.id())))
          .extracting(x -> x.getField("ts_event_ns"))
          .containsExactly(ns + 100, ns + 900);
      silver.refresh();
      assertThat(silver.sortOrder().sameOrder(TableContracts.SILVER_TRADES.sortOrder())).isTrue();
      assertThat(silver.currentSnapshot().addedDataFiles(silver.io()))
          .singleElement()
          .extracting(org.apache.iceberg.DataFile::sortOrderId)
          .isEqualTo(silver.sortOrder().orderId());
      assertThat(r.rowsOut()).isEqualTo(2);
    }
  }

  @Test
  void rerunAndThreadCountGiveByteIdenticalFiles() throws Exception {
    List<Trade> events = BronzeFixture.trades(300_000, 11);
    List<String> hashes = new ArrayList<>();
    for (int threads : new int[] {1, 2}) {
      try (Warehouse w = BronzeFixture.warehouse(dir.resolve("t" + threads))) {
        BronzeFixture.appendTradeFiles(BronzeFixture.bronzeTrades(w), 1, List.of(events));
        CompactOptions options = CompactOptions.defaults().withThreads(threads);
        PartitionResult first = compactor(w, options).run().get(0);
        hashes.add(sha256(first.dataFile().orElseThrow()));
        // rerun from scratch on the same Bronze snapshot
        PartitionResult forced = compactor(w, options.withForce(true)).run().get(0);
        assertThat(forced.dataFile()).isNotEqualTo(first.dataFile());
        assertThat(forced.bronzeSnapshotId()).isEqualTo(first.bronzeSnapshotId());
        hashes.add(sha256(forced.dataFile().orElseThrow()));
        assertThat(forced.digest()).isEqualTo(first.digest());
      }
    }
    System.out.println("silver sha256 (1 thread, rerun, 2 threads, rerun): " + hashes);
    assertThat(hashes).hasSize(4);
    assertThat(hashes.stream().distinct()).hasSize(1);
  }

  @Test
  void otherBatchingsGiveTheSameEventsInTheSameOrder() throws Exception {
    List<Trade> events = BronzeFixture.trades(20_000, 3);
    // 17 files cut at millisecond boundaries (a vendor splitting its day by time)
    List<List<Trade>> files = new ArrayList<>();
    int from = 0;
    for (int i = 1; i <= 17; i++) {
      int to = i == 17 ? events.size() : events.size() * i / 17;
      while (to < events.size() && to > 0 && events.get(to).ts().equals(events.get(to - 1).ts())) {
        to++;
      }
      files.add(events.subList(from, to));
      from = to;
    }
    assertThat(files.stream().mapToInt(List::size).sum()).isEqualTo(events.size());
    PartitionResult one;
    PartitionResult many;
    try (Warehouse w = BronzeFixture.warehouse(dir.resolve("one"))) {
      BronzeFixture.appendTradeFiles(BronzeFixture.bronzeTrades(w), 1, List.of(events));
      one = compactor(w, CompactOptions.defaults()).run().get(0);
    }
    try (Warehouse w = BronzeFixture.warehouse(dir.resolve("many"))) {
      // committed in two Bronze snapshots, files in another id order
      BronzeFixture.appendTradeFiles(BronzeFixture.bronzeTrades(w), 100, files.subList(0, 9));
      BronzeFixture.appendTradeFiles(BronzeFixture.bronzeTrades(w), 50, files.subList(9, 17));
      many = compactor(w, CompactOptions.defaults()).run().get(0);
    }
    assertThat(many.rowsOut()).isEqualTo(one.rowsOut());
    assertThat(many.duplicates()).isZero();
    assertThat(many.digest()).isEqualTo(one.digest());
    // and row by row, event columns equal in file order
    try (Warehouse w = BronzeFixture.warehouse(dir.resolve("cmp"))) {
      String cols =
          "exchange, trading_date, symbol, ts_event, price, size, side, event_id, symbol_id, session";
      String a = PinnedScan.localPath(one.dataFile().orElseThrow());
      String b = PinnedScan.localPath(many.dataFile().orElseThrow());
      assertThat(
              count(
                  w,
                  "SELECT count(*) FROM (SELECT row_number() OVER () n, "
                      + cols
                      + " FROM read_parquet('"
                      + a
                      + "')) x FULL JOIN (SELECT row_number() OVER () n, "
                      + cols
                      + " FROM read_parquet('"
                      + b
                      + "')) y USING (n) WHERE (x.symbol, x.ts_event, x.price, x.size, x.side,"
                      + " x.event_id, x.symbol_id) IS DISTINCT FROM (y.symbol, y.ts_event,"
                      + " y.price, y.size, y.side, y.event_id, y.symbol_id)"))
          .isZero();
    }
  }
}
