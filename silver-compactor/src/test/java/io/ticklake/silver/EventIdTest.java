package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event id as ARCHITECTURE "The dedup key" defines it, recomputed here in Java from the Silver
 * rows (not with the compactor's SQL), and the same ids whichever dedup path a partition takes.
 */
class EventIdTest {
  @TempDir java.nio.file.Path dir;

  /**
   * The trade identity fields as ARCHITECTURE lists them, spelled out here rather than taken from
   * {@link SilverTable#identityColumns()}, so that a change there fails this test.
   */
  private static final List<String> TRADE_IDENTITY =
      List.of(
          "exchange",
          "symbol",
          "ts_event",
          "ts_event_ns",
          "price",
          "size",
          "venue",
          "side",
          "sale_condition",
          "sale_condition_raw",
          "suspicious");

  /**
   * The documented canonical text of one field: epoch µs, decimals at scale, NULL as U+0001, and
   * U+0010, U+001F and U+0001 in strings escaped as U+0010 followed by 0, 1 or 2.
   */
  private static String text(Object v) {
    if (v == null) {
      return "\u0001";
    }
    if (v instanceof CharSequence s) {
      return s.toString()
          .replace("\u0010", "\u0010" + "0")
          .replace("\u001f", "\u0010" + "1")
          .replace("\u0001", "\u0010" + "2");
    }
    if (v instanceof OffsetDateTime t) {
      return Long.toString(
          Math.addExact(Math.multiplyExact(t.toEpochSecond(), 1_000_000L), t.getNano() / 1_000L));
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    return v.toString();
  }

  /** MD5 of the text as a UUID: the digest read as a little-endian 128-bit number. */
  private static UUID id(String text) throws Exception {
    byte[] md5 = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
    byte[] reversed = new byte[16];
    for (int i = 0; i < 16; i++) {
      reversed[i] = md5[15 - i];
    }
    ByteBuffer b = ByteBuffer.wrap(reversed);
    return new UUID(b.getLong(), b.getLong());
  }

  /** The identity fields of a row as text, in the documented order. */
  private static List<String> identityFields(Record r) {
    return TRADE_IDENTITY.stream().map(c -> text(r.getField(c))).toList();
  }

  private static String identityText(Record r) {
    List<String> parts = new ArrayList<>(List.of("v3", "occ"));
    parts.addAll(identityFields(r));
    return String.join("\u001f", parts);
  }

  /** A live trade of BTCUSDT at 10:00 from writer w1 at {@code walSeq}, as Bronze columns. */
  private static Map<String, Object> liveTrade(long walSeq) {
    Map<String, Object> m = new java.util.HashMap<>();
    m.put("symbol", "BTCUSDT");
    m.put("ts_event", OffsetDateTime.parse("2024-03-01T10:00:00Z"));
    m.put("price", new BigDecimal("100").setScale(9));
    m.put("size", BigDecimal.ONE.setScale(8));
    m.put("side", "buy");
    m.put("writer_id", "w1");
    m.put("wal_seq", walSeq);
    return m;
  }

  private static List<Record> silver(Warehouse w) throws Exception {
    Table t = w.table(TableContracts.SILVER_TRADES.id());
    t.refresh();
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
      rows.forEach(out::add);
    }
    return out;
  }

  private static PartitionResult compact(Warehouse w) {
    return new SilverCompactor(
            w, SilverTable.TRADES, CompactOptions.defaults().withForce(true), Clock.systemUTC())
        .run()
        .get(0);
  }

  @Test
  void idsAreTheDocumentedMd5AndEqualWhetherOrNotARedeliveryIsPresent() throws Exception {
    List<BronzeFixture.Trade> events = BronzeFixture.trades(600, 11);
    try (Warehouse w = BronzeFixture.warehouse(dir.resolve("w"))) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      // one file: identical prints repeat within one stream only (no dedup window)
      BronzeFixture.appendTradeFiles(bronze, 1, List.of(events));
      PartitionResult alone = compact(w);
      assertThat(alone.duplicates()).isZero();
      List<Record> rows = silver(w);
      assertThat(rows).hasSize((int) alone.rowsOut());

      // every id recomputed from the row: the first occurrence hashes the identity text, the
      // k-th the first id's text, U+001F and k (k counted in file order within the file)
      Map<String, List<Record>> byIdentity =
          rows.stream()
              .sorted(Comparator.comparing(r -> (Long) r.getField("file_seq")))
              .collect(
                  Collectors.groupingBy(
                      EventIdTest::identityText,
                      java.util.LinkedHashMap::new,
                      Collectors.toList()));
      int repeated = 0;
      for (Map.Entry<String, List<Record>> e : byIdentity.entrySet()) {
        UUID first = id(e.getKey());
        List<Record> copies = e.getValue();
        assertThat(copies.get(0).getField("event_id")).isEqualTo(first);
        for (int k = 2; k <= copies.size(); k++) {
          assertThat(copies.get(k - 1).getField("event_id"))
              .as("occurrence %d of %s", k, e.getKey())
              .isEqualTo(id(first + "\u001f" + k));
          repeated++;
        }
      }
      assertThat(repeated).as("identical prints in the fixture").isPositive();

      // the same file delivered again (another file id) takes the dedup window: same ids,
      // same order, same digest
      BronzeFixture.appendTradeFiles(bronze, 2, List.of(events));
      PartitionResult again = compact(w);
      assertThat(again.duplicates()).isEqualTo(alone.rowsIn());
      assertThat(again.digest()).isEqualTo(alone.digest());
      assertThat(ids(silver(w))).isEqualTo(ids(rows));
    }
  }

  @Test
  void aVendorTradeIdOrSequenceNumberIsTheIdentityWhenPresent() throws Exception {
    Map<String, Object> withTid = liveTrade(1L);
    withTid.put("vendor_trade_id", "T-42");
    Map<String, Object> withSeq = liveTrade(2L);
    withSeq.put("vendor_seq", 7L);
    try (Warehouse w = BronzeFixture.warehouse(dir.resolve("w"))) {
      BronzeFixture.appendRows(BronzeFixture.bronzeTrades(w), List.of(withTid, withSeq));
      assertThat(compact(w).rowsOut()).isEqualTo(2);
      Map<Long, Record> byWalSeq =
          silver(w).stream().collect(Collectors.toMap(r -> (Long) r.getField("wal_seq"), r -> r));
      // tid: v3 | tid | exchange | symbol | vendor_trade_id — nothing else
      assertThat(byWalSeq.get(1L).getField("event_id"))
          .isEqualTo(
              id(String.join("\u001f", "v3", "tid", BronzeFixture.EXCHANGE, "BTCUSDT", "T-42")));
      // seq: v3 | seq | identity fields | vendor_seq
      Record seq = byWalSeq.get(2L);
      List<String> parts = new ArrayList<>(List.of("v3", "seq"));
      parts.addAll(identityFields(seq));
      parts.add("7");
      assertThat(seq.getField("event_id")).isEqualTo(id(String.join("\u001f", parts)));
    }
  }

  @Test
  void fieldsHoldingTheSeparatorOrTheNullMarkerAreEscapedSoDistinctRecordsNeverCollide()
      throws Exception {
    // unescaped, both trade-id texts would read v3|tid|exchange|BTC|USDT|7
    Map<String, Object> a = liveTrade(1L);
    a.put("symbol", "BTC");
    a.put("vendor_trade_id", "USDT\u001f7");
    Map<String, Object> b = liveTrade(2L);
    b.put("symbol", "BTC\u001fUSDT");
    b.put("vendor_trade_id", "7");
    // unescaped, a NULL venue and the venue U+0001 would be one identity (one a re-delivery)
    Map<String, Object> c = liveTrade(3L);
    c.put("writer_id", "w2");
    Map<String, Object> d = liveTrade(4L);
    d.put("writer_id", "w3");
    d.put("venue", "\u0001");
    try (Warehouse w = BronzeFixture.warehouse(dir.resolve("w"))) {
      BronzeFixture.appendRows(BronzeFixture.bronzeTrades(w), List.of(a, b, c, d));
      PartitionResult r = compact(w);
      assertThat(r.rowsOut()).isEqualTo(4);
      assertThat(r.duplicates() + r.quarantined()).isZero();
      Map<Long, Record> byWalSeq =
          silver(w).stream().collect(Collectors.toMap(x -> (Long) x.getField("wal_seq"), x -> x));
      assertThat(byWalSeq.get(1L).getField("event_id"))
          .isEqualTo(
              id(
                  String.join(
                      "\u001f", "v3", "tid", BronzeFixture.EXCHANGE, "BTC", "USDT\u00101" + "7")));
      assertThat(byWalSeq.get(2L).getField("event_id"))
          .isEqualTo(
              id(
                  String.join(
                      "\u001f", "v3", "tid", BronzeFixture.EXCHANGE, "BTC\u00101" + "USDT", "7")));
      for (long seq : List.of(3L, 4L)) {
        Record row = byWalSeq.get(seq);
        assertThat(row.getField("event_id")).isEqualTo(id(identityText(row)));
      }
      assertThat(identityText(byWalSeq.get(4L))).contains("\u0010" + "2");
    }
  }

  @Test
  void theDigestIsTheDocumentedXorOfRowMd5sInFileOrder() throws Exception {
    List<BronzeFixture.Trade> events = BronzeFixture.trades(300, 5);
    try (Warehouse w = BronzeFixture.warehouse(dir.resolve("w"))) {
      Table bronze = BronzeFixture.bronzeTrades(w);
      BronzeFixture.appendTradeFiles(bronze, 1, List.of(events));
      Map<String, Object> withTid = liveTrade(1L);
      withTid.put("vendor_trade_id", "T-42");
      BronzeFixture.appendRows(bronze, List.of(withTid));
      PartitionResult r = compact(w);

      // one data file, read in file order; each row: position, the columns its id does not
      // hash, the identity text for a trade-id trade, each followed by U+001F, then the id's
      // 16 bytes
      byte[] xor = new byte[16];
      long position = 0;
      boolean sawTid = false;
      for (Record row : silver(w)) {
        StringBuilder text = new StringBuilder().append(++position).append('\u001f');
        for (String c : List.of("vendor_trade_id", "vendor_seq", "symbol_id", "session")) {
          text.append(text(row.getField(c))).append('\u001f');
        }
        if (row.getField("vendor_trade_id") != null) {
          sawTid = true;
          text.append(String.join("\u001f", identityFields(row)));
        }
        text.append('\u001f');
        UUID id = (UUID) row.getField("event_id");
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(text.toString().getBytes(StandardCharsets.UTF_8));
        md5.update(
            ByteBuffer.allocate(16)
                .putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits())
                .array());
        byte[] d = md5.digest();
        for (int i = 0; i < 16; i++) {
          xor[i] ^= d[i];
        }
      }
      assertThat(sawTid).isTrue();
      assertThat(position).isEqualTo(r.rowsOut());
      assertThat(r.digest()).isEqualTo("md5x:" + java.util.HexFormat.of().formatHex(xor));
    }
  }

  private static List<UUID> ids(List<Record> rows) {
    return rows.stream()
        .map(r -> (UUID) r.getField("event_id"))
        .filter(Objects::nonNull)
        .sorted()
        .toList();
  }
}
