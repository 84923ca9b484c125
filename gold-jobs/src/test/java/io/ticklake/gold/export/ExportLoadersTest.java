package io.ticklake.gold.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The receipt's loader snippets read every data file of the export, and only data files, with the
 * values exact where a tool would otherwise round them.
 */
class ExportLoadersTest {
  static final LocalDate DAY = LocalDate.of(2013, 10, 11);

  static ExportRequest request(ExportProfile profile, String table) {
    return new ExportRequest(
        profile,
        table,
        null,
        List.of("IBM", "BAC"),
        DAY,
        DAY,
        table.equals("gold.bars") ? "1m" : null,
        Path.of("/tmp/out"),
        null);
  }

  static ExportReceipt.FileEntry file(String path) {
    return new ExportReceipt.FileEntry(path, 10L, 100, "0".repeat(64));
  }

  /**
   * pyarrow and R's arrow read every file under the folder they are given (except names starting
   * with '.' or '_'), so the hive export's own receipt.json made them fail: "Could not open Parquet
   * input source 'receipt.json': Parquet magic bytes not found".
   */
  @Test
  void theHiveLayoutLoadersSkipTheReceipt() {
    Map<String, String> m =
        ExportLoaders.of(
            request(ExportProfile.PARQUET_PARTITIONED, "gold.bars"),
            List.of(
                file("symbol=BAC/date=2013-10-11/part-0.parquet"),
                file("symbol=IBM/date=2013-10-11/part-0.parquet")),
            List.of("bar_start"),
            List.of("symbol_id"),
            List.of("exchange", "symbol"),
            List.of("open", "close"));
    assertThat(m.get("pandas"))
        .contains(
            "pd.read_parquet(\".\", partitioning=hive, ignore_prefixes=[\".\", \"_\","
                + " \"receipt.json\"])");
    assertThat(m.get("r"))
        .contains(
            "factory_options = list(selector_ignore_prefixes = c(\".\", \"_\","
                + " \"receipt.json\")))");
  }

  /**
   * readr guesses a column of whole numbers as double: symbol_id 4219969127571746320 came back as
   * 4219969127571746816 (and epoch nanoseconds likewise), so a join with ref.dim_symbol in R found
   * nothing.
   */
  @Test
  void theCsvLoaderInRKeepsSixtyFourBitIdsExact() {
    for (ExportProfile p : List.of(ExportProfile.R, ExportProfile.EXCEL, ExportProfile.POSTGRES)) {
      Map<String, String> m =
          ExportLoaders.of(
              request(p, "silver.trades"),
              List.of(file("silver_trades.csv")),
              List.of("ts_event", "ts_recv", "ingested_at"),
              List.of("ts_event_ns", "symbol_id"),
              List.of("symbol", "venue"),
              List.of("price", "size"));
      assertThat(m.get("r"))
          .as(p.toString())
          .isEqualTo(
              "df <- readr::read_csv(\"silver_trades.csv\", na = \"\", col_types = readr::cols("
                  + "symbol = readr::col_character(), venue = readr::col_character(),"
                  + " ts_event_ns = vroom::col_big_integer(),"
                  + " symbol_id = vroom::col_big_integer()))");
    }
  }

  /**
   * pandas guessed the CSV's prices and sizes as float64: 184.76 came back as a binary fraction.
   * The snippet reads every decimal column as {@code decimal.Decimal}, an empty field as missing.
   */
  @Test
  void theCsvLoaderInPandasReadsDecimalsExactly() {
    for (ExportProfile p : List.of(ExportProfile.R, ExportProfile.EXCEL, ExportProfile.POSTGRES)) {
      Map<String, String> m =
          ExportLoaders.of(
              request(p, "silver.trades"),
              List.of(file("silver_trades.csv")),
              List.of("ts_event"),
              List.of("symbol_id"),
              List.of("symbol"),
              List.of("price", "size"));
      assertThat(m.get("pandas"))
          .as(p.toString())
          .startsWith(
              "import decimal\nimport pandas as pd\n"
                  + "dec = lambda v: decimal.Decimal(v) if v else None  # exact decimals\n")
          .contains(", converters={\"price\": dec, \"size\": dec}, parse_dates=[\"ts_event\"])");
    }
  }

  /** A Lean export of several symbols or days is one zip per symbol-day: the loaders read all. */
  @Test
  void theLeanLoadersReadEveryZip() {
    Map<String, String> m =
        ExportLoaders.of(
            request(ExportProfile.LEAN, "gold.bars"),
            List.of(
                file("equity/usa/minute/bac/20131011_trade.zip"),
                file("equity/usa/minute/ibm/20131011_trade.zip")),
            List.of("bar_start"),
            List.of("symbol_id"),
            List.of("exchange", "symbol"),
            List.of("open", "close"));
    assertThat(m.get("pandas")).contains("glob.glob(").doesNotContain("bac/20131011");
    assertThat(m.get("r")).contains("list.files(").doesNotContain("bac/20131011");
  }
}
