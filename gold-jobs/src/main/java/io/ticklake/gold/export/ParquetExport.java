package io.ticklake.gold.export;

import io.ticklake.catalog.duckdb.Sql;
import io.ticklake.gold.export.ExportSource.SymbolDay;
import io.ticklake.gold.export.ExportSource.TimeStyle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes Parquet exports with DuckDB: one file for pandas, or a hive layout by symbol and date. */
final class ParquetExport {
  private ParquetExport() {}

  /**
   * One snappy Parquet file with every column; timestamps as timestamp[ns, UTC] (Parquet {@code
   * TIMESTAMP(NANOS, isAdjustedToUTC=true)}), which pandas maps to {@code datetime64[ns, UTC]} with
   * either pyarrow or fastparquet. Decimals stay Parquet decimals.
   */
  static List<Path> pandas(ExportSource source, Path dir, String base) throws java.io.IOException {
    Path file = dir.resolve(base + ".parquet");
    copy(source, source.select(TimeStyle.NANOS, f -> true, null), file);
    return List.of(file);
  }

  /**
   * One Parquet file per symbol and trading date at {@code
   * symbol=<s>/date=<yyyy-mm-dd>/part-0.parquet}. The symbol lives in the folder name only (as hive
   * readers expect: pyarrow refuses a partition key that is also a file column); the receipt's
   * loaders declare it text, since readers would guess {@code symbol=7203} to be an integer. Times
   * stay microseconds, which Spark, Trino and DuckDB all read.
   */
  static List<Path> partitioned(ExportSource source, Path dir, ExportProgress progress)
      throws java.io.IOException {
    List<Path> files = new ArrayList<>();
    List<SymbolDay> days = source.symbolDays();
    for (SymbolDay day : days) {
      String rel =
          "symbol=" + hiveEscape(day.symbol()) + "/date=" + day.tradingDate() + "/part-0.parquet";
      Path file = ExportFiles.inside(dir, rel);
      if (files.contains(file)) {
        continue; // the same symbol on another exchange: one file holds both
      }
      Files.createDirectories(file.getParent());
      String where =
          "symbol = "
              + Sql.string(day.symbol())
              + " AND trading_date = "
              + Sql.literal(day.tradingDate());
      copy(source, source.select(TimeStyle.NATIVE, f -> !f.name().equals("symbol"), where), file);
      files.add(file);
      progress.filesWritten(files.size(), days.size());
    }
    return files;
  }

  private static void copy(ExportSource source, String select, Path file) {
    source
        .bridge()
        .execute(
            "COPY ("
                + select
                + ") TO "
                + Sql.string(file.toString())
                + " (FORMAT parquet, COMPRESSION snappy)");
  }

  /**
   * Escapes a partition value the way Hive does: characters other than letters, digits and {@code
   * ._-} become {@code %XX} (UTF-8), so no value can create or climb folders.
   */
  static String hiveEscape(String value) {
    StringBuilder b = new StringBuilder();
    for (byte c : value.getBytes(StandardCharsets.UTF_8)) {
      int ch = c & 0xff;
      if ((ch >= 'a' && ch <= 'z')
          || (ch >= 'A' && ch <= 'Z')
          || (ch >= '0' && ch <= '9')
          || ch == '_'
          || ch == '-'
          || (ch == '.' && !value.chars().allMatch(x -> x == '.'))) {
        b.append((char) ch);
      } else {
        b.append('%').append(String.format(java.util.Locale.ROOT, "%02X", ch));
      }
    }
    return b.toString();
  }
}
