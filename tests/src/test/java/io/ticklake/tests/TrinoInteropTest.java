package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Trino server reads every ticklake table through its Iceberg connector (JDBC catalog on the
 * warehouse's SQLite file) and sees what ticklake's own DuckDB bridge sees: the same tables and
 * column types, and for every table the same row count, per-column counts, exact decimal sums,
 * extremes (times with their microseconds) and a fingerprint of every row's content; the same rows
 * at every snapshot with {@code FOR VERSION AS OF} and {@code FOR TIMESTAMP AS OF}; {@code
 * $snapshots} and {@code $files} agree with ticklake's and Iceberg's own view; a query on one
 * partition reads only that partition's files.
 *
 * <p>Opt-in (tag {@code interop}, {@code mvn -Pinterop}): it needs a running Trino whose catalog
 * points at the warehouse directory this test builds. {@code tests/scripts/trino-interop.sh}
 * fetches Trino, writes that catalog, starts the server, runs this test and stops the server.
 * Without {@code -Dticklake.trino.url} the test is skipped with a message.
 */
@Tag("interop")
class TrinoInteropTest {
  /** The Trino server's JDBC URL, e.g. {@code jdbc:trino://127.0.0.1:8080}. */
  static final String URL_PROPERTY = "ticklake.trino.url";

  /** The warehouse directory the Trino catalog reads; this test builds it, so it must not exist. */
  static final String WAREHOUSE_PROPERTY = "ticklake.trino.warehouse";

  /** The name of the Trino catalog (its properties file), default {@code ticklake}. */
  static final String CATALOG_PROPERTY = "ticklake.trino.catalog";

  /** Name of the generated vendor file's mapping; its rows get the vendor {@code csv:interop}. */
  static final String VENDOR = "interop";

  static final ObjectMapper JSON = new ObjectMapper();
  static final DateTimeFormatter TRINO_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  @TempDir static Path dir;
  static Path warehousePath;
  static Cli cli;
  static Warehouse warehouse;
  static Connection trino;
  static ExtraTrades extra;

  @BeforeAll
  static void buildWarehouseAndConnect() throws Exception {
    String url = System.getProperty(URL_PROPERTY, "");
    assumeTrue(
        !url.isBlank(),
        "no Trino server given: run tests/scripts/trino-interop.sh (it starts Trino and sets -D"
            + URL_PROPERTY
            + " and -D"
            + WAREHOUSE_PROPERTY
            + ")");
    String wh = System.getProperty(WAREHOUSE_PROPERTY, "");
    assertThat(wh)
        .as("-D%s must name the warehouse directory the Trino catalog reads", WAREHOUSE_PROPERTY)
        .isNotBlank();
    warehousePath = Path.of(wh).toAbsolutePath();
    assertThat(Files.exists(warehousePath))
        .as("%s must not exist yet: this test builds the warehouse there", warehousePath)
        .isFalse();

    // The bundled real samples (Lean IBM, Tardis BTCUSDT) through every job, as the demo does...
    cli = new Cli(warehousePath);
    cli.ok("demo", "--warehouse", warehousePath.toString());
    // ...plus a day of trades with nanosecond event times, a rejected print and an unparseable
    // line, so that ts_event_ns, microseconds and ops.quarantine have values to compare, and each
    // table gets further snapshots for time travel.
    extra = ExtraTrades.write(dir.resolve("extra"));
    cli.ok(
        "ingest",
        "--vendor",
        "csv",
        "--mapping",
        extra.mapping().toString(),
        extra.data().toString());
    cli.ok("compact");
    cli.ok("bars");
    cli.ok("quality");

    warehouse = Warehouse.open(WarehouseConfig.embedded(warehousePath));
    trino = connect(url, System.getProperty(CATALOG_PROPERTY, "ticklake"));
  }

  @AfterAll
  static void close() throws SQLException {
    if (trino != null) {
      trino.close();
    }
    if (warehouse != null) {
      warehouse.close();
    }
  }

  static Connection connect(String url, String catalog) throws SQLException {
    boolean driver = DriverManager.drivers().anyMatch(d -> acceptsQuietly(d, url));
    assertThat(driver)
        .as(
            "Cannot find a JDBC driver for %s: run with -Pinterop, which adds io.trino:trino-jdbc",
            url)
        .isTrue();
    Properties props = new Properties();
    props.setProperty("user", "ticklake");
    Connection c = DriverManager.getConnection(url, props);
    c.setCatalog(catalog);
    return c;
  }

  static boolean acceptsQuietly(java.sql.Driver d, String url) {
    try {
      return d.acceptsURL(url);
    } catch (SQLException e) {
      return false;
    }
  }

  @Test
  void trinoListsEveryTableWithTheTypesOfItsContract() throws Exception {
    List<String> trinoTables =
        trinoRows(
                "SELECT table_schema || '.' || table_name AS t FROM information_schema.tables"
                    + " WHERE table_schema NOT IN ('information_schema', 'system') ORDER BY 1")
            .stream()
            .map(r -> r.get("t"))
            .toList();
    assertThat(trinoTables).isEqualTo(tables()).contains("silver.trades", "ref.dim_symbol");

    for (String name : tables()) {
      Map<String, String> expected = new LinkedHashMap<>();
      for (NestedField f : schema(name).columns()) {
        expected.put(f.name(), trinoType(f.type()));
      }
      String[] parts = name.split("\\.");
      Map<String, String> seen = new LinkedHashMap<>();
      for (Map<String, String> r :
          trinoRows(
              "SELECT column_name, data_type FROM information_schema.columns"
                  + " WHERE table_schema = '"
                  + parts[0]
                  + "' AND table_name = '"
                  + parts[1]
                  + "' ORDER BY ordinal_position")) {
        seen.put(r.get("column_name"), r.get("data_type"));
      }
      assertThat(seen).as("columns of %s in Trino", name).containsExactlyEntriesOf(expected);
    }
  }

  @Test
  void everyTableReadsTheSameInTrinoAsInDuckDb() throws Exception {
    Map<String, JsonNode> listed = new TreeMap<>();
    for (JsonNode t : cliJson("tables", "--format", "json")) {
      listed.put(t.get("table").asText(), t);
    }
    assertThat(listed.keySet()).containsExactlyElementsOf(tables());
    for (String name : tables()) {
      Map<String, String> trinoFigures = figures(Engine.TRINO, name, "");
      Map<String, String> duckFigures = figures(Engine.DUCKDB, name, null);
      System.out.printf(Locale.ROOT, "%s: %s%n", name, trinoFigures);
      assertThat(trinoFigures).as("Trino's figures of %s", name).isEqualTo(duckFigures);
      assertThat(trinoFigures.get("count(*)"))
          .as("rows of %s ('ticklake tables')", name)
          .isEqualTo(listed.get(name).get("rows").asText());
    }
    // The comparison saw real values: rows in every tier, quarantined rows, nanosecond times.
    assertThat(figures(Engine.TRINO, "ops.quarantine", "").get("count(*)")).isNotEqualTo("0");
    assertThat(figures(Engine.TRINO, "silver.trades", "").get("count(ts_event_ns)"))
        .isEqualTo(Integer.toString(extra.rows()));
  }

  @Test
  void nanosecondAndMicrosecondTimesArriveExactly() throws Exception {
    Map<String, String> seen =
        trinoRow(
            "SELECT CAST(count(*) AS varchar) AS n,"
                + " CAST(count(ts_event_ns) AS varchar) AS with_ns,"
                // microsecond digits below the millisecond: the precision is not cut to ms
                + " CAST(count_if(substr(to_iso8601(ts_event), 24, 3) <> '000') AS varchar)"
                + " AS sub_ms,"
                // ts_event is ts_event_ns cut to the microsecond, in Trino's own arithmetic
                + " CAST(count_if(substr(to_iso8601(from_unixtime_nanos(ts_event_ns)), 1, 26)"
                + " <> substr(to_iso8601(ts_event), 1, 26)) AS varchar) AS differ,"
                + " to_iso8601(min(from_unixtime_nanos(ts_event_ns))) AS first_ns,"
                + " typeof(min(ts_event)) AS ts_type, typeof(min(ts_event_ns)) AS ns_type"
                + " FROM silver.trades WHERE vendor = 'csv:"
                + VENDOR
                + "'");
    assertThat(seen.get("n")).isEqualTo(Integer.toString(extra.rows()));
    assertThat(seen.get("with_ns")).isEqualTo(seen.get("n"));
    assertThat(Integer.parseInt(seen.get("sub_ms"))).isPositive();
    assertThat(seen.get("differ")).isEqualTo("0");
    assertThat(seen.get("first_ns")).isEqualTo(extra.firstEventTime());
    assertThat(seen.get("ts_type")).isEqualTo("timestamp(6) with time zone");
    assertThat(seen.get("ns_type")).isEqualTo("bigint");
  }

  @Test
  void eventIdIsAUuidThatFindsItsRow() throws Exception {
    for (String name : List.of("silver.trades", "silver.quotes")) {
      Map<String, String> duck =
          duckRow(
              "SELECT CAST(event_id AS VARCHAR) AS id, CAST(ts_event_ns AS VARCHAR) AS ns,"
                  + " strftime(ts_event AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ') AS ts,"
                  + " symbol FROM "
                  + name
                  + " ORDER BY event_id DESC LIMIT 1",
              null);
      Map<String, String> t =
          trinoRow(
              "SELECT CAST(event_id AS varchar) AS id, CAST(ts_event_ns AS varchar) AS ns,"
                  + " to_iso8601(ts_event) AS ts, symbol FROM "
                  + name
                  + " WHERE event_id = UUID '"
                  + duck.get("id")
                  + "'");
      assertThat(t).as("%s row of event_id %s", name, duck.get("id")).isEqualTo(duck);
      Map<String, String> distinct =
          trinoRow(
              "SELECT CAST(count(*) AS varchar) AS n, CAST(count(DISTINCT event_id) AS varchar)"
                  + " AS ids, typeof(min(event_id)) AS type FROM "
                  + name);
      assertThat(distinct.get("ids")).isEqualTo(distinct.get("n"));
      assertThat(distinct.get("type")).isEqualTo("uuid");
    }
  }

  @Test
  void aQueryOnOnePartitionReadsOnlyItsFiles() throws Exception {
    for (String name : List.of("silver.trades", "gold.bars")) {
      Map<String, String> part =
          trinoRow(
              "SELECT CAST(count(*) AS varchar) AS files, CAST(sum(record_count) AS varchar)"
                  + " AS rows FROM "
                  + metadataTable(name, "files")
                  + " WHERE partition.exchange = 'us-equity'"
                  + " AND partition.trading_date = DATE '2013-10-11'");
      Map<String, String> all =
          trinoRow(
              "SELECT CAST(count(*) AS varchar) AS files FROM " + metadataTable(name, "files"));
      String where = " WHERE exchange = 'us-equity' AND trading_date = DATE '2013-10-11'";
      // max(symbol) makes the scan read the files: count(*) alone is answered from manifests
      String plan =
          trinoRows("EXPLAIN ANALYZE SELECT count(*), max(symbol) FROM " + name + where).stream()
              .map(r -> r.values().iterator().next())
              .reduce("", String::concat);
      Matcher scan =
          Pattern.compile(
                  "Input: (\\d+) rows \\([^)]*\\), Physical input: [^,]*,[^,]*, Splits: (\\d+)")
              .matcher(plan);
      assertThat(scan.find()).as("the table scan's line in:%n%s", plan).isTrue();
      String duckRows =
          duckRow("SELECT CAST(count(*) AS VARCHAR) AS n FROM " + name + where, null).get("n");
      System.out.printf(
          Locale.ROOT,
          "%s us-equity/2013-10-11: Trino scanned %s rows in %s splits; partition %s, all %s files%n",
          name,
          scan.group(1),
          scan.group(2),
          part,
          all.get("files"));
      assertThat(scan.group(1)).as("rows %s's scan read", name).isEqualTo(duckRows);
      assertThat(scan.group(1)).isEqualTo(part.get("rows"));
      assertThat(scan.group(2)).as("splits of %s's scan", name).isEqualTo(part.get("files"));
      assertThat(Integer.parseInt(part.get("files")))
          .as("files of the partition against all of %s", name)
          .isLessThan(Integer.parseInt(all.get("files")));
    }
  }

  @Test
  void timeTravelReadsEverySnapshotAsTicklakeDoes() throws Exception {
    for (String name : List.of("silver.trades", "gold.bars", "ops.quarantine")) {
      JsonNode snapshots = cliJson("snapshots", name, "--format", "json");
      assertThat(snapshots.size()).as("snapshots of %s", name).isGreaterThanOrEqualTo(2);
      Set<String> distinctFingerprints = new HashSet<>();
      for (JsonNode s : snapshots) {
        String id = s.get("snapshot_id").asText();
        String at = s.get("committed_at").asText();
        String trinoAt = TRINO_TIMESTAMP.format(Instant.parse(at)) + " UTC";

        Map<String, String> duck = figures(Engine.DUCKDB, name, id);
        assertThat(figures(Engine.TRINO, name, " FOR VERSION AS OF " + id))
            .as("%s FOR VERSION AS OF %s", name, id)
            .isEqualTo(duck);
        assertThat(figures(Engine.TRINO, name, " FOR TIMESTAMP AS OF TIMESTAMP '" + trinoAt + "'"))
            .as("%s FOR TIMESTAMP AS OF %s", name, trinoAt)
            .isEqualTo(figures(Engine.DUCKDB, name, at));
        distinctFingerprints.add(duck.get("count(*)") + "/" + duck.get("rows"));
      }
      System.out.printf(
          Locale.ROOT,
          "%s: %d snapshots read alike by version and by time%n",
          name,
          snapshots.size());
      assertThat(distinctFingerprints)
          .as("%s's snapshots differ in content (else time travel is not tested)", name)
          .hasSizeGreaterThan(1);

      // Before the first commit: ticklake reads an empty table, Trino refuses.
      Instant first = Instant.parse(snapshots.get(0).get("committed_at").asText());
      String before = TRINO_TIMESTAMP.format(first.minusMillis(1)) + " UTC";
      assertThat(
              duckRow(
                      "SELECT CAST(count(*) AS VARCHAR) AS n FROM " + name,
                      first.minusMillis(1).toString())
                  .get("n"))
          .isEqualTo("0");
      assertThatThrownBy(
              () ->
                  trinoRows(
                      "SELECT count(*) FROM "
                          + name
                          + " FOR TIMESTAMP AS OF TIMESTAMP '"
                          + before
                          + "'"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("No version history table " + name + " at or before");
    }
  }

  @Test
  void snapshotsAndFilesMetadataTablesMatchTicklakeAndIceberg() throws Exception {
    for (String name : tables()) {
      List<Map<String, String>> expected = new ArrayList<>();
      for (JsonNode s : cliJson("snapshots", name, "--format", "json")) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("snapshot_id", s.get("snapshot_id").asText());
        row.put("parent_id", s.get("parent_id").isNull() ? null : s.get("parent_id").asText());
        row.put("committed_at", s.get("committed_at").asText());
        row.put("operation", s.get("operation").asText());
        row.put("total_records", s.get("summary").get("total-records").asText());
        row.put("digest", text(s.get("summary").get("ticklake.digest")));
        expected.add(row);
      }
      List<Map<String, String>> seen =
          trinoRows(
              "SELECT CAST(snapshot_id AS varchar) AS snapshot_id,"
                  + " CAST(parent_id AS varchar) AS parent_id,"
                  + " to_iso8601(committed_at) AS committed_at, operation,"
                  + " summary['total-records'] AS total_records,"
                  + " element_at(summary, 'ticklake.digest') AS digest FROM "
                  + metadataTable(name, "snapshots")
                  + " ORDER BY committed_at, snapshot_id");
      assertThat(seen).as("%s$snapshots", name).isEqualTo(expected);

      Set<String> icebergFiles = new HashSet<>();
      long icebergRows = 0;
      Table table = warehouse.table(name);
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          icebergFiles.add(task.file().location());
          icebergRows += task.file().recordCount();
        }
      }
      Set<String> trinoFiles = new HashSet<>();
      long trinoRows = 0;
      for (Map<String, String> f :
          trinoRows(
              "SELECT file_path, CAST(record_count AS varchar) AS n FROM "
                  + metadataTable(name, "files"))) {
        trinoFiles.add(f.get("file_path"));
        trinoRows += Long.parseLong(f.get("n"));
      }
      assertThat(trinoFiles).as("%s$files", name).isEqualTo(icebergFiles);
      assertThat(trinoRows).as("%s$files record counts", name).isEqualTo(icebergRows);
    }
  }

  @Test
  void theCatalogIsReadOnly() {
    // ticklake owns every commit (and refuses row-level deletes): the documented catalog says so
    assertThatThrownBy(() -> trinoRows("DELETE FROM ops.quarantine"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("Access Denied: Cannot delete from table ops.quarantine");
    assertThatThrownBy(() -> trinoRows("INSERT INTO ref.exchange (exchange_id) VALUES ('x')"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("Access Denied: Cannot insert into table ref.exchange");
  }

  // ---------------------------------------------------------------------------------------------

  /** The two engines' spellings of the same canonical values. */
  enum Engine {
    TRINO,
    DUCKDB;

    String varchar() {
      return this == TRINO ? "varchar" : "VARCHAR";
    }

    /** A timestamptz as ISO-8601 UTC text with all six fraction digits. */
    String iso(String expr) {
      return this == TRINO
          ? "to_iso8601(" + expr + ")"
          : "strftime(" + expr + " AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ')";
    }

    /** The first 60 bits of the text's MD5 as a number. */
    String md5Bits(String text) {
      return this == TRINO
          ? "from_base(substr(to_hex(md5(to_utf8(" + text + "))), 1, 15), 16)"
          : "CAST('0x' || substr(md5(" + text + "), 1, 15) AS BIGINT)";
    }
  }

  /**
   * One row of figures of a table, computed by one engine: rows, per column its non-null count and
   * (by type) sum, extremes, distinct or true count, and the sum of a hash of every row's full
   * canonical text. {@code version} is Trino's {@code FOR ...} clause, or DuckDB's {@code --as-of}
   * (null for the current snapshot).
   */
  static Map<String, String> figures(Engine e, String table, String version) throws Exception {
    List<String> names = new ArrayList<>();
    List<String> exprs = new ArrayList<>();
    List<String> rowText = new ArrayList<>();
    names.add("count(*)");
    exprs.add("count(*)");
    for (NestedField f : schema(table).columns()) {
      String c = "\"" + f.name() + "\"";
      Type.TypeID id = f.type().typeId();
      String text =
          id == Type.TypeID.TIMESTAMP ? e.iso(c) : "CAST(" + c + " AS " + e.varchar() + ")";
      rowText.add("coalesce(" + text + ", '\\N')");
      names.add("count(" + f.name() + ")");
      exprs.add("count(" + c + ")");
      switch (id) {
        case INTEGER, LONG -> {
          names.add("sum(" + f.name() + ")");
          exprs.add("sum(CAST(" + c + " AS DECIMAL(38, 0)))");
          addMinMax(names, exprs, f.name(), c);
        }
        case DECIMAL -> {
          names.add("sum(" + f.name() + ")");
          exprs.add("sum(" + c + ")");
          addMinMax(names, exprs, f.name(), c);
        }
        case TIMESTAMP -> {
          if (!((Types.TimestampType) f.type()).shouldAdjustToUTC()) {
            throw new AssertionError("Cannot compare " + table + "." + f.name() + ": no zone");
          }
          names.add("min(" + f.name() + ")");
          exprs.add(e.iso("min(" + c + ")"));
          names.add("max(" + f.name() + ")");
          exprs.add(e.iso("max(" + c + ")"));
        }
        case STRING, DATE -> addMinMax(names, exprs, f.name(), c);
        case UUID -> {
          names.add("distinct(" + f.name() + ")");
          exprs.add("count(DISTINCT " + c + ")");
          addMinMax(names, exprs, f.name(), "CAST(" + c + " AS " + e.varchar() + ")");
        }
        case BOOLEAN -> {
          // not count_if: DuckDB's is NULL over a column of NULLs, Trino's 0
          names.add("true(" + f.name() + ")");
          exprs.add("count(CASE WHEN " + c + " THEN 1 END)");
        }
        default ->
            throw new AssertionError(
                "Cannot compare " + table + "." + f.name() + ": no canonical form of " + f.type());
      }
    }
    names.add("rows");
    exprs.add(
        "sum(CAST("
            + e.md5Bits("concat_ws(chr(31), " + String.join(", ", rowText) + ")")
            + " AS DECIMAL(38, 0)))");

    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < exprs.size(); i++) {
      sql.append(i == 0 ? "" : ", ")
          .append("CAST(")
          .append(exprs.get(i))
          .append(" AS ")
          .append(e.varchar())
          .append(") AS f")
          .append(i);
    }
    sql.append(" FROM ").append(table);
    Map<String, String> row =
        e == Engine.TRINO
            ? trinoRow(sql.append(version).toString())
            : duckRow(sql.toString(), version);
    Map<String, String> named = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      named.put(names.get(i), row.get("f" + i));
    }
    return named;
  }

  static void addMinMax(List<String> names, List<String> exprs, String name, String expr) {
    names.add("min(" + name + ")");
    exprs.add("min(" + expr + ")");
    names.add("max(" + name + ")");
    exprs.add("max(" + expr + ")");
  }

  /** Trino's name of the type its Iceberg connector gives an Iceberg type. */
  static String trinoType(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> "boolean";
      case INTEGER -> "integer";
      case LONG -> "bigint";
      case FLOAT -> "real";
      case DOUBLE -> "double";
      case DATE -> "date";
      case STRING -> "varchar";
      case UUID -> "uuid";
      case BINARY, FIXED -> "varbinary";
      case DECIMAL -> {
        Types.DecimalType d = (Types.DecimalType) type;
        yield "decimal(" + d.precision() + "," + d.scale() + ")";
      }
      case TIMESTAMP ->
          ((Types.TimestampType) type).shouldAdjustToUTC()
              ? "timestamp(6) with time zone"
              : "timestamp(6)";
      default -> throw new AssertionError("Cannot map " + type + " to a Trino type");
    };
  }

  /** Every table of the warehouse, {@code namespace.table}, sorted. */
  static List<String> tables() {
    SupportsNamespaces namespaces = (SupportsNamespaces) warehouse.catalog();
    List<String> names = new ArrayList<>();
    for (Namespace ns : namespaces.listNamespaces()) {
      for (TableIdentifier id : warehouse.catalog().listTables(ns)) {
        names.add(id.toString());
      }
    }
    return names.stream().sorted().toList();
  }

  static Schema schema(String table) {
    return warehouse.table(table).schema();
  }

  /** Trino's {@code "table$kind"} metadata table of {@code namespace.table}. */
  static String metadataTable(String table, String kind) {
    String[] parts = table.split("\\.");
    return parts[0] + ".\"" + parts[1] + "$" + kind + "\"";
  }

  static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  /** The rows of a Trino query, each column's value as text (null for SQL NULL). */
  static List<Map<String, String>> trinoRows(String sql) throws SQLException {
    List<Map<String, String>> rows = new ArrayList<>();
    try (Statement s = trino.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i), rs.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  static Map<String, String> trinoRow(String sql) throws SQLException {
    List<Map<String, String>> rows = trinoRows(sql);
    assertThat(rows).as("rows of %s", sql).hasSize(1);
    return rows.get(0);
  }

  /** The one row of a query run by {@code ticklake sql} (DuckDB), at {@code asOf} when given. */
  static Map<String, String> duckRow(String sql, String asOf) throws IOException {
    List<String> args = new ArrayList<>(List.of("sql", "--format", "json", "-c", sql));
    if (asOf != null) {
      args.addAll(List.of("--as-of", asOf));
    }
    JsonNode rows = JSON.readTree(cli.ok(args.toArray(String[]::new)).out());
    assertThat(rows.size()).as("rows of %s", sql).isEqualTo(1);
    Map<String, String> row = new LinkedHashMap<>();
    rows.get(0).properties().forEach(f -> row.put(f.getKey(), text(f.getValue())));
    return row;
  }

  static JsonNode cliJson(String... args) throws IOException {
    return JSON.readTree(cli.ok(args).out());
  }

  /**
   * A generated vendor file of BTCUSDT trades on 2020-02-23 with nanosecond event times (every
   * fraction digit set), nine- and eight-decimal prices and sizes, one print at price 0 (rejected
   * by {@code price_positive}) and one unparseable line.
   *
   * @param rows the rows that reach Silver
   * @param firstEventTime the earliest event time, ISO-8601 with nine fraction digits
   */
  record ExtraTrades(Path data, Path mapping, int rows, String firstEventTime) {
    static ExtraTrades write(Path dir) throws IOException {
      Files.createDirectories(dir);
      long t0 = 1_582_416_000_123_456_789L; // 2020-02-23T00:00:00.123456789Z
      int n = 2000;
      StringBuilder csv = new StringBuilder("ts_ns;recv_ns;px;qty;side;id\n");
      for (int i = 0; i < n; i++) {
        long ts = t0 + i * 1_234_567_891L;
        BigDecimal price = new BigDecimal("9600.000000001").add(BigDecimal.valueOf(i * 7919L, 9));
        BigDecimal size = BigDecimal.valueOf(i % 97 + 1, 3).add(BigDecimal.valueOf(i, 8));
        csv.append(ts)
            .append(';')
            .append(ts + 3_000_000_999L)
            .append(';')
            .append(price.toPlainString())
            .append(';')
            .append(size.toPlainString())
            .append(';')
            .append(i % 2 == 0 ? "buy" : "sell")
            .append(";interop-")
            .append(i)
            .append('\n');
      }
      csv.append(t0 + 5).append(';').append(t0 + 9).append(";0;1;buy;interop-zero\n");
      csv.append(t0 + 7).append(';').append(t0 + 9).append(";abc;1;buy;interop-bad\n");
      Path data = dir.resolve("btcusdt-20200223.csv");
      Files.writeString(data, csv, StandardCharsets.UTF_8);
      Path mapping = dir.resolve(VENDOR + ".json");
      Files.writeString(
          mapping,
          String.join(
              "\n",
              "{",
              "  \"name\": \"" + VENDOR + "\",",
              "  \"format\": \"csv\",",
              "  \"data_type\": \"trades\",",
              "  \"delimiter\": \";\",",
              "  \"fields\": {",
              "    \"symbol\": {\"value\": \"BTCUSDT\"},",
              "    \"exchange\": {\"value\": \"binance-futures\"},",
              "    \"ts_event\": {\"column\": \"ts_ns\", \"unit\": \"ns\"},",
              "    \"ts_recv\": {\"column\": \"recv_ns\", \"unit\": \"ns\"},",
              "    \"price\": \"px\",",
              "    \"size\": \"qty\",",
              "    \"side\": \"side\",",
              "    \"vendor_trade_id\": \"id\"",
              "  }",
              "}"),
          StandardCharsets.UTF_8);
      Instant first = Instant.ofEpochSecond(t0 / 1_000_000_000L, t0 % 1_000_000_000L);
      String iso =
          DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'", Locale.ROOT)
              .withZone(ZoneOffset.UTC)
              .format(first);
      return new ExtraTrades(data, mapping, n, iso);
    }
  }
}
