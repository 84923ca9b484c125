package io.ticklake.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

/** How commands print rows: an aligned text table, CSV (RFC 4180) or a JSON array of objects. */
enum ResultFormat {
  TABLE,
  CSV,
  JSON;

  /** The lower-case name, as written on the command line and shown in help. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  private static final ObjectMapper JSON_MAPPER =
      JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  /** Prints rows. Values are rendered exactly: decimals in plain notation, times as ISO-8601. */
  void print(PrintWriter out, List<String> columns, List<List<Object>> rows) {
    switch (this) {
      case TABLE -> printTable(out, columns, rows);
      case CSV -> printCsv(out, columns, rows);
      case JSON -> printJson(out, columns, rows);
    }
    out.flush();
  }

  /**
   * Reads a whole result set and prints it.
   *
   * <p>The rows are read with the JVM's default time zone set to UTC: DuckDB's JDBC driver turns a
   * TIMESTAMPTZ into an {@code OffsetDateTime} (and a TIMESTAMP into a {@code java.sql.Timestamp})
   * through the default zone, and around a daylight-saving change it picks the wrong offset — in
   * New York the second 01:30 of a fall-back day came out an hour early. UTC has no such changes,
   * so every value is the one stored. A TIMESTAMP (no zone) is kept as the {@code LocalDateTime} it
   * holds.
   */
  void print(PrintWriter out, ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    List<String> columns = new ArrayList<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      columns.add(md.getColumnLabel(i));
    }
    List<List<Object>> rows = new ArrayList<>();
    TimeZone jvmZone = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone(ZoneOffset.UTC));
    try {
      while (rs.next()) {
        List<Object> row = new ArrayList<>(columns.size());
        for (int i = 1; i <= columns.size(); i++) {
          Object v = rs.getObject(i);
          // a java.sql.Timestamp prints in the default zone: take its fields while that is UTC
          if (v instanceof java.sql.Blob b) {
            v = blobText(b.getBytes(1, (int) b.length()));
          }
          row.add(v instanceof java.sql.Timestamp t ? t.toLocalDateTime() : v);
        }
        rows.add(row);
      }
      // nested values (a MAP of TIMESTAMPs) print through the default zone too
      print(out, columns, rows);
    } finally {
      TimeZone.setDefault(jvmZone);
    }
  }

  /**
   * A BLOB as DuckDB prints it: printable ASCII as it is, every other byte (and {@code \}, {@code
   * '}, {@code "}) as {@code \xHH}.
   */
  static String blobText(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 0x20 && c <= 0x7e && c != '\\' && c != '\'' && c != '"') {
        sb.append((char) c);
      } else {
        sb.append(String.format(java.util.Locale.ROOT, "\\x%02X", c));
      }
    }
    return sb.toString();
  }

  /** The text form of a value. */
  static String text(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder();
      m.forEach((k, x) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(x));
      return sb.toString();
    }
    // UTC, fractions in whole groups of 3 digits (ms, µs or ns), so a µs time keeps its trailing
    // zeros: .418420, not .41842
    if (v instanceof OffsetDateTime t) {
      return t.toInstant().toString();
    }
    if (v instanceof java.time.Instant i) {
      return i.toString();
    }
    // a TIMESTAMP without zone: ISO-8601 wall-clock time, fractions as for instants
    if (v instanceof LocalDateTime t) {
      String utc = t.toInstant(ZoneOffset.UTC).toString();
      return utc.substring(0, utc.length() - 1);
    }
    return v.toString();
  }

  private static void printTable(PrintWriter out, List<String> columns, List<List<Object>> rows) {
    int[] widths = new int[columns.size()];
    boolean[] numeric = new boolean[columns.size()];
    java.util.Arrays.fill(numeric, true);
    for (int c = 0; c < columns.size(); c++) {
      widths[c] = columns.get(c).length();
    }
    List<List<String>> cells = new ArrayList<>();
    for (List<Object> row : rows) {
      List<String> line = new ArrayList<>();
      for (int c = 0; c < row.size(); c++) {
        Object v = row.get(c);
        String s = v == null ? "NULL" : text(v);
        if (v != null && !(v instanceof Number)) {
          numeric[c] = false;
        }
        widths[c] = Math.max(widths[c], s.length());
        line.add(s);
      }
      cells.add(line);
    }
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < columns.size(); c++) {
      pad(sb, columns.get(c), widths[c], false, c == columns.size() - 1);
    }
    out.println(sb.toString().stripTrailing());
    sb.setLength(0);
    for (int c = 0; c < columns.size(); c++) {
      sb.append("-".repeat(widths[c]));
      if (c < columns.size() - 1) {
        sb.append("  ");
      }
    }
    out.println(sb);
    for (List<String> line : cells) {
      sb.setLength(0);
      for (int c = 0; c < line.size(); c++) {
        pad(sb, line.get(c), widths[c], numeric[c], c == line.size() - 1);
      }
      out.println(sb.toString().stripTrailing());
    }
    out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
  }

  private static void pad(StringBuilder sb, String s, int width, boolean right, boolean last) {
    String fill = " ".repeat(width - s.length());
    sb.append(right ? fill + s : s + (last ? "" : fill));
    if (!last) {
      sb.append("  ");
    }
  }

  private static void printCsv(PrintWriter out, List<String> columns, List<List<Object>> rows) {
    out.print(String.join(",", columns.stream().map(ResultFormat::csv).toList()));
    out.print("\r\n");
    for (List<Object> row : rows) {
      out.print(String.join(",", row.stream().map(v -> csv(text(v))).toList()));
      out.print("\r\n");
    }
  }

  private static String csv(String s) {
    if (s.indexOf(',') >= 0
        || s.indexOf('"') >= 0
        || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  private static void printJson(PrintWriter out, List<String> columns, List<List<Object>> rows) {
    // one object per row: a name given twice would keep only its last column's value
    java.util.Set<String> seen = new java.util.HashSet<>();
    java.util.Set<String> twice = new java.util.LinkedHashSet<>();
    columns.stream().filter(c -> !seen.add(c)).forEach(twice::add);
    if (!twice.isEmpty()) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot print the result as JSON: more than one column is named %s; give them distinct"
              + " names (AS ...)",
          String.join(", ", twice));
    }
    try {
      JsonGenerator g = JSON_MAPPER.getFactory().createGenerator(out);
      g.useDefaultPrettyPrinter();
      g.writeStartArray();
      for (List<Object> row : rows) {
        Map<String, Object> obj = new LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++) {
          Object v = row.get(c);
          obj.put(columns.get(c), jsonValue(v));
        }
        JSON_MAPPER.writeValue(g, obj);
      }
      g.writeEndArray();
      g.flush();
      out.println();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object jsonValue(Object v) {
    if (v == null
        || v instanceof Number
        || v instanceof Boolean
        || v instanceof String
        || v instanceof Map<?, ?>
        || v instanceof List<?>) {
      return v;
    }
    return text(v);
  }
}
