package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupTest {
  private static final OffsetDateTime T0 =
      OffsetDateTime.ofInstant(Instant.parse("2024-03-01T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  /** Compacts the table's changed partitions with the default options; the first result. */
  private static PartitionResult compact(Warehouse w, SilverTable kind) {
    return new SilverCompactor(w, kind, CompactOptions.defaults(), Clock.systemUTC()).run().get(0);
  }

  private static Map<String, Object> trade(long ms, String price) {
    Map<String, Object> m = new HashMap<>();
    m.put("symbol", "BTCUSDT");
    m.put("ts_event", T0.plusNanos(ms * 1_000_000));
    m.put("price", new BigDecimal(price).setScale(9));
    m.put("size", BigDecimal.ONE.setScale(8));
    return m;
  }

  private static Map<String, Object> with(Map<String, Object> m, Object... kv) {
    Map<String, Object> out = new HashMap<>(m);
    for (int i = 0; i < kv.length; i += 2) {
      out.put((String) kv[i], kv[i + 1]);
    }
    return out;
  }

  private static List<Record> silver(Warehouse w) throws Exception {
    Table t = w.table(TableContracts.SILVER_TRADES.id());
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
      rows.forEach(out::add);
    }
    return out;
  }

  @Test
  void vendorTradeIdsDedupReSentTradesEvenWithOtherReceiveTimes() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendRows(
          bronze,
          List.of(
              with(trade(0, "100"), "vendor_trade_id", "t1", "writer_id", "w1", "wal_seq", 1L),
              with(trade(0, "100"), "vendor_trade_id", "t2", "writer_id", "w1", "wal_seq", 2L),
              // the feed re-sends t1 later: same trade id, new receive time and WAL position
              with(
                  trade(0, "100"),
                  "vendor_trade_id",
                  "t1",
                  "writer_id",
                  "w1",
                  "wal_seq",
                  3L,
                  "ts_recv",
                  T0.plusSeconds(5))));
      PartitionResult r = compact(w, SilverTable.TRADES);
      assertThat(r.duplicates()).isEqualTo(1);
      assertThat(r.rowsOut()).isEqualTo(2);
      // the earliest lineage survives
      assertThat(silver(w))
          .extracting(x -> x.getField("vendor_trade_id") + "@" + x.getField("wal_seq"))
          .containsExactly("t1@1", "t2@2");
    }
  }

  @Test
  void aTradeIdReSentWithOtherContentIsQuarantinedNotDroppedSilently() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendRows(
          bronze,
          List.of(
              with(trade(0, "100"), "vendor_trade_id", "t1", "file_id", 1L, "file_seq", 1L),
              with(trade(1, "101"), "vendor_trade_id", "t2", "file_id", 1L, "file_seq", 2L)));
      BronzeFixture.appendRows(
          bronze,
          List.of(
              // an exact re-delivery of t2, and t1 again with another price (a correction?)
              with(trade(1, "101"), "vendor_trade_id", "t2", "file_id", 2L, "file_seq", 1L),
              with(trade(0, "99.5"), "vendor_trade_id", "t1", "file_id", 2L, "file_seq", 2L),
              // and t1 a third time, with yet another size
              with(
                  with(trade(0, "100"), "size", new BigDecimal("2").setScale(8)),
                  "vendor_trade_id",
                  "t1",
                  "file_id",
                  3L,
                  "file_seq",
                  1L)));
      PartitionResult r = compact(w, SilverTable.TRADES);
      assertThat(r.rowsIn()).isEqualTo(5);
      assertThat(r.duplicates()).isEqualTo(1);
      assertThat(r.quarantined()).isEqualTo(2);
      assertThat(r.rowsOut()).isEqualTo(2);
      // the earliest copy stays in Silver, with its own content
      assertThat(silver(w))
          .extracting(
              x ->
                  x.getField("vendor_trade_id")
                      + "@"
                      + x.getField("file_id")
                      + "="
                      + x.getField("price"))
          .containsExactly("t1@1=100.000000000", "t2@1=101.000000000");
      Table q = w.table(TableContracts.QUARANTINE.id());
      List<Record> rows = new ArrayList<>();
      try (CloseableIterable<Record> it = IcebergGenerics.read(q).build()) {
        it.forEach(rows::add);
      }
      assertThat(rows)
          .extracting(
              x ->
                  x.getField("rule")
                      + "/"
                      + x.getField("severity")
                      + " "
                      + x.getField("file_id")
                      + ":"
                      + x.getField("file_seq")
                      + " "
                      + x.getField("message"))
          .containsExactlyInAnyOrder(
              "conflicting_duplicate/error 2:2 Trade id t1 arrived more than once with"
                  + " different content; dedup keeps the copy from file 1 line 1",
              "conflicting_duplicate/error 3:1 Trade id t1 arrived more than once with"
                  + " different content; dedup keeps the copy from file 1 line 1");
      assertThat(rows)
          .filteredOn(x -> Long.valueOf(2).equals(x.getField("file_id")))
          .singleElement()
          .extracting(x -> x.getField("row_json").toString())
          .asString()
          .contains("\"price\":99.500000000")
          // resolved like every quarantine row: the symbol id and session of the event
          .contains("\"symbol_id\":" + silver(w).get(0).getField("symbol_id"))
          .contains("\"session\":\"" + silver(w).get(0).getField("session") + "\"");
    }
  }

  /**
   * Both copies of trade id t1 have price 0: dedup keeps the earliest, price_positive then rejects
   * it, and Silver holds nothing of t1 — the conflicting copy's message must not say otherwise.
   */
  @Test
  void aConflictingCopyDoesNotClaimSilverKeepsACopyThatIsRejectedToo() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendRows(
          BronzeFixture.bronzeTrades(w),
          List.of(
              with(trade(0, "0"), "vendor_trade_id", "t1", "file_id", 1L, "file_seq", 1L),
              with(
                  with(trade(0, "0"), "size", new BigDecimal("2").setScale(8)),
                  "vendor_trade_id",
                  "t1",
                  "file_id",
                  2L,
                  "file_seq",
                  1L)));
      PartitionResult r = compact(w, SilverTable.TRADES);
      assertThat(r.rowsOut()).isZero();
      assertThat(r.quarantined()).isEqualTo(2);
      assertThat(silver(w)).isEmpty();
      Table q = w.table(TableContracts.QUARANTINE.id());
      List<Record> rows = new ArrayList<>();
      try (CloseableIterable<Record> it = IcebergGenerics.read(q).build()) {
        it.forEach(rows::add);
      }
      assertThat(rows)
          .filteredOn(x -> "conflicting_duplicate".equals(x.getField("rule")))
          .singleElement()
          .extracting(x -> (String) x.getField("message"))
          .asString()
          .doesNotContain("Silver keeps");
    }
  }

  @Test
  void aValidCorrectionOfARejectedPrintSurvivesIt() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendRows(
          BronzeFixture.bronzeTrades(w),
          List.of(
              // the first delivery of t1 has price 0, the vendor's re-send the right price
              with(trade(0, "0"), "vendor_trade_id", "t1", "file_id", 1L, "file_seq", 1L),
              with(trade(0, "100"), "vendor_trade_id", "t1", "file_id", 2L, "file_seq", 1L)));
      PartitionResult r = compact(w, SilverTable.TRADES);
      assertThat(r.rowsOut()).isEqualTo(1);
      assertThat(r.quarantined()).isEqualTo(1);
      assertThat(r.duplicates()).isZero();
      assertThat(silver(w))
          .extracting(x -> x.getField("file_id") + "=" + x.getField("price"))
          .containsExactly("2=100.000000000");
      Table q = w.table(TableContracts.QUARANTINE.id());
      List<Record> rows = new ArrayList<>();
      try (CloseableIterable<Record> it = IcebergGenerics.read(q).build()) {
        it.forEach(rows::add);
      }
      assertThat(rows)
          .extracting(x -> x.getField("rule") + "@" + x.getField("file_id"))
          .containsExactly("conflicting_duplicate@1");
    }
  }

  @Test
  void liveIdenticalPrintsWithoutIdsAreKeptAndReplayedStreamsDedup() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      List<Map<String, Object>> stream =
          List.of(
              with(trade(0, "100"), "writer_id", "w1", "wal_seq", 1L),
              with(trade(0, "100"), "writer_id", "w1", "wal_seq", 2L),
              with(trade(1, "101"), "writer_id", "w1", "wal_seq", 3L));
      BronzeFixture.appendRows(bronze, stream);
      // a second writer logging the same feed (fail-over): same records, another stream
      List<Map<String, Object>> replica = new ArrayList<>();
      for (Map<String, Object> m : stream) {
        replica.add(with(m, "writer_id", "w2"));
      }
      BronzeFixture.appendRows(bronze, replica);
      PartitionResult r = compact(w, SilverTable.TRADES);
      assertThat(r.rowsIn()).isEqualTo(6);
      assertThat(r.duplicates()).isEqualTo(3);
      assertThat(r.rowsOut()).isEqualTo(3);
      assertThat(silver(w))
          .extracting(x -> x.getField("writer_id") + "@" + x.getField("wal_seq"))
          .containsExactly("w1@1", "w1@2", "w1@3");
    }
  }

  @Test
  void aStreamPositionCommittedTwiceIsOneRecord() throws Exception {
    // the same WAL records committed again by a writer that lost its watermark, and the same file
    // (one file id) committed again by an ingest rerun that could not see its first commit: a
    // stream position holds one record, so the second copy is a duplicate, not a second print
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      List<Map<String, Object>> live =
          List.of(
              with(trade(0, "100"), "writer_id", "w1", "wal_seq", 1L),
              with(trade(0, "100"), "writer_id", "w1", "wal_seq", 2L),
              with(trade(1, "101"), "writer_id", "w1", "wal_seq", 3L));
      List<Map<String, Object>> file =
          List.of(
              with(trade(5, "102"), "file_id", 7L, "file_seq", 1L),
              with(trade(5, "102"), "file_id", 7L, "file_seq", 2L));
      BronzeFixture.appendRows(bronze, live);
      BronzeFixture.appendRows(bronze, file);
      BronzeFixture.appendRows(bronze, live);
      BronzeFixture.appendRows(bronze, file);
      PartitionResult r = compact(w, SilverTable.TRADES);
      assertThat(r.rowsIn()).isEqualTo(10);
      assertThat(r.duplicates()).isEqualTo(5);
      assertThat(r.rowsOut()).isEqualTo(5);
      assertThat(silver(w))
          .extracting(
              x ->
                  (x.getField("writer_id") != null
                      ? x.getField("writer_id") + "@" + x.getField("wal_seq")
                      : x.getField("file_id") + "@" + x.getField("file_seq")))
          .containsExactly("w1@1", "w1@2", "w1@3", "7@1", "7@2");
    }
  }

  @Test
  void aLaterPositionCommittedTwiceIsOneRecordToo() throws Exception {
    // a writer that lost its watermark commits again only what its WAL still holds (the active
    // segment): a suffix, so the identity's first occurrence is there once and a later one twice
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendRows(
          bronze,
          List.of(
              with(trade(0, "100"), "writer_id", "w1", "wal_seq", 1L),
              with(trade(0, "100"), "writer_id", "w1", "wal_seq", 2L)));
      BronzeFixture.appendRows(
          bronze, List.of(with(trade(0, "100"), "writer_id", "w1", "wal_seq", 2L)));
      PartitionResult r = compact(w, SilverTable.TRADES);
      assertThat(r.rowsIn()).isEqualTo(3);
      assertThat(r.duplicates()).isEqualTo(1);
      assertThat(r.rowsOut()).isEqualTo(2);
      assertThat(silver(w))
          .extracting(x -> x.getField("writer_id") + "@" + x.getField("wal_seq"))
          .containsExactly("w1@1", "w1@2");
      assertThat(silver(w)).extracting(x -> x.getField("event_id")).doesNotHaveDuplicates();
    }
  }
}
