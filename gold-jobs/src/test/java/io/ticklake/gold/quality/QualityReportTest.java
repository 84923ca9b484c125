package io.ticklake.gold.quality;

import static io.ticklake.gold.quality.QualityJobTest.DAY;
import static io.ticklake.gold.quality.QualityJobTest.utc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.gold.quality.GoldFixture.Trade;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualityReportTest {
  static final String HOSTILE = "<script>alert('x')</script>&\"Q";

  @TempDir Path dir;

  @Test
  void reportHasEverySectionAndEscapesSymbols() throws Exception {
    List<Trade> trades = new ArrayList<>(QualityJobTest.aaa());
    trades.addAll(QualityJobTest.bbb());
    for (Instant ts = utc("13:30:00"); ts.isBefore(utc("20:00:00")); ts = ts.plusSeconds(90)) {
      trades.add(new Trade(HOSTILE, DAY, ts, "10.00", "5"));
    }
    trades.add(new Trade(HOSTILE, DAY, utc("14:00:00"), "0", "5"));
    try (Warehouse w = GoldFixture.warehouse(dir.resolve("w"))) {
      GoldFixture.appendFile(w, 1, trades);
      GoldFixture.compact(w);
      new QualityJob(w, QualityOptions.defaults()).run();
      List<QualityRow> rows = QualityJob.read(w, QualityOptions.defaults(), Optional.empty());
      assertThat(rows).extracting(QualityRow::symbol).contains(HOSTILE);

      Path file = dir.resolve("report.html");
      int[] charts = {0};
      QualityReport.Written written =
          new QualityReport(w).write(rows, file, 2, (done, total) -> charts[0] = done);
      String html = Files.readString(file, StandardCharsets.UTF_8);
      assertThat(written.rows()).isEqualTo(3);
      assertThat(written.charts()).isEqualTo(2);
      assertThat(charts[0]).isEqualTo(2);
      assertThat(written.bytes()).isEqualTo(Files.size(file));

      assertThat(html)
          .startsWith("<!DOCTYPE html>")
          .contains("<section id=\"grades\"><h2>Grades</h2>")
          .contains("<section id=\"quarantine\"><h2>Quarantine by rule</h2>")
          .contains("<section id=\"gaps\"><h2>Gap timeline</h2>")
          .contains("<section id=\"charts\"><h2>Price and volume</h2>")
          .contains("price_positive (rejected)", "size_positive (rejected)")
          .contains("price_spike (flagged, kept)")
          .contains("Charts for the first 2 of 3 symbol-days");
      // the gap of AAA, in New York time, as a tooltip
      assertThat(html).contains("gap 10:59–11:20 America/New_York (20 min 10 s)");
      // one price chart per charted symbol-day, plus the two overview charts
      assertThat(html.split("aria-label=\"Price and volume of ", -1)).hasSize(3);
      // hostile text is inert: escaped everywhere, never raw
      assertThat(html).doesNotContain("<script>").doesNotContain("alert('x')");
      assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;Q");
      // self-contained: nothing is loaded from anywhere
      assertThat(html).doesNotContainPattern("(?i)(src|href)\\s*=\\s*\"?(https?:|//)");
      assertThat(html).doesNotContainPattern("(?i)@import|url\\(");
      // every element opened is closed (a cheap well-formedness check of the generator)
      for (String tag : List.of("svg", "section", "table", "div", "text", "title")) {
        assertThat(count(html, "<" + tag + "[ >]"))
            .as(tag)
            .isEqualTo(count(html, "</" + tag + ">"));
      }
    }
  }

  @Test
  void aReportIntoAMissingFolderIsRefusedAndWritesNothing() {
    try (Warehouse w = GoldFixture.warehouse(dir.resolve("w"))) {
      Path file = dir.resolve("missing").resolve("report.html");
      assertThatThrownBy(
              () -> new QualityReport(w).write(List.of(), file, 10, QualityReport.Progress.NONE))
          .isInstanceOf(TicklakeException.class)
          .hasMessageContaining("Cannot write report")
          .hasMessageContaining("does not exist");
      assertThat(dir.resolve("missing")).doesNotExist();
    }
  }

  private static int count(String s, String regex) {
    return (int) java.util.regex.Pattern.compile(regex).matcher(s).results().count();
  }

  @Test
  void aSilverSnapshotExpiredWhileTheChartsReadItIsReadAgain() throws Exception {
    try (Warehouse w = GoldFixture.warehouse(dir.resolve("w"))) {
      GoldFixture.appendFile(w, 1, QualityJobTest.aaa());
      GoldFixture.compact(w);
      new QualityJob(w, QualityOptions.defaults()).run();
      List<QualityRow> rows = QualityJob.read(w, QualityOptions.defaults(), Optional.empty());
      int[] reads = {0};
      Runnable compactAndExpire =
          () -> {
            if (++reads[0] == 1) {
              // late data compacted twice, then a routine expire: the snapshot the report
              // loaded, and the files it had, are gone
              GoldFixture.appendFile(
                  w, 2, List.of(new Trade("AAA", DAY, utc("19:59:00"), "10.00", "1")));
              GoldFixture.compact(w);
              GoldFixture.appendFile(
                  w, 3, List.of(new Trade("AAA", DAY, utc("19:59:30"), "10.00", "1")));
              GoldFixture.compact(w);
              org.apache.iceberg.Table silver =
                  w.table(io.ticklake.catalog.contract.TableContracts.SILVER_TRADES.id());
              silver.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
            }
          };
      Path file = dir.resolve("report.html");
      new QualityReport(w, compactAndExpire).write(rows, file, 1, (done, total) -> {});
      assertThat(reads[0]).isEqualTo(2);
      assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("Price and volume");
    }
  }
}
