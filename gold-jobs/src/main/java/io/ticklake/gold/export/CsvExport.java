package io.ticklake.gold.export;

import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.Sql;
import io.ticklake.gold.export.ExportSource.TimeStyle;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Writes CSV exports with DuckDB: a header line, comma-separated, {@code "}-quoted where needed,
 * NULL as an empty unquoted field, times as ISO-8601 UTC text with microseconds ({@code
 * 2013-10-11T13:30:00.000000Z}), dates as {@code yyyy-mm-dd}, decimals in plain notation with the
 * column's scale.
 */
final class CsvExport {
  private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private CsvExport() {}

  /** R (readr, data.table): UTF-8 without BOM, LF line ends. */
  static List<Path> r(ExportSource source, Path dir, String base) {
    Path file = dir.resolve(base + ".csv");
    copy(source, file, "\n");
    return List.of(file);
  }

  /**
   * Excel: a UTF-8 byte-order mark (without it Excel reads the file as the system's ANSI code page)
   * and CRLF line ends; otherwise like {@link #r}. Times stay ISO-8601 text, so nothing is rounded
   * to Excel's millisecond clock.
   */
  static List<Path> excel(ExportSource source, Path dir, String base) throws IOException {
    Path file = dir.resolve(base + ".csv");
    Path body = dir.resolve(base + ".csv.body");
    copy(source, body, "\r\n");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(UTF8_BOM);
      Files.copy(body, out);
    }
    Files.delete(body);
    return List.of(file);
  }

  /**
   * PostgreSQL: the CSV of {@link #r}, {@code schema.sql} with a {@code CREATE TABLE} whose types
   * match the table's (numeric(p,s), timestamptz, …) and {@code load.sql}, a psql script that runs
   * the schema and {@code \copy}s the CSV. Run it from the export folder: {@code psql -f load.sql}.
   */
  static List<Path> postgres(ExportSource source, Path dir, String base) throws IOException {
    List<Path> files = new ArrayList<>(r(source, dir, base));
    Path schema = dir.resolve("schema.sql");
    Files.writeString(schema, createTable(source, base), StandardCharsets.UTF_8);
    Path load = dir.resolve("load.sql");
    Files.writeString(
        load,
        "-- Load the ticklake export into PostgreSQL; run from this folder: psql -f load.sql\n"
            + "\\set ON_ERROR_STOP on\n"
            + "\\ir schema.sql\n"
            + "\\copy "
            + pgIdent(base)
            + " FROM '"
            + base
            + ".csv' WITH (FORMAT csv, HEADER true)\n",
        StandardCharsets.UTF_8);
    files.add(schema);
    files.add(load);
    return files;
  }

  private static void copy(ExportSource source, Path file, String newLine) {
    DuckDbBridge duck = source.bridge();
    duck.execute(
        "COPY ("
            + source.select(TimeStyle.ISO_TEXT, f -> true, null)
            + ") TO "
            + Sql.string(file.toString())
            + " (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', NEW_LINE "
            + Sql.string(newLine.equals("\n") ? "\\n" : "\\r\\n")
            + ")");
  }

  private static String createTable(ExportSource source, String base) {
    ExportRequest r = source.request();
    String columns =
        source.schema().columns().stream()
            .map(
                f ->
                    "  "
                        + pgIdent(f.name())
                        + " "
                        + pgType(f.type())
                        + (f.isRequired() ? " NOT NULL" : ""))
            .collect(Collectors.joining(",\n"));
    return String.format(
        Locale.ROOT,
        "-- ticklake export of %s, snapshot %d, symbols %s, %s to %s\nCREATE TABLE %s (\n%s\n);\n",
        r.describeTable(),
        source.snapshotId(),
        String.join(",", r.symbols()),
        r.from(),
        r.to(),
        pgIdent(base),
        columns);
  }

  /** The PostgreSQL type of an Iceberg column type. */
  static String pgType(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> "boolean";
      case INTEGER -> "integer";
      case LONG -> "bigint";
      case FLOAT -> "real";
      case DOUBLE -> "double precision";
      case DECIMAL -> {
        Types.DecimalType d = (Types.DecimalType) type;
        yield "numeric(" + d.precision() + "," + d.scale() + ")";
      }
      case DATE -> "date";
      case TIME -> "time";
      case TIMESTAMP ->
          ((Types.TimestampType) type).shouldAdjustToUTC() ? "timestamptz" : "timestamp";
      case UUID -> "uuid";
      case BINARY, FIXED -> "bytea";
      default -> "text";
    };
  }

  static String pgIdent(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
