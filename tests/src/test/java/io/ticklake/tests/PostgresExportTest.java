package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ticklake.catalog.Warehouse;
import io.ticklake.gold.export.ExportFixture;
import io.ticklake.gold.export.ExportJob;
import io.ticklake.gold.export.ExportProfile;
import io.ticklake.gold.export.ExportReceipt;
import io.ticklake.gold.export.ExportRequest;
import io.ticklake.gold.export.ExportSource;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The postgres profile loads into a real PostgreSQL (Debian's package, started by {@code
 * tests/scripts/postgres-export-check.sh} in a temp dir) and PostgreSQL's counts, sums and time
 * extremes equal DuckDB's over the pinned snapshot. Skipped, with a message, where PostgreSQL's
 * binaries are not installed.
 */
class PostgresExportTest {
  static final LocalDate DAY = LocalDate.of(2013, 10, 11);
  static final Path SCRIPT = Path.of("scripts", "postgres-export-check.sh");

  @TempDir static Path dir;
  static Warehouse warehouse;

  @BeforeAll
  static void requirePostgres() {
    assumeTrue(PostgresServer.installed(), PostgresServer.NOT_INSTALLED);
    warehouse = ExportFixture.warehouse(dir.resolve("wh"));
    List<ExportFixture.Bar> bars = new ArrayList<>();
    for (int i = 0; i < 390; i++) {
      String t =
          String.format(java.util.Locale.ROOT, "%02d:%02d", 9 + (30 + i) / 60, (30 + i) % 60);
      String p = new BigDecimal("184.5").add(BigDecimal.valueOf(i % 17, 4)).toPlainString();
      bars.add(
          i % 50 == 7
              ? ExportFixture.bar("IBM", DAY, "1m", t, null, null, null, null, "10")
              : ExportFixture.bar("IBM", DAY, "1m", t, p, p, p, p, Integer.toString(100 + i)));
    }
    ExportFixture.appendBars(warehouse, bars);
    Instant t0 = Instant.parse("2013-10-11T13:30:00.000001Z");
    List<ExportFixture.Trade> trades = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      trades.add(
          new ExportFixture.Trade(
              i % 3 == 0 ? "BAC" : "IBM",
              t0.plusNanos(i * 1_234_000L),
              new BigDecimal("14.5").add(BigDecimal.valueOf(i, 9)),
              new BigDecimal(i % 7 + 1).scaleByPowerOfTen(2)));
    }
    ExportFixture.appendTrades(warehouse, DAY, trades);
  }

  @Test
  void barsAndTicksLoadWithTheSameFiguresAndAWrongFigureIsCaught() throws Exception {
    ExportRequest bars = request("gold.bars", List.of("IBM"), "1m", "bars");
    Path barsExpected = expectedFigures(bars);
    assertThat(Files.readString(barsExpected)).contains("rows=390\n");
    ExportRequest ticks = request("silver.trades", List.of("IBM", "BAC"), null, "trades");
    Path ticksExpected = expectedFigures(ticks);
    // Every true figure must match; one false figure added at the end must be caught (exit 1).
    Files.writeString(ticksExpected, "sum:size=1.5\n", java.nio.file.StandardOpenOption.APPEND);

    Run run = runScript(bars.out(), barsExpected, ticks.out(), ticksExpected);
    assertThat(run.output())
        .contains("table=gold_bars", "table=silver_trades")
        .contains("ok rows=390")
        .contains("ok sum:volume=")
        .contains("ok min:bar_start=2013-10-11T13:30:00.000000Z")
        .contains("ok rows=1000")
        .contains("ok sum:price=")
        .contains("ok sum:size=")
        .contains("ok max:ts_event=")
        .contains("MISMATCH sum:size: postgres ")
        .contains(", expected 1.5");
    assertThat(run.output().lines().filter(l -> l.startsWith("MISMATCH"))).hasSize(1);
    assertThat(run.output().lines().filter(l -> l.startsWith("ok ")).count())
        .isEqualTo(
            Files.readAllLines(barsExpected).size() + Files.readAllLines(ticksExpected).size() - 1);
    assertThat(run.code()).isEqualTo(1);
  }

  ExportRequest request(String table, List<String> symbols, String interval, String name) {
    ExportRequest request =
        new ExportRequest(
            ExportProfile.POSTGRES,
            table,
            null,
            symbols,
            DAY,
            DAY,
            interval,
            dir.resolve(name),
            null);
    ExportReceipt receipt = new ExportJob(warehouse, request).commit();
    assertThat(receipt.files()).extracting(ExportReceipt.FileEntry::path).contains("load.sql");
    return request;
  }

  /** Row count, sums of numeric columns and extremes of time columns, computed by DuckDB. */
  Path expectedFigures(ExportRequest request) throws Exception {
    Table table = warehouse.table(request.table());
    StringBuilder figures = new StringBuilder();
    try (ExportSource source =
        ExportSource.open(
            warehouse.tempDir(), request, table, Optional.of(table.currentSnapshot()))) {
      List<String> exprs = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      exprs.add("CAST(count(*) AS VARCHAR)");
      keys.add("rows");
      for (NestedField f : source.schema().columns()) {
        String c = "\"" + f.name() + "\"";
        if (f.type().typeId() == Type.TypeID.DECIMAL || f.type().typeId() == Type.TypeID.LONG) {
          exprs.add("CAST(sum(" + c + ") AS VARCHAR)");
          keys.add("sum:" + f.name());
        } else if (f.type().typeId() == Type.TypeID.TIMESTAMP) {
          for (String agg : List.of("min", "max")) {
            exprs.add("strftime(" + agg + "(" + c + "), '%Y-%m-%dT%H:%M:%S.%fZ')");
            keys.add(agg + ":" + f.name());
          }
        }
      }
      source.query(
          "SELECT " + String.join(", ", exprs) + " FROM " + ExportSource.VIEW,
          rs -> {
            for (int i = 0; i < keys.size(); i++) {
              if (rs.getString(i + 1) != null) {
                figures.append(keys.get(i)).append('=').append(rs.getString(i + 1)).append('\n');
              }
            }
          });
    }
    Path file = request.out().resolveSibling(request.out().getFileName() + ".expected");
    Files.writeString(file, figures.toString(), StandardCharsets.UTF_8);
    return file;
  }

  record Run(int code, String output) {}

  static Run runScript(Path... exportsAndExpected) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    for (Path p : exportsAndExpected) {
      command.add(p.toString());
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
