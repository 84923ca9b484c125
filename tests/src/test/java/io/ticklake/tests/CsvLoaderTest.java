package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.bronze.sample.BundledSamples;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV profiles ({@code r}, {@code excel}) are loaded by the very snippets their receipt gives —
 * R's readr and pandas (Debian's r-cran-readr and python3-pandas) — and what each tool sees equals
 * DuckDB's answer over the pinned Silver snapshot: row count, total size, price extremes, the first
 * and last event time, and that the time column arrives as a time type (POSIXct, datetime64[ns,
 * UTC]), not as text. Each tool's part is skipped, with a message, where it is not installed.
 */
class CsvLoaderTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir Path dir;

  Cli.Result ok(String... args) {
    return new Cli(dir.resolve("wh")).ok(args);
  }

  /** What a tool reports about the loaded frame, one value per line. */
  record Seen(
      long rows,
      BigDecimal size,
      BigDecimal minPrice,
      BigDecimal maxPrice,
      Instant first,
      Instant last,
      String timeType) {}

  @Test
  void rAndPandasLoadTheCsvExportsWithTheirReceiptSnippets() throws Exception {
    boolean r = installed("Rscript", "-e", "library(readr)");
    boolean pandas = installed(PYTHON.toString(), "-c", "import pandas");
    assumeTrue(
        r || pandas,
        "neither R with readr nor /usr/bin/python3 with pandas is installed: apt-get install"
            + " r-cran-readr python3-pandas to run this test");
    Path samples = BundledSamples.extractTo(dir.resolve("samples"));
    new Cli(dir.resolve("wh")).silverIbmTradesOfTheSampleDay(samples);
    String[] duck =
        ok(
                "sql",
                "--format",
                "csv",
                "-c",
                "select count(*), sum(size), min(price), max(price), strftime(min(ts_event) AT"
                    + " TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ'), strftime(max(ts_event) AT TIME"
                    + " ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') from silver.trades where symbol ="
                    + " 'IBM'")
            .out()
            .lines()
            .skip(1)
            .findFirst()
            .orElseThrow()
            .split(",");
    Seen expected =
        new Seen(
            Long.parseLong(duck[0]),
            new BigDecimal(duck[1]),
            new BigDecimal(duck[2]),
            new BigDecimal(duck[3]),
            Instant.parse(duck[4]),
            Instant.parse(duck[5]),
            "");

    int loaded = 0;
    for (String profile : List.of("r", "excel")) {
      Path out = dir.resolve("x").resolve(profile);
      JsonNode receipt =
          new ObjectMapper()
              .readTree(ok(Cli.exportIbmDay(profile, "silver.trades", out, "--json")).out());
      if (r) {
        String script =
            receipt.at("/loaders/r").asText()
                + "\ncat(nrow(df), sum(df$size), sprintf('%.4f', min(df$price)),"
                + " sprintf('%.4f', max(df$price)),"
                + " sprintf('%.0f', round(as.numeric(min(df$ts_event)) * 1e6)),"
                + " sprintf('%.0f', round(as.numeric(max(df$ts_event)) * 1e6)),"
                + " class(df$ts_event)[1], sep = '\\n')\n";
        assertSame(profile + " in R", run(out, "Rscript", "-e", script), expected, "POSIXct");
        loaded++;
      }
      if (pandas) {
        String script =
            receipt.at("/loaders/pandas").asText()
                + "\nts = df['ts_event']\nprint(len(df), int(df['size'].sum()),"
                + " '%.4f' % df['price'].min(), '%.4f' % df['price'].max(),"
                + " ts.min().strftime('%Y-%m-%dT%H:%M:%S.%fZ'),"
                + " ts.max().strftime('%Y-%m-%dT%H:%M:%S.%fZ'), ts.dtype, sep='\\n')\n";
        assertSame(
            profile + " in pandas",
            run(out, PYTHON.toString(), "-c", script),
            expected,
            "datetime64[ns, UTC]");
        loaded++;
      }
    }
    assertThat(loaded).isPositive();
  }

  /**
   * Text columns stay text: the snippets let pandas and readr guess every column's type, so the
   * vendor's hex sale condition "20002020" (bits 5, 13 and 29) arrived as the number 20002020,
   * int64 in pandas and double in R, and a field "NA" (a Nasdaq ticker) would have arrived as
   * missing although the CSV writes NULL as an empty field only.
   */
  @Test
  void rAndPandasKeepTextColumnsAsTheCsvWritesThem() throws Exception {
    boolean r = installed("Rscript", "-e", "library(readr)");
    boolean pandas = installed(PYTHON.toString(), "-c", "import pandas");
    assumeTrue(
        r || pandas,
        "neither R with readr nor /usr/bin/python3 with pandas is installed: apt-get install"
            + " r-cran-readr python3-pandas to run this test");
    Path samples = BundledSamples.extractTo(dir.resolve("samples"));
    new Cli(dir.resolve("wh")).silverIbmTradesOfTheSampleDay(samples);
    Path out = dir.resolve("x").resolve("r");
    JsonNode receipt =
        new ObjectMapper()
            .readTree(ok(Cli.exportIbmDay("r", "silver.trades", out, "--json")).out());
    List<String> csv = Files.readAllLines(out.resolve("silver_trades.csv"));
    int column = List.of(csv.get(0).split(",")).indexOf("sale_condition_raw");
    String first = csv.get(1).split(",")[column];
    assertThat(first).isEqualTo("20002020");
    if (r) {
      String script =
          receipt.at("/loaders/r").asText()
              + "\ncat(class(df$sale_condition_raw), df$sale_condition_raw[1],"
              + " class(df$venue), sep = '\\n')\n";
      assertThat(tail(run(out, "Rscript", "-e", script), 3))
          .as("R")
          .containsExactly("character", first, "character");
    }
    if (pandas) {
      String script =
          receipt.at("/loaders/pandas").asText()
              + "\nv = df['sale_condition_raw']\nprint(type(v.iloc[0]).__name__, v.iloc[0],"
              + " type(df['venue'].iloc[0]).__name__, sep='\\n')\n";
      assertThat(tail(run(out, PYTHON.toString(), "-c", script), 3))
          .as("pandas")
          .containsExactly("str", first, "str");
    }
  }

  /**
   * Prices and sizes stay exact in pandas: left to guess, pandas read the CSV's decimals as
   * float64, so a price 184.76 became the binary fraction
   * 184.759999999999990905052982270717620849609375 and a sum of prices drifted from DuckDB's exact
   * sum. The snippet reads them as {@code decimal.Decimal}, as pyarrow does for the Parquet
   * profiles.
   */
  @Test
  void pandasKeepsPricesAndSizesExact() throws Exception {
    assumeTrue(
        installed(PYTHON.toString(), "-c", "import pandas"),
        "/usr/bin/python3 with pandas is not installed: apt-get install python3-pandas to run"
            + " this test");
    Path samples = BundledSamples.extractTo(dir.resolve("samples"));
    new Cli(dir.resolve("wh")).silverIbmTradesOfTheSampleDay(samples);
    String[] duck =
        ok(
                "sql",
                "--format",
                "csv",
                "-c",
                "select sum(price), sum(size) from silver.trades where symbol = 'IBM'")
            .out()
            .lines()
            .skip(1)
            .findFirst()
            .orElseThrow()
            .split(",");
    for (String profile : List.of("r", "excel")) {
      Path out = dir.resolve("x").resolve(profile);
      JsonNode receipt =
          new ObjectMapper()
              .readTree(ok(Cli.exportIbmDay(profile, "silver.trades", out, "--json")).out());
      List<String> csv = Files.readAllLines(out.resolve("silver_trades.csv"));
      int column = List.of(csv.get(0).replace("\uFEFF", "").split(",")).indexOf("price");
      String first = csv.get(1).split(",")[column];
      String script =
          receipt.at("/loaders/pandas").asText()
              + "\np = df['price']\nprint(type(p.iloc[0]).__name__,"
              + " type(df['size'].iloc[0]).__name__, repr(p.iloc[0]), p.sum(), df['size'].sum(),"
              + " sep='\\n')\n";
      assertThat(tail(run(out, PYTHON.toString(), "-c", script), 5))
          .as(profile + " in pandas")
          .satisfiesExactly(
              t -> assertThat(t).isEqualTo("Decimal"),
              t -> assertThat(t).isEqualTo("Decimal"),
              t -> assertThat(t).isEqualTo("Decimal('" + first + "')"),
              t -> assertThat(new BigDecimal(t)).isEqualByComparingTo(duck[0]),
              t -> assertThat(new BigDecimal(t)).isEqualByComparingTo(duck[1]));
    }
  }

  private static List<String> tail(List<String> lines, int n) {
    return lines.subList(Math.max(0, lines.size() - n), lines.size());
  }

  private static void assertSame(String what, List<String> lines, Seen expected, String timeType) {
    assertThat(lines).as(what).hasSizeGreaterThanOrEqualTo(7);
    List<String> v = lines.subList(lines.size() - 7, lines.size());
    Seen seen =
        new Seen(
            Long.parseLong(v.get(0)),
            new BigDecimal(v.get(1)),
            new BigDecimal(v.get(2)),
            new BigDecimal(v.get(3)),
            instant(v.get(4)),
            instant(v.get(5)),
            v.get(6));
    assertThat(seen.rows()).as(what + ": rows").isEqualTo(expected.rows());
    assertThat(seen.size()).as(what + ": sum(size)").isEqualByComparingTo(expected.size());
    assertThat(seen.minPrice()).as(what + ": min(price)").isEqualByComparingTo(expected.minPrice());
    assertThat(seen.maxPrice()).as(what + ": max(price)").isEqualByComparingTo(expected.maxPrice());
    assertThat(seen.first()).as(what + ": first ts_event").isEqualTo(expected.first());
    assertThat(seen.last()).as(what + ": last ts_event").isEqualTo(expected.last());
    assertThat(seen.timeType()).as(what + ": type of ts_event").isEqualTo(timeType);
  }

  /**
   * An ISO time, or epoch microseconds: R holds a time as a double of seconds (1381493475.725 is
   * 1381493475.72499990…), so its script prints the time rounded to whole microseconds.
   */
  private static Instant instant(String text) {
    if (text.chars().allMatch(Character::isDigit)) {
      long us = Long.parseLong(text);
      return Instant.ofEpochSecond(
          Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000L);
    }
    return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  private static boolean installed(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Runs a tool in {@code folder} (the snippets use relative paths) and returns its stdout lines.
   */
  private static List<String> run(Path folder, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .directory(folder.toFile())
            .redirectError(folder.resolveSibling(folder.getFileName() + ".err").toFile())
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String err =
        Files.readString(
            folder.resolveSibling(folder.getFileName() + ".err"), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out + "\n" + err).isZero();
    return new ArrayList<>(out.lines().filter(l -> !l.isBlank()).toList());
  }
}
