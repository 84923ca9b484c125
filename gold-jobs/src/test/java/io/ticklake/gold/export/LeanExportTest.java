package io.ticklake.gold.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.gold.export.ExportFixture.Bar;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bars equal to the vendor's own (read from the real Lean zips) export to CSV content identical to
 * the vendor files, line for line and byte for byte.
 */
class LeanExportTest {
  static final LocalDate DAY = LocalDate.of(2013, 10, 11);

  @TempDir Path tmp;
  Warehouse warehouse;

  @BeforeEach
  void setUp() {
    warehouse = ExportFixture.warehouse(tmp.resolve("wh"));
  }

  @AfterEach
  void tearDown() {
    warehouse.close();
  }

  @ParameterizedTest
  @CsvSource({"1m,minute", "1s,second"})
  void barsEqualToTheVendorsGiveTheVendorsFile(String interval, String resolution)
      throws Exception {
    // the vendor files are kept once, with the bars tests (see their NOTICE.md)
    String resource =
        "/io/ticklake/gold/bars/lean/equity/usa/" + resolution + "/ibm/20131011_trade.zip";
    List<Bar> bars = ExportFixture.leanBars(resource, "IBM", DAY, interval);
    assertThat(bars).hasSizeGreaterThan(400);
    ExportFixture.appendBars(warehouse, bars);

    Path out = tmp.resolve("lean-" + resolution);
    ExportReceipt receipt =
        new ExportJob(
                warehouse,
                ExportFixture.request(ExportProfile.LEAN, "gold.bars", interval, out, "IBM"))
            .commit();

    String rel = "equity/usa/" + resolution + "/ibm/20131011_trade.zip";
    assertThat(receipt.files()).extracting(ExportReceipt.FileEntry::path).containsExactly(rel);
    assertThat(receipt.files().get(0).rows()).isEqualTo(bars.size());
    String vendor;
    try (InputStream in = getClass().getResourceAsStream(resource)) {
      vendor = ExportFixture.zipText(in);
    }
    List<String> entries = new ArrayList<>();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(out.resolve(rel)))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        entries.add(e.getName());
      }
    }
    assertThat(entries).containsExactly("20131011_ibm_" + resolution + "_trade.csv");
    String ours = ExportFixture.zipText(Files.newInputStream(out.resolve(rel)));
    assertThat(ours.lines().toList()).containsExactlyElementsOf(vendor.lines().toList());
    assertThat(ours).isEqualTo(vendor);
  }

  @Test
  void volumeOnlyBarsAreLeftOutAndCountedConsistently() throws Exception {
    ExportFixture.appendBars(
        warehouse,
        List.of(
            ExportFixture.bar("IBM", DAY, "1m", "04:00", "184.1", "184.2", "184", "184.2", "300"),
            ExportFixture.bar("IBM", DAY, "1m", "04:01", null, null, null, null, "50")));
    Path out = tmp.resolve("lean");
    ExportReceipt receipt =
        new ExportJob(
                warehouse, ExportFixture.request(ExportProfile.LEAN, "gold.bars", "1m", out, "IBM"))
            .commit();
    assertThat(receipt.tables().get(0).rows()).isEqualTo(1);
    assertThat(
            ExportFixture.zipText(Files.newInputStream(out.resolve(receipt.files().get(0).path()))))
        .isEqualTo("14400000,1841000,1842000,1840000,1842000,300");
  }

  @Test
  void aPriceLeanCannotHoldIsRefusedAndNothingIsWritten() {
    ExportFixture.appendBars(
        warehouse,
        List.of(
            ExportFixture.bar(
                "IBM", DAY, "1m", "09:30", "184.12345", "184.2", "184", "184.2", "3")));
    Path out = tmp.resolve("lean");
    assertThatThrownBy(
            () ->
                new ExportJob(
                        warehouse,
                        ExportFixture.request(ExportProfile.LEAN, "gold.bars", "1m", out, "IBM"))
                    .commit())
        .isInstanceOf(TicklakeException.class)
        .hasMessageContaining(
            "Cannot export IBM bar 2013-10-11T13:30:00Z as lean: open 184.12345 has more than 4 decimals");
    assertThat(out).doesNotExist();
    assertThat(tmp).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".lean"));
  }

  @Test
  void msSinceMidnightFollowsTheLocalClock() {
    assertThat(
            LeanExport.msSinceMidnight(
                Instant.parse("2013-10-11T13:30:00Z"), DAY, ExportFixture.NEW_YORK))
        .isEqualTo(34_200_000L);
    // 2013-11-04 is after the switch to EST: 09:30 local is 14:30 UTC.
    assertThat(
            LeanExport.msSinceMidnight(
                Instant.parse("2013-11-04T14:30:00Z"),
                LocalDate.of(2013, 11, 4),
                ExportFixture.NEW_YORK))
        .isEqualTo(34_200_000L);
  }
}
