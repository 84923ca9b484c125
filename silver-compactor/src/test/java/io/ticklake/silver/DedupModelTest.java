package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random small partitions (two files and two writers; identical prints, repeated trade ids and
 * sequence numbers) compacted for real and compared with a plain Java model of the documented dedup
 * rule (docs/ARCHITECTURE.md, "The dedup key" and "Conflicting re-sends"): which copies survive,
 * and how many rows are duplicates and conflicting copies.
 */
class DedupModelTest {
  private static final OffsetDateTime T0 =
      OffsetDateTime.ofInstant(Instant.parse("2024-03-01T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  /** A generated trade: its content (ms, price), ids and lineage (a file or a writer). */
  record Row(
      int ms,
      String price,
      String tid,
      Long seq,
      Long fileId,
      Long fileSeq,
      String writer,
      Long walSeq) {
    String content() {
      return ms + "|" + price;
    }

    /** The event id without its occurrence: the trade id, else the content (with seq). */
    String identity() {
      if (tid != null) {
        return "tid|" + tid;
      }
      return seq != null ? "seq|" + content() + "|" + seq : "occ|" + content();
    }

    String stream() {
      return fileId != null ? "f" + fileId : "w" + writer;
    }

    long position() {
      return fileSeq != null ? fileSeq : walSeq;
    }

    String lineage() {
      return fileId + "/" + fileSeq + "/" + writer + "/" + walSeq;
    }
  }

  @Test
  void randomPartitionsMatchAModelOfTheRule() throws Exception {
    for (int seed = 0; seed < 40; seed++) {
      List<Row> rows = generate(new Random(seed));
      // the model: occurrence numbers within (stream, identity) in source order; a trade id or
      // sequence number needs none; the survivor is the earliest lineage (all prices are valid)
      Map<String, List<Row>> byEvent = new TreeMap<>();
      Map<String, Integer> occurrence = new HashMap<>();
      List<Row> inSourceOrder = new ArrayList<>(rows);
      inSourceOrder.sort(Comparator.comparing(Row::stream).thenComparingLong(Row::position));
      for (Row x : inSourceOrder) {
        int k = occurrence.merge(x.stream() + "#" + x.identity(), 1, Integer::sum);
        String event = x.identity() + (x.identity().startsWith("occ") ? "#" + k : "");
        byEvent.computeIfAbsent(event, e -> new ArrayList<>()).add(x);
      }
      List<String> survivors = new ArrayList<>();
      long conflicting = 0;
      for (List<Row> copies : byEvent.values()) {
        copies.sort(
            Comparator.comparing((Row x) -> x.fileId() == null ? Long.MAX_VALUE : x.fileId())
                .thenComparing(x -> x.fileSeq() == null ? Long.MAX_VALUE : x.fileSeq())
                .thenComparing(x -> x.writer() == null ? "~" : x.writer())
                .thenComparing(x -> x.walSeq() == null ? Long.MAX_VALUE : x.walSeq()));
        Row kept = copies.get(0);
        survivors.add(kept.lineage());
        conflicting +=
            copies.stream().skip(1).filter(x -> !x.content().equals(kept.content())).count();
      }

      try (Warehouse w = BronzeFixture.warehouse(Files.createDirectories(dir.resolve("" + seed)))) {
        BronzeFixture.appendRows(BronzeFixture.bronzeTrades(w), bronzeRows(rows));
        PartitionResult r =
            new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC())
                .run()
                .get(0);
        Table silver = w.table(TableContracts.SILVER_TRADES.id());
        List<String> actual = new ArrayList<>();
        try (CloseableIterable<Record> it = IcebergGenerics.read(silver).build()) {
          for (Record x : it) {
            actual.add(
                x.getField("file_id")
                    + "/"
                    + x.getField("file_seq")
                    + "/"
                    + x.getField("writer_id")
                    + "/"
                    + x.getField("wal_seq"));
          }
        }
        String what = "seed " + seed + ", rows " + rows;
        assertThat(actual).as(what).containsExactlyInAnyOrderElementsOf(survivors);
        assertThat(r.quarantined()).as(what).isEqualTo(conflicting);
        assertThat(r.duplicates()).as(what).isEqualTo(rows.size() - survivors.size() - conflicting);
      }
    }
  }

  private static List<Row> generate(Random random) {
    List<Row> rows = new ArrayList<>();
    Map<String, Long> next = new HashMap<>();
    int n = 3 + random.nextInt(12);
    for (int i = 0; i < n; i++) {
      int ms = random.nextInt(3);
      String price = random.nextBoolean() ? "100" : "101";
      String tid = random.nextInt(5) == 0 ? "t" + random.nextInt(2) : null;
      Long seq = random.nextInt(5) == 0 ? (long) random.nextInt(2) : null;
      boolean file = random.nextBoolean();
      String stream = (file ? "f" : "w") + (1 + random.nextInt(2));
      long position = next.merge(stream, 1L, Long::sum);
      rows.add(
          file
              ? new Row(
                  ms, price, tid, seq, Long.parseLong(stream.substring(1)), position, null, null)
              : new Row(ms, price, tid, seq, null, null, stream, position));
    }
    return rows;
  }

  private static List<Map<String, Object>> bronzeRows(List<Row> rows) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Row x : rows) {
      Map<String, Object> m = new HashMap<>();
      m.put("symbol", "BTCUSDT");
      m.put("ts_event", T0.plusNanos(x.ms() * 1_000_000L));
      m.put("price", new BigDecimal(x.price()).setScale(9));
      m.put("size", BigDecimal.ONE.setScale(8));
      m.put("side", "buy");
      m.put("vendor_trade_id", x.tid());
      m.put("vendor_seq", x.seq());
      m.put("file_id", x.fileId());
      m.put("file_seq", x.fileSeq());
      m.put("writer_id", x.writer());
      m.put("wal_seq", x.walSeq());
      out.add(m);
    }
    return out;
  }
}
