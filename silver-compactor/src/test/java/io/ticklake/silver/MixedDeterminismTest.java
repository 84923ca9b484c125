package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.PinnedScan;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-deliveries, conflicting trade ids, live-writer rows, identical prints, rejected rows and
 * symbols the dimension does not know, over two trading dates: the same Bronze gives the same
 * Silver bytes and quarantine rows whatever the threads, the memory limit, the warehouse path and
 * the order in which the partitions are compacted.
 */
class MixedDeterminismTest {
  @TempDir Path dir;

  static final LocalDate D1 = LocalDate.of(2024, 3, 1);
  static final LocalDate D2 = LocalDate.of(2024, 3, 2);

  private static String sha256(String location) throws Exception {
    byte[] bytes = Files.readAllBytes(Path.of(PinnedScan.localPath(location)));
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static void bronze(Warehouse w, int n) {
    List<Map<String, Object>> file1 = new ArrayList<>();
    List<Map<String, Object>> live = new ArrayList<>();
    List<Map<String, Object>> file2 = new ArrayList<>();
    String[] symbols = {"BTCUSDT", "ETHUSDT", "zzz-usdt", "ZZZ/USDT", "QQQUSDT"};
    String[] sides = {"buy", "sell", "unknown", "hold"};
    Random r = new Random(42);
    int d = 0;
    for (LocalDate date : List.of(D1, D2)) {
      d++;
      long line1 = 1;
      long line2 = 1;
      long wal = 1;
      Instant start = date.atStartOfDay().toInstant(ZoneOffset.UTC);
      for (int i = 0; i < n; i++) {
        Map<String, Object> m = new HashMap<>();
        m.put("exchange", BronzeFixture.EXCHANGE);
        m.put("trading_date", date);
        m.put("symbol", symbols[r.nextInt(symbols.length)]);
        // a few events after the end of the day: session_window
        long ms = r.nextInt(1000) == 0 ? 86_400_000L + r.nextInt(1000) : r.nextInt(86_400_000);
        m.put("ts_event", OffsetDateTime.ofInstant(start.plusMillis(ms), ZoneOffset.UTC));
        m.put(
            "price",
            BigDecimal.valueOf(r.nextInt(500) == 0 ? 0 : 10_000 + r.nextInt(2000), 1).setScale(9));
        m.put(
            "size", BigDecimal.valueOf(r.nextInt(700) == 0 ? -1 : 1 + r.nextInt(5), 3).setScale(8));
        m.put("side", sides[r.nextInt(1000) == 0 ? 3 : r.nextInt(3)]);
        boolean tid = r.nextInt(3) == 0;
        if (tid) {
          m.put("vendor_trade_id", "t" + d + "-" + i);
        }
        m.put("vendor", "test");
        m.put("ingested_at", OffsetDateTime.ofInstant(BronzeFixture.INGESTED, ZoneOffset.UTC));
        int copies = r.nextInt(25) == 0 ? 2 : 1; // identical prints in one stream
        boolean isLive = r.nextInt(10) < 3;
        for (int c = 0; c < copies; c++) {
          Map<String, Object> x = new HashMap<>(m);
          if (isLive) {
            x.put("writer_id", "w" + d);
            x.put("wal_seq", wal++);
            live.add(x);
          } else {
            x.put("file_id", (long) (10 * d + 1));
            x.put("file_seq", line1++);
            file1.add(x);
            if (r.nextInt(5) == 0) { // re-delivered, sometimes with other content
              Map<String, Object> y = new HashMap<>(x);
              y.put("file_id", (long) (10 * d + 2));
              y.put("file_seq", line2++);
              if (tid && r.nextInt(20) == 0) {
                y.put("price", ((BigDecimal) x.get("price")).add(BigDecimal.ONE));
              }
              file2.add(y);
            }
          }
        }
      }
    }
    var bronze = BronzeFixture.bronzeTrades(w);
    BronzeFixture.appendRows(bronze, file2);
    BronzeFixture.appendRows(bronze, live);
    BronzeFixture.appendRows(bronze, file1);
  }

  private static CompactOptions options(int threads, String memory) {
    CompactOptions o = CompactOptions.defaults().withThreads(threads).withForce(true);
    return new CompactOptions(
        o.exchange(),
        o.fromDate(),
        o.toDate(),
        o.force(),
        o.threads(),
        Optional.ofNullable(memory),
        o.registration(),
        o.validation());
  }

  /** sha256 of each partition's Silver file, plus the partition's quarantine rows. */
  private static Map<String, String> run(Warehouse w, CompactOptions o) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (PartitionResult r :
        new SilverCompactor(w, SilverTable.TRADES, o, Clock.systemUTC()).run()) {
      out.put(
          r.key().toString(),
          sha256(r.dataFile().orElseThrow())
              + " "
              + r.digest()
              + " in="
              + r.rowsIn()
              + " dup="
              + r.duplicates()
              + " q="
              + r.quarantined()
              + " w="
              + r.warned());
    }
    return out;
  }

  private static List<String> quarantine(Warehouse w) throws Exception {
    List<String> rows = new ArrayList<>();
    for (Record q : BronzeFixture.read(w.table(TableContracts.QUARANTINE.id()))) {
      rows.add(
          q.getField("trading_date")
              + "|"
              + q.getField("rule")
              + "|"
              + q.getField("message")
              + "|"
              + q.getField("value")
              + "|"
              + q.getField("row_json"));
    }
    rows.sort(null);
    return rows;
  }

  @Test
  void sameBronzeSameSilverWhateverTheEnvironment() throws Exception {
    int n = Integer.getInteger("det.n", 160_000);
    Map<String, String> base;
    List<String> baseQ;
    List<Map<String, String>> others = new ArrayList<>();
    try (Warehouse w = BronzeFixture.warehouse(dir.resolve("a"))) {
      bronze(w, n);
      base = run(w, options(2, null));
      baseQ = quarantine(w);
      System.out.println("det base " + base + " quarantine rows " + baseQ.size());
      for (Object[] cfg : new Object[][] {{1, null}, {8, null}, {2, "120MB"}, {8, "160MB"}}) {
        Map<String, String> m = run(w, options((Integer) cfg[0], (String) cfg[1]));
        System.out.println("det " + cfg[0] + "/" + cfg[1] + " " + m);
        others.add(m);
        assertThat(quarantine(w)).isEqualTo(baseQ);
      }
    }
    // the same Bronze under another path, compacted one date at a time, the later date first
    try (Warehouse w = BronzeFixture.warehouse(dir.resolve("b/other path"))) {
      bronze(w, n);
      Map<String, String> m = new TreeMap<>();
      m.putAll(run(w, options(2, null).selecting(null, D2)));
      m.putAll(run(w, options(2, null).selecting(null, D1)));
      System.out.println("det other path, D2 then D1 " + m);
      others.add(m);
      assertThat(quarantine(w)).isEqualTo(baseQ);
    }
    assertThat(others).allSatisfy(m -> assertThat(m).isEqualTo(base));
  }
}
