package io.ticklake.catalog.duckdb;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.catalog.write.PartitionedRecordWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code registerFor} plans only the files of the partitions a query's constant WHERE predicates
 * can match, and a query reads the same rows as over every file.
 */
class QueryPruningTest {
  private static final Schema SCHEMA =
      new Schema(
          optional(1, "exchange", Types.StringType.get()),
          required(2, "trading_date", Types.DateType.get()),
          required(3, "symbol", Types.StringType.get()),
          required(4, "price", Types.DecimalType.of(18, 9)));

  private static final TableIdentifier TICKS = TableIdentifier.of("bronze", "ticks");
  private static final TableIdentifier OTHER = TableIdentifier.of("bronze", "other");
  private static final List<String> EXCHANGES = List.of("XNYS", "XNAS", "ARCX");
  private static final LocalDate FIRST = LocalDate.of(2013, 10, 1);
  private static final int DATES = 40;

  @TempDir Path dir;
  Warehouse warehouse;
  Table ticks;
  Table other;
  DuckDbBridge bridge;

  @BeforeEach
  void setUp() {
    warehouse = Warehouse.open(WarehouseConfig.embedded(dir));
    ((SupportsNamespaces) warehouse.catalog()).createNamespace(Namespace.of("bronze"));
    PartitionSpec spec =
        PartitionSpec.builderFor(SCHEMA).identity("exchange").identity("trading_date").build();
    ticks = warehouse.catalog().buildTable(TICKS, SCHEMA).withPartitionSpec(spec).create();
    other = warehouse.catalog().buildTable(OTHER, SCHEMA).withPartitionSpec(spec).create();
    bridge = DuckDbBridge.open(warehouse.tempDir(), 1, null);
  }

  @AfterEach
  void tearDown() {
    bridge.close();
    warehouse.close();
  }

  private static Record row(Table table, String exchange, LocalDate date, String symbol, int i) {
    GenericRecord r = GenericRecord.create(table.schema());
    r.setField("exchange", exchange);
    r.setField("trading_date", date);
    r.setField("symbol", symbol);
    r.setField("price", new BigDecimal(100 + i).setScale(9));
    return r;
  }

  private static void append(Table table, List<Record> rows) {
    table.refresh();
    try (PartitionedRecordWriter w = new PartitionedRecordWriter(table)) {
      rows.forEach(w::write);
      var append = table.newAppend();
      w.complete().forEach(append::appendFile);
      append.commit();
    }
    table.refresh();
  }

  /** 3 exchanges × 40 dates, plus a NULL exchange on the first date: 121 files. */
  private void fillTicks() {
    List<Record> rows = new ArrayList<>();
    int i = 0;
    for (int d = 0; d < DATES; d++) {
      for (String ex : EXCHANGES) {
        rows.add(row(ticks, ex, FIRST.plusDays(d), "IBM", i++));
        rows.add(row(ticks, ex, FIRST.plusDays(d), "AAPL", i++));
      }
    }
    rows.add(row(ticks, null, FIRST, "IBM", i++));
    append(ticks, rows);
    append(
        other,
        List.of(
            row(other, "XNYS", FIRST, "IBM", 1),
            row(other, "XNAS", FIRST.plusDays(1), "AAPL", 2),
            row(other, null, FIRST, "IBM", 3)));
  }

  private List<String> query(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = bridge.connection().createStatement()) {
      // the last statement's result, as ticklake sql prints it
      boolean rows = s.execute(sql);
      if (!rows) {
        return out;
      }
      try (ResultSet rs = s.getResultSet()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          StringBuilder sb = new StringBuilder();
          for (int c = 1; c <= n; c++) {
            sb.append(c > 1 ? "|" : "").append(rs.getString(c));
          }
          out.add(sb.toString());
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** The partitions of the files registered for {@code table}, as {@code exchange/date}. */
  private static Set<String> partitions(Map<TableIdentifier, PinnedScan> scans, TableIdentifier t) {
    Set<String> out = new TreeSet<>();
    for (DataFile f : scans.get(t).dataFiles()) {
      out.add(
          f.partition().get(0, String.class)
              + "/"
              + LocalDate.ofEpochDay(f.partition().get(1, Integer.class)));
    }
    return out;
  }

  private record Case(String sql, int ticksFiles) {}

  @Test
  void constantPartitionPredicatesPlanOnlyTheMatchingFilesAndAnswerAsOverEveryFile()
      throws Exception {
    fillTicks();
    int all = DATES * EXCHANGES.size() + 1;
    String t = "select exchange, trading_date, symbol, price from bronze.ticks";
    List<Case> cases =
        List.of(
            // pruned
            new Case(t + " where trading_date = DATE '2013-10-07' and exchange = 'XNYS'", 1),
            new Case(t + " where DATE '2013-10-07' = trading_date and 'XNYS' = exchange", 1),
            new Case(
                t + " where EXCHANGE = 'XNYS' and bronze.ticks.Trading_Date = '2013-10-07'::date",
                1),
            new Case(t + " x where x.exchange = 'XNYS' and x.trading_date = DATE '2013-10-07'", 1),
            new Case(
                t
                    + " where exchange = 'XNYS' and trading_date = DATE '2013-10-07'"
                    + " and price > 100 and symbol = 'IBM'",
                1),
            new Case(
                t
                    + " where exchange in ('XNYS', 'ARCX') and trading_date between"
                    + " DATE '2013-10-03' and DATE '2013-10-05'",
                6),
            new Case(
                t
                    + " where trading_date >= DATE '2013-11-08' and trading_date < DATE"
                    + " '2013-11-20'",
                6),
            new Case(
                t
                    + " where trading_date > DATE '2013-11-08' and trading_date <= DATE"
                    + " '2013-11-09'",
                3),
            new Case(
                t
                    + " where (exchange = 'XNYS' and trading_date = DATE '2013-10-02')"
                    + " or (exchange = 'XNAS' and trading_date = DATE '2013-10-03')",
                2),
            new Case(t + " where exchange = 'xnys'", 0),
            // a plain ISO string literal is cast to DATE by DuckDB: the same as DATE '…'
            new Case(t + " where trading_date = '2013-10-01'", EXCHANGES.size() + 1),
            new Case(
                t + " where trading_date between '2013-10-01' and '2013-10-03'",
                3 * EXCHANGES.size() + 1),
            new Case(t + " where trading_date in ('2013-10-02', DATE '2013-10-03')", 6),
            new Case(t + " where trading_date > '2013-11-08' and exchange = 'XNAS'", 1),
            new Case(
                t
                    + " where exchange = 'XNYS' and (symbol = 'IBM' or trading_date ="
                    + " DATE '2013-10-02')",
                DATES),
            new Case("select 1; " + t + " where exchange = 'ARCX'", DATES),
            // not pruned: OR with a non-partition column, NOT, <>, NULL, IS NULL, expressions,
            // a date text not in plain ISO form (DuckDB reads it; we do not guess), subqueries,
            // CTEs
            new Case(t + " where exchange = 'XNYS' or symbol = 'IBM'", all),
            new Case(t + " where not (exchange = 'XNYS')", all),
            new Case(t + " where exchange <> 'XNYS'", all),
            new Case(t + " where exchange = NULL", all),
            new Case(t + " where exchange is null", all),
            new Case(t + " where exchange is not distinct from 'XNYS'", all),
            new Case(t + " where coalesce(exchange, 'XNYS') = 'XNYS'", all),
            new Case(t + " where lower(exchange) = 'xnys'", all),
            new Case(t + " where exchange = 'xnys' collate nocase", all),
            new Case(t + " where trading_date + 1 = DATE '2013-10-02'", all),
            new Case(t + " where trading_date = '2013-10-1'", all),
            new Case(t + " where exchange in (select exchange from bronze.other)", all),
            new Case("with x as (" + t + ") select * from x where exchange = 'XNYS'", all),
            new Case(
                "select symbol as exchange, trading_date from bronze.ticks"
                    + " where exchange = 'XNYS' and trading_date = DATE '2013-10-01'",
                4),
            new Case("select * from bronze.ticks t(a, b, c, d) where a = 'XNYS'", all),
            new Case(t + " where exchange = 'XNYS' using sample 50% (bernoulli, 7)", all),
            new Case(
                "select * from bronze.ticks tablesample 50% (bernoulli, 7)"
                    + " where exchange = 'XNYS'",
                all),
            new Case(
                "select count(*) from bronze.ticks where exchange = 'XNYS'"
                    + " union all "
                    + t.replace("exchange, trading_date, symbol, price", "count(*)"),
                all),
            // a correlated subquery: its outer column is no constant
            new Case(
                "select count(*) from bronze.other o where exists (select 1 from bronze.ticks"
                    + " where exchange = o.exchange and trading_date = DATE '2013-10-01')",
                4),
            // the table twice, each reference with its own predicates: the union of both
            new Case(
                "select a.symbol, b.symbol from bronze.ticks a join bronze.ticks b"
                    + " on a.symbol = b.symbol where a.exchange = 'XNYS' and a.trading_date ="
                    + " DATE '2013-10-02' and b.exchange = 'XNAS' and b.trading_date = DATE"
                    + " '2013-10-03'",
                2),
            new Case(
                "select count(*) from bronze.ticks where exchange = 'XNYS' and symbol in"
                    + " (select symbol from bronze.ticks where trading_date = DATE '2013-10-05')",
                DATES + EXCHANGES.size() - 1),
            new Case(
                "select a.symbol from bronze.ticks a join bronze.ticks b on a.symbol ="
                    + " b.symbol where a.exchange = 'XNYS' and a.trading_date = DATE '2013-10-02'",
                all),
            new Case(
                "select o.symbol, k.exchange from bronze.other o left join bronze.ticks k"
                    + " on k.symbol = o.symbol and k.trading_date = o.trading_date"
                    + " where k.exchange = 'XNAS'",
                DATES),
            new Case(
                "select o.symbol, k.exchange from bronze.other o full join bronze.ticks k"
                    + " on k.symbol = o.symbol where k.exchange = 'XNAS' and o.exchange = 'XNYS'",
                DATES),
            new Case(
                "select o.symbol, k.exchange from bronze.other o asof join bronze.ticks k"
                    + " on k.symbol = o.symbol and o.trading_date >= k.trading_date"
                    + " where k.exchange = 'XNAS'",
                all),
            new Case(
                "select o.symbol from bronze.other o positional join bronze.ticks k"
                    + " where k.exchange = 'XNAS'",
                all),
            new Case(
                "select o.symbol, k.exchange from bronze.other o, bronze.ticks k"
                    + " where k.exchange = 'XNAS' and k.trading_date = DATE '2013-10-02'",
                1),
            // unqualified columns of a join could belong to either side
            new Case(
                "select k.symbol from (select 'IBM' as s) o join bronze.ticks k"
                    + " on k.symbol = o.s where trading_date = DATE '2013-10-02'",
                all));

    for (Case c : cases) {
      bridge.registerAll(warehouse.catalog(), AsOf.latest());
      List<String> expected = query(c.sql());
      Map<TableIdentifier, PinnedScan> scans =
          bridge.registerFor(c.sql(), warehouse.catalog(), AsOf.latest(), n -> {});
      assertThat(scans.get(TICKS).dataFiles().size()).as(c.sql()).isEqualTo(c.ticksFiles());
      assertThat(query(c.sql())).as(c.sql()).isEqualTo(expected);
    }
  }

  @Test
  void onePartitionQueryPlansExactlyThatPartition() throws Exception {
    fillTicks();
    String sql =
        "select count(*), sum(price) from bronze.ticks"
            + " where trading_date = DATE '2013-10-07' and exchange = 'XNYS'";
    Map<TableIdentifier, PinnedScan> scans =
        bridge.registerFor(sql, warehouse.catalog(), AsOf.latest(), n -> {});
    assertThat(scans).containsOnlyKeys(TICKS);
    assertThat(partitions(scans, TICKS)).containsExactly("XNYS/2013-10-07");
    assertThat(query(sql)).containsExactly("2|273.000000000");
    // EXPLAIN [ANALYZE] plans what its SELECT does
    for (String explain : List.of("explain " + sql, "explain analyze " + sql)) {
      scans = bridge.registerFor(explain, warehouse.catalog(), AsOf.latest(), n -> {});
      assertThat(scans).as(explain).containsOnlyKeys(TICKS);
      assertThat(partitions(scans, TICKS)).as(explain).containsExactly("XNYS/2013-10-07");
      assertThat(String.join("\n", query(explain))).as(explain).contains("READ_PARQUET");
    }
  }

  @Test
  void olderSpecsAndSchemasArePrunedByFieldIdAtTheSnapshotRead() throws Exception {
    Schema v0 =
        new Schema(
            optional(1, "exchange", Types.StringType.get()),
            required(2, "day", Types.DateType.get()),
            required(3, "symbol", Types.StringType.get()),
            required(4, "price", Types.DecimalType.of(18, 9)));
    TableIdentifier id = TableIdentifier.of("bronze", "evolving");
    Table t =
        warehouse
            .catalog()
            .buildTable(id, v0)
            .withPartitionSpec(PartitionSpec.builderFor(v0).identity("exchange").build())
            .create();
    List<Record> first = new ArrayList<>();
    for (int d = 0; d < 3; d++) {
      for (String ex : List.of("XNYS", "XNAS")) {
        GenericRecord r = GenericRecord.create(t.schema());
        r.setField("exchange", ex);
        r.setField("day", FIRST.plusDays(d));
        r.setField("symbol", "IBM");
        r.setField("price", new BigDecimal(d).setScale(9));
        first.add(r);
      }
    }
    append(t, first);
    long s1 = t.currentSnapshot().snapshotId();
    // the date column is renamed and partitioned on; a new string column takes its old name
    t.updateSchema().renameColumn("day", "trading_date").commit();
    t.updateSchema().addColumn("day", Types.StringType.get()).commit();
    t.updateSpec().addField("trading_date").commit();
    t.refresh();
    List<Record> second = new ArrayList<>();
    for (int d = 3; d < 6; d++) {
      for (String ex : List.of("XNYS", "XNAS")) {
        GenericRecord r = GenericRecord.create(t.schema());
        r.setField("exchange", ex);
        r.setField("trading_date", FIRST.plusDays(d));
        r.setField("symbol", "IBM");
        r.setField("price", new BigDecimal(d).setScale(9));
        r.setField("day", FIRST.plusDays(d).toString());
        second.add(r);
      }
    }
    append(t, second);

    record AsOfCase(AsOf asOf, String sql, int files) {}
    String e = "select exchange, symbol, price, ";
    List<AsOfCase> cases =
        List.of(
            // at s1 "day" is the date column (field 2), partitioned on by the later spec only
            new AsOfCase(
                new AsOf.SnapshotId(s1),
                e + "day from bronze.evolving where day = DATE '2013-10-02' and exchange = 'XNYS'",
                1),
            // today field 2 is "trading_date": the first spec's files by exchange, then by date
            new AsOfCase(
                AsOf.latest(),
                e
                    + "day, trading_date from bronze.evolving where trading_date ="
                    + " DATE '2013-10-02'",
                2),
            new AsOfCase(
                AsOf.latest(),
                e
                    + "day, trading_date from bronze.evolving where trading_date ="
                    + " DATE '2013-10-05' and exchange = 'XNAS'",
                1), // the first spec's XNAS file is left out by its date bounds (10-01..10-03)
            // today "day" is a string column nothing is partitioned on
            new AsOfCase(
                AsOf.latest(), e + "day from bronze.evolving where day = '2013-10-05'", 8));
    for (AsOfCase c : cases) {
      bridge.registerAll(warehouse.catalog(), c.asOf());
      List<String> expected = query(c.sql());
      Map<TableIdentifier, PinnedScan> scans =
          bridge.registerFor(c.sql(), warehouse.catalog(), c.asOf(), n -> {});
      assertThat(scans.get(id).dataFiles().size()).as(c.sql()).isEqualTo(c.files());
      assertThat(query(c.sql())).as(c.sql()).isEqualTo(expected).isNotEmpty();
    }

    // a rename after the last snapshot: the view has the new name, the snapshot's schema the
    // old one, and Iceberg binds a time-travel filter by name, so the column is not pruned on
    t.updateSchema().renameColumn("trading_date", "session_date").commit();
    String renamed =
        "select exchange, price from bronze.evolving where session_date = DATE '2013-10-05'";
    bridge.registerAll(warehouse.catalog(), AsOf.latest());
    List<String> expected = query(renamed);
    assertThat(expected).containsExactly("XNAS|4.000000000", "XNYS|4.000000000");
    Map<TableIdentifier, PinnedScan> scans =
        bridge.registerFor(renamed, warehouse.catalog(), AsOf.latest(), n -> {});
    assertThat(scans.get(id).dataFiles()).hasSize(8);
    assertThat(query(renamed)).isEqualTo(expected);
  }
}
