package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.ingest.IngestJob;
import io.ticklake.bronze.ingest.VendorReaders;
import io.ticklake.bronze.sample.BundledSamples;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.PartitionResult;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dedup tests issue 6 asks for, on real Lean data (the bundled IBM trades of 2013-10-11, in
 * which 984 lines occur two or more times: genuine identical prints): every identical print stays
 * in Silver, the same file ingested again under another path adds nothing, and an overlapping file
 * (the first 5,000 lines of the same day) adds nothing either — each checked against counts taken
 * from the vendor file itself.
 */
class LeanIdenticalPrintsTest {
  private static final String IBM = "lean/equity/usa/tick/ibm/20131011_trade.zip";

  @TempDir Path dir;

  @Test
  void realIdenticalPrintsAreKeptAndRedeliveriesAddNothing() throws Exception {
    Path samples = BundledSamples.extractTo(dir.resolve("samples"));
    Path original = samples.resolve(IBM);
    List<String> lines = lines(original);
    Map<String, Integer> copies = new HashMap<>();
    lines.forEach(l -> copies.merge(l, 1, Integer::sum));
    // how many lines occur once, twice, three times ...
    Map<Integer, Long> multiplicities = multiplicities(copies);
    assertThat(multiplicities.keySet().stream().filter(n -> n > 1).toList())
        .as("lines the vendor file holds more than once")
        .isNotEmpty();

    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      new LakeInitializer(w).commit();
      ingest(w, original);
      PartitionResult first = compact(w);
      assertThat(first.rowsIn()).isEqualTo(lines.size());
      assertThat(first.duplicates()).isZero();
      assertThat(first.quarantined()).isZero();
      assertThat(first.rowsOut()).isEqualTo(lines.size());
      // independently: Silver holds each identical pair twice, with two event ids
      Map<String, Integer> silverCopies = new HashMap<>();
      List<Object> ids = new ArrayList<>();
      Table silver = w.table(TableContracts.SILVER_TRADES.id());
      try (CloseableIterable<Record> rows = IcebergGenerics.read(silver).build()) {
        for (Record r : rows) {
          ids.add(r.getField("event_id"));
          silverCopies.merge(
              r.getField("ts_event")
                  + "|"
                  + r.getField("price")
                  + "|"
                  + r.getField("size")
                  + "|"
                  + r.getField("venue")
                  + "|"
                  + r.getField("sale_condition_raw")
                  + "|"
                  + r.getField("suspicious"),
              1,
              Integer::sum);
        }
      }
      assertThat(ids).hasSize(lines.size()).doesNotHaveDuplicates();
      assertThat(multiplicities(silverCopies)).isEqualTo(multiplicities);

      // the same file under another path: a second file id, and nothing new in Silver
      ingest(w, copy(original, dir.resolve("again").resolve(IBM), lines));
      PartitionResult again = compact(w);
      assertThat(again.rowsIn()).isEqualTo(2L * lines.size());
      assertThat(again.duplicates()).isEqualTo(lines.size());
      assertThat(again.rowsOut()).isEqualTo(lines.size());
      assertThat(again.digest()).isEqualTo(first.digest());

      // an overlapping file: the first 5,000 lines of the day again
      ingest(w, copy(original, dir.resolve("overlap").resolve(IBM), lines.subList(0, 5_000)));
      PartitionResult overlap = compact(w);
      assertThat(overlap.rowsIn()).isEqualTo(2L * lines.size() + 5_000);
      assertThat(overlap.duplicates()).isEqualTo(lines.size() + 5_000L);
      assertThat(overlap.rowsOut()).isEqualTo(lines.size());
      assertThat(overlap.digest()).isEqualTo(first.digest());
    }
  }

  /** How many distinct keys occur n times, by n. */
  private static Map<Integer, Long> multiplicities(Map<String, Integer> copies) {
    Map<Integer, Long> out = new java.util.TreeMap<>();
    copies.values().forEach(n -> out.merge(n, 1L, Long::sum));
    return out;
  }

  private static PartitionResult compact(Warehouse w) {
    List<PartitionResult> r =
        new SilverCompactor(
                w, SilverTable.TRADES, CompactOptions.defaults().withThreads(1), Clock.systemUTC())
            .run();
    assertThat(r).hasSize(1);
    return r.get(0);
  }

  private static void ingest(Warehouse w, Path file) {
    new IngestJob(
            w,
            VendorReaders.forVendor("lean", null),
            ExchangeTable.load(w.catalog()),
            VendorReaders.defaultExchange("lean"),
            1,
            null,
            Clock.systemUTC())
        .run(List.of(file));
  }

  /** The CSV lines of a one-entry Lean zip. */
  private static List<String> lines(Path zip) throws Exception {
    List<String> out = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      in.getNextEntry();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String l; (l = r.readLine()) != null; ) {
        if (!l.isBlank()) {
          out.add(l);
        }
      }
    }
    return out;
  }

  /** A Lean zip at {@code target} with the given lines, under the original's entry name. */
  private static Path copy(Path original, Path target, List<String> lines) throws Exception {
    String entry;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(original))) {
      entry = in.getNextEntry().getName();
    }
    Files.createDirectories(target.getParent());
    try (OutputStream os = Files.newOutputStream(target);
        ZipOutputStream zip = new ZipOutputStream(os)) {
      zip.putNextEntry(new ZipEntry(entry));
      zip.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII));
      zip.closeEntry();
    }
    return target;
  }
}
