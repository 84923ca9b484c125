package io.ticklake.gold.bars;

import static io.ticklake.gold.bars.LeanLake.EXCHANGE;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.gold.bars.LeanBarCheck.DayResult;
import io.ticklake.gold.bars.LeanBarCheck.Diff;
import io.ticklake.gold.bars.LeanBarCheck.DiffKind;
import io.ticklake.gold.export.ExportFixture;
import io.ticklake.gold.export.ExportJob;
import io.ticklake.gold.export.ExportProfile;
import io.ticklake.gold.export.ExportReceipt;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 7 part 4, lean profile, end to end: gold.bars built by {@link BarJob} from the bundled IBM
 * 2013-10-11 ticks, exported with the {@code lean} profile, give CSV lines byte-identical to the
 * vendor's own bar files wherever the bar matches the vendor's; every other line is a bar {@link
 * LeanBarCheck} classes as a documented difference.
 */
class LeanExportOfBuiltBarsTest {
  private static final LocalDate DATE = LocalDate.of(2013, 10, 11);
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  /** The difference classes docs/VALIDATION.md documents (as in {@link BarJobTest}). */
  private static final Set<DiffKind> DOCUMENTED =
      Set.of(DiffKind.VOLUME, DiffKind.TICKLAKE_VOLUME_ONLY_BAR);

  @TempDir static Path shared;
  private static Warehouse lake;

  @TempDir Path dir;

  @BeforeAll
  static void buildBars() {
    lake = LeanLake.create(shared, false);
    new BarJob(lake, BarOptions.defaults().withIntervals(List.of(BarInterval.S1, BarInterval.M1)))
        .run();
  }

  @AfterAll
  static void closeLake() {
    lake.close();
  }

  @ParameterizedTest
  @CsvSource({"1m,minute,0", "1s,second,0"})
  void exportedLinesEqualTheVendorsWhereverTheBarMatches(
      String label, String resolution, int expectedDifferences) throws Exception {
    BarInterval interval = BarInterval.find(label).orElseThrow();
    Path vendorZip = dir.resolve("vendor.zip");
    try (InputStream in =
        LeanExportOfBuiltBarsTest.class.getResourceAsStream(
            "lean/equity/usa/" + resolution + "/ibm/20131011_trade.zip")) {
      Files.copy(in, vendorZip);
    }
    String vendorText = ExportFixture.zipText(Files.newInputStream(vendorZip));

    Path out = dir.resolve("export");
    ExportReceipt receipt =
        new ExportJob(
                lake, ExportFixture.request(ExportProfile.LEAN, "gold.bars", label, out, "IBM"))
            .commit();
    String rel = "equity/usa/" + resolution + "/ibm/20131011_trade.zip";
    assertThat(receipt.files()).extracting(ExportReceipt.FileEntry::path).containsExactly(rel);
    String oursText = ExportFixture.zipText(Files.newInputStream(out.resolve(rel)));

    Map<Long, String> ours = linesByTime(oursText);
    Map<Long, String> vendor = linesByTime(vendorText);
    assertThat(receipt.files().get(0).rows()).isEqualTo(ours.size());
    assertThat(ours).hasSizeGreaterThan(interval == BarInterval.M1 ? 400 : 4000);

    // The bar-level comparison of the same snapshot the export read.
    Table gold = lake.table(TableContracts.GOLD_BARS.id());
    gold.refresh();
    assertThat(receipt.tables().get(0).snapshotId()).isEqualTo(gold.currentSnapshot().snapshotId());
    DayResult check;
    try (DuckDbBridge b = DuckDbBridge.open(lake.tempDir(), 1, null)) {
      check =
          LeanBarCheck.compare(
              b,
              gold,
              gold.currentSnapshot(),
              EXCHANGE,
              "IBM",
              DATE,
              interval,
              vendorZip,
              NEW_YORK);
    }
    Map<Long, DiffKind> differing = new TreeMap<>();
    for (Diff d : check.diffs()) {
      differing.put(d.msOfDay(), d.kind());
    }

    TreeSet<Long> times = new TreeSet<>(ours.keySet());
    times.addAll(vendor.keySet());
    int identicalLines = 0;
    Map<Long, String> differentLines = new LinkedHashMap<>();
    for (long t : times) {
      String o = ours.get(t);
      String v = vendor.get(t);
      if (!differing.containsKey(t)) {
        // the bar matches the vendor's: its exported line must be the vendor's, byte for byte
        assertThat(o).as("line of the matching bar at ms %d", t).isEqualTo(v);
        identicalLines++;
      } else if (o == null || !o.equals(v)) {
        differentLines.put(t, "ours=" + o + " vendor=" + v + " (" + differing.get(t) + ")");
      }
    }
    System.out.printf(
        "IBM %s %s lean export: %d lines identical to the vendor's, %d differ %s%n",
        DATE, interval, identicalLines, differentLines.size(), check.byKind());
    differentLines.forEach((t, s) -> System.out.println("  " + t + " " + s));

    assertThat(identicalLines).isEqualTo(check.identical());
    for (long t : differentLines.keySet()) {
      assertThat(differing.get(t)).as("class of the differing line at ms %d", t).isIn(DOCUMENTED);
    }
    assertThat(differentLines).hasSize(expectedDifferences);
    if (differentLines.isEmpty()) {
      assertThat(oursText).isEqualTo(vendorText);
    }
  }

  /** The CSV lines of a Lean bar file by their first field (ms since local midnight). */
  private static Map<Long, String> linesByTime(String csv) {
    Map<Long, String> out = new LinkedHashMap<>();
    for (String line : csv.lines().toList()) {
      if (line.isEmpty()) {
        continue;
      }
      String previous = out.put(Long.parseLong(line.substring(0, line.indexOf(','))), line);
      assertThat(previous).as("second line for the same bar time: %s", line).isNull();
    }
    return out;
  }
}
