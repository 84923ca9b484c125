package io.ticklake.catalog.duckdb;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.catalog.snapshot.SnapshotResolver;
import io.ticklake.catalog.write.PartitionedRecordWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
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

class DuckDbBridgeTest {

  @Test
  void staleCopiesOfDuckDbsNativeLibraryAreSweptAndFreshOnesKept(@TempDir Path tmp)
      throws Exception {
    Instant now = Instant.parse("2026-11-28T03:00:00Z");
    Path stale = java.nio.file.Files.writeString(tmp.resolve("libduckdb_java123.so"), "x");
    Path fresh = java.nio.file.Files.writeString(tmp.resolve("libduckdb_java456.so"), "x");
    Path other = java.nio.file.Files.writeString(tmp.resolve("libsomething123.so"), "x");
    java.nio.file.Files.setLastModifiedTime(
        stale, java.nio.file.attribute.FileTime.from(now.minusSeconds(3600)));
    java.nio.file.Files.setLastModifiedTime(
        fresh, java.nio.file.attribute.FileTime.from(now.minusSeconds(10)));
    java.nio.file.Files.setLastModifiedTime(
        other, java.nio.file.attribute.FileTime.from(now.minusSeconds(3600)));

    assertThat(DuckDbBridge.sweepStaleNativeLibraries(tmp, now)).isEqualTo(1);
    assertThat(stale).doesNotExist();
    assertThat(fresh).exists(); // may be being unpacked by a starting JVM
    assertThat(other).exists();
    assertThat(DuckDbBridge.sweepStaleNativeLibraries(tmp.resolve("missing"), now)).isZero();
  }

  private static final Schema SCHEMA =
      new Schema(
          required(1, "exchange", Types.StringType.get()),
          required(2, "trading_date", Types.DateType.get()),
          required(3, "symbol", Types.StringType.get()),
          required(4, "ts_event", Types.TimestampType.withZone()),
          required(5, "price", Types.DecimalType.of(18, 9)),
          optional(6, "size", Types.LongType.get()));

  private static final TableIdentifier ID = TableIdentifier.of("bronze", "ticks");

  @TempDir Path dir;
  Warehouse warehouse;
  Table table;
  DuckDbBridge bridge;

  @BeforeEach
  void setUp() {
    warehouse = Warehouse.open(WarehouseConfig.embedded(dir));
    ((SupportsNamespaces) warehouse.catalog()).createNamespace(Namespace.of("bronze"));
    table =
        warehouse
            .catalog()
            .buildTable(ID, SCHEMA)
            .withPartitionSpec(
                PartitionSpec.builderFor(SCHEMA)
                    .identity("exchange")
                    .identity("trading_date")
                    .build())
            .withProperty("format-version", "2")
            .create();
    bridge = DuckDbBridge.open(warehouse.tempDir(), 2, null);
  }

  @AfterEach
  void tearDown() {
    bridge.close();
    warehouse.close();
  }

  private Record row(String exchange, LocalDate date, String symbol, String price, Long size) {
    GenericRecord r = GenericRecord.create(table.schema());
    r.setField("exchange", exchange);
    r.setField("trading_date", date);
    r.setField("symbol", symbol);
    r.setField("ts_event", OffsetDateTime.of(date.atTime(14, 30), ZoneOffset.UTC));
    r.setField("price", new BigDecimal(price).setScale(9));
    r.setField("size", size);
    return r;
  }

  private long append(Record... rows) {
    table.refresh();
    List<DataFile> files;
    try (PartitionedRecordWriter w = new PartitionedRecordWriter(table)) {
      for (Record r : rows) {
        w.write(r);
      }
      files = w.complete();
    }
    var append = table.newAppend();
    files.forEach(append::appendFile);
    append.commit();
    table.refresh();
    return table.currentSnapshot().snapshotId();
  }

  private List<String> query(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = bridge.connection().createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          if (i > 1) {
            sb.append('|');
          }
          Object v = rs.getObject(i);
          sb.append(v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v));
        }
        out.add(sb.toString());
      }
    }
    return out;
  }

  private void view(AsOf asOf) {
    bridge.execute("CREATE SCHEMA IF NOT EXISTS bronze");
    bridge.registerView(
        "bronze.ticks", table, SnapshotResolver.resolve(table, asOf), PartitionFilter.all());
  }

  @Test
  void readsExactDecimalsAndTimestamps() throws Exception {
    append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "181.520000001", 283L));
    view(AsOf.latest());
    assertThat(query("SELECT symbol, price, size, ts_event FROM bronze.ticks"))
        .containsExactly("IBM|181.520000001|283|2013-10-07T14:30Z");
    assertThat(query("SELECT typeof(price), typeof(ts_event) FROM bronze.ticks"))
        .containsExactly("DECIMAL(18,9)|TIMESTAMP WITH TIME ZONE");
  }

  @Test
  void asOfSnapshotIdAndTimeReturnOnlyTheFirstCommit() throws Exception {
    long first = append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "181.52", 1L));
    long firstMillis = table.snapshot(first).timestampMillis();
    Thread.sleep(5);
    long second = append(row("us-equity", LocalDate.of(2013, 10, 8), "BAC", "14.01", 2L));
    assertThat(second).isNotEqualTo(first);

    view(new AsOf.SnapshotId(first));
    assertThat(query("SELECT symbol FROM bronze.ticks")).containsExactly("IBM");

    Instant between = Instant.ofEpochMilli(firstMillis).plusMillis(1);
    assertThat(between).isBefore(Instant.ofEpochMilli(table.snapshot(second).timestampMillis()));
    view(new AsOf.Timestamp(between));
    assertThat(query("SELECT symbol FROM bronze.ticks")).containsExactly("IBM");

    view(AsOf.latest());
    assertThat(query("SELECT symbol FROM bronze.ticks ORDER BY symbol"))
        .containsExactly("BAC", "IBM");

    view(new AsOf.Timestamp(Instant.ofEpochMilli(firstMillis - 60_000)));
    assertThat(query("SELECT count(*) FROM bronze.ticks")).containsExactly("0");
  }

  /**
   * A job holds a pinned snapshot while a concurrent {@code ticklake expire} removes it from the
   * table's metadata: the snapshot's schema is still known from the snapshot itself (Iceberg's
   * {@code SnapshotUtil.schemaFor} looks the id up in the table and threw "Cannot find snapshot
   * with ID", an internal error of `compact` in the soak of 2026-11-28), so the job gets to the
   * step that reports the expiry as a conflict.
   */
  @Test
  void theSchemaOfAPinnedSnapshotIsKnownAfterItExpired() throws Exception {
    long first = append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "181.52", 1L));
    org.apache.iceberg.Snapshot pinned = table.snapshot(first);
    table.updateSchema().addColumn("venue", Types.StringType.get()).commit();
    append(row("us-equity", LocalDate.of(2013, 10, 8), "BAC", "14.01", 2L));
    table.refresh();
    table.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
    table.refresh();
    assertThat(table.snapshot(first)).isNull();
    Schema schema = SnapshotResolver.schemaAt(table, Optional.of(pinned));
    assertThat(schema.findField("venue")).isNull();
    assertThat(schema.findField("symbol")).isNotNull();
  }

  @Test
  void asOfTagIsResolved() throws Exception {
    long first = append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "181.52", 1L));
    table.manageSnapshots().createTag("eod-2013-10-07", first).commit();
    append(row("us-equity", LocalDate.of(2013, 10, 8), "BAC", "14.01", 2L));
    table.refresh();
    view(AsOf.parse("eod-2013-10-07"));
    assertThat(query("SELECT symbol FROM bronze.ticks")).containsExactly("IBM");
    assertThatThrownBy(() -> view(AsOf.parse("nope")))
        .hasMessage(
            "Cannot find tag or branch 'nope' in table bronze.ticks (it has: eod-2013-10-07, main)");
  }

  @Test
  void addedColumnReadsAsNullInOlderFiles() throws Exception {
    append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "181.52", 1L));
    table.updateSchema().addColumn("venue", Types.StringType.get()).commit();
    table.refresh();
    Record r = row("us-equity", LocalDate.of(2013, 10, 7), "BAC", "14.01", 2L);
    r.setField("venue", "P");
    append(r);
    view(AsOf.latest());
    assertThat(query("SELECT symbol, venue FROM bronze.ticks ORDER BY symbol"))
        .containsExactly("BAC|P", "IBM|null");
  }

  @Test
  void renamedColumnIsReadByFieldId() throws Exception {
    append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "181.52", 100L));
    table.updateSchema().renameColumn("size", "quantity").commit();
    // a new column that takes the old name must not pick up the old files' values
    table.updateSchema().addColumn("size", Types.StringType.get()).commit();
    table.refresh();
    view(AsOf.latest());
    assertThat(query("SELECT symbol, quantity, size FROM bronze.ticks"))
        .containsExactly("IBM|100|null");
  }

  @Test
  void asOfBeforeASchemaChangeReadsWithTheSnapshotsSchema() throws Exception {
    long first = append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "181.52", 100L));
    long firstMillis = table.snapshot(first).timestampMillis();
    Thread.sleep(5);
    table.updateSchema().renameColumn("size", "quantity").commit();
    table.updateSchema().addColumn("venue", Types.StringType.get()).commit();
    table.refresh();
    Record r = GenericRecord.create(table.schema());
    r.setField("exchange", "us-equity");
    r.setField("trading_date", LocalDate.of(2013, 10, 8));
    r.setField("symbol", "BAC");
    r.setField("ts_event", OffsetDateTime.of(2013, 10, 8, 14, 30, 0, 0, ZoneOffset.UTC));
    r.setField("price", new BigDecimal("14.010000000"));
    r.setField("quantity", 2L);
    r.setField("venue", "P");
    append(r);
    List<String> before =
        List.of(
            "exchange|VARCHAR",
            "trading_date|DATE",
            "symbol|VARCHAR",
            "ts_event|TIMESTAMP WITH TIME ZONE",
            "price|DECIMAL(18,9)",
            "size|BIGINT");
    String describe = "SELECT column_name, column_type FROM (DESCRIBE bronze.ticks)";

    // as of the first snapshot: its own columns (Iceberg's time travel), not today's
    bridge.registerAll(warehouse.catalog(), new AsOf.SnapshotId(first));
    assertThat(query(describe)).containsExactlyElementsOf(before);
    assertThat(query("SELECT * FROM bronze.ticks"))
        .containsExactly("us-equity|2013-10-07|IBM|2013-10-07T14:30Z|181.520000000|100");
    bridge.registerAll(
        warehouse.catalog(), new AsOf.Timestamp(Instant.ofEpochMilli(firstMillis).plusMillis(1)));
    assertThat(query(describe)).containsExactlyElementsOf(before);
    assertThat(query("SELECT symbol, size FROM bronze.ticks")).containsExactly("IBM|100");
    table.manageSnapshots().createTag("before-rename", first).commit();
    bridge.registerAll(warehouse.catalog(), AsOf.parse("before-rename"));
    assertThat(query(describe)).containsExactlyElementsOf(before);
    // a branch is read with the table's schema, as in Iceberg (its head moves on with the table)
    table.manageSnapshots().createBranch("audit", first).commit();
    bridge.registerAll(warehouse.catalog(), AsOf.parse("audit"));
    assertThat(query("SELECT symbol, quantity, venue FROM bronze.ticks"))
        .containsExactly("IBM|100|null");

    // the latest read has the current columns, old files read by field id
    bridge.registerAll(warehouse.catalog(), AsOf.latest());
    assertThat(query("SELECT symbol, quantity, venue FROM bronze.ticks ORDER BY symbol"))
        .containsExactly("BAC|2|P", "IBM|100|null");
  }

  @Test
  void emptyTableGivesTypedEmptyView() throws Exception {
    view(AsOf.latest());
    assertThat(query("SELECT count(*) FROM bronze.ticks")).containsExactly("0");
    assertThat(query("SELECT column_name, column_type FROM (DESCRIBE bronze.ticks)"))
        .containsExactly(
            "exchange|VARCHAR",
            "trading_date|DATE",
            "symbol|VARCHAR",
            "ts_event|TIMESTAMP WITH TIME ZONE",
            "price|DECIMAL(18,9)",
            "size|BIGINT");
  }

  @Test
  void partitionFilterPrunesFilesAndRows() throws Exception {
    append(
        row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "1", 1L),
        row("us-equity", LocalDate.of(2013, 10, 8), "IBM", "2", 1L),
        row("binance-futures", LocalDate.of(2013, 10, 7), "BTCUSDT", "3", 1L));
    PinnedScan scan =
        bridge.registerView(
            "ibm_day",
            table,
            Optional.of(table.currentSnapshot()),
            PartitionFilter.of("us-equity", LocalDate.of(2013, 10, 7)));
    assertThat(scan.dataFiles()).hasSize(1);
    assertThat(query("SELECT price FROM ibm_day")).containsExactly("1.000000000");
  }

  @Test
  void snapshotWithDeleteFilesIsRefused() {
    long id = append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "1", 1L));
    DataFile data = table.snapshot(id).addedDataFiles(table.io()).iterator().next();
    var deletes =
        FileMetadata.deleteFileBuilder(table.spec())
            .ofPositionDeletes()
            .withPath(dir.resolve("other-engine-deletes.parquet").toString())
            .withFormat(FileFormat.PARQUET)
            .withPartition(data.partition())
            .withFileSizeInBytes(100)
            .withRecordCount(1)
            .build();
    table.newRowDelta().addDeletes(deletes).commit();
    table.refresh();
    assertThatThrownBy(() -> view(AsOf.latest()))
        .isInstanceOfSatisfying(
            TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
        .hasMessageStartingWith(
            "Cannot read ticklake.bronze.ticks at snapshot "
                + table.currentSnapshot().snapshotId()
                + ": it has row-level delete files");
  }

  @Test
  void registerAllPinsEveryTableToTheSnapshotsTime() throws Exception {
    TableIdentifier other = TableIdentifier.of("bronze", "other");
    Table otherTable = warehouse.catalog().createTable(other, SCHEMA);
    long first = append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "1", 1L));
    Thread.sleep(5);
    // a commit to another table after the pinned snapshot must not be visible
    Record r = row("us-equity", LocalDate.of(2013, 10, 7), "AIG", "1", 1L);
    try (PartitionedRecordWriter w = new PartitionedRecordWriter(otherTable)) {
      w.write(r);
      var append = otherTable.newAppend();
      w.complete().forEach(append::appendFile);
      append.commit();
    }
    Map<TableIdentifier, PinnedScan> scans =
        bridge.registerAll(warehouse.catalog(), new AsOf.SnapshotId(first));
    assertThat(scans).containsKeys(ID, other);
    assertThat(query("SELECT count(*) FROM bronze.ticks")).containsExactly("1");
    assertThat(query("SELECT count(*) FROM bronze.other")).containsExactly("0");
    bridge.registerAll(warehouse.catalog(), AsOf.latest());
    assertThat(query("SELECT count(*) FROM bronze.other")).containsExactly("1");
  }

  @Test
  void registerForPlansOnlyTheTablesTheQueryReadsPinnedAsRegisterAllPinsThem() throws Exception {
    TableIdentifier other = TableIdentifier.of("bronze", "other");
    Table otherTable = warehouse.catalog().createTable(other, SCHEMA);
    long first = append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "1", 1L));
    Thread.sleep(5);
    appendTo(otherTable, row("us-equity", LocalDate.of(2013, 10, 7), "AIG", "1", 1L));
    append(row("us-equity", LocalDate.of(2013, 10, 8), "BAC", "1", 1L));

    assertThat(bridge.registerFor("select 1", warehouse.catalog(), AsOf.latest(), n -> {}))
        .isEmpty();
    String query = "select count(*) from bronze.other";
    assertThat(bridge.registerFor(query, warehouse.catalog(), AsOf.latest(), n -> {}))
        .containsOnlyKeys(other);
    assertThat(query(query)).containsExactly("1");
    // a snapshot id of a table the query does not read still pins the ones it reads
    assertThat(bridge.registerFor(query, warehouse.catalog(), new AsOf.SnapshotId(first), n -> {}))
        .containsOnlyKeys(other);
    assertThat(query(query)).containsExactly("0");
    String both = "select count(*) from bronze.ticks join bronze.other using (exchange)";
    assertThat(bridge.registerFor(both, warehouse.catalog(), AsOf.latest(), n -> {}))
        .containsOnlyKeys(ID, other);
    assertThat(query(both)).containsExactly("2");
    // what DuckDB's parse cannot tell registers every table, as registerAll does
    assertThat(bridge.registerFor("show tables", warehouse.catalog(), AsOf.latest(), n -> {}))
        .containsOnlyKeys(ID, other);
  }

  @Test
  void registerAllNeverMixesTablesFromBeforeAndAfterAConcurrentCommit() throws Exception {
    // silver.ticks is derived from bronze.ticks, committed after it (as the compactor does)
    ((SupportsNamespaces) warehouse.catalog()).createNamespace(Namespace.of("silver"));
    TableIdentifier silverId = TableIdentifier.of("silver", "ticks");
    Table silver = warehouse.catalog().createTable(silverId, SCHEMA);
    Record ibm = row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "181.52", 1L);
    append(ibm);
    appendTo(silver, ibm);
    // a bronze commit and its silver commit land while registerAll is loading the tables: after
    // it has loaded bronze.ticks and before it loads silver.ticks
    AtomicBoolean committed = new AtomicBoolean();
    Catalog catalog = warehouse.catalog();
    Catalog racing =
        (Catalog)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Catalog.class, SupportsNamespaces.class},
                (proxy, method, args) -> {
                  Object result;
                  try {
                    result = method.invoke(catalog, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                  if (method.getName().equals("loadTable")
                      && ID.equals(args[0])
                      && committed.compareAndSet(false, true)) {
                    Record bac = row("us-equity", LocalDate.of(2013, 10, 7), "BAC", "14.01", 2L);
                    append(bac);
                    appendTo(silver, bac);
                  }
                  return result;
                });

    for (AsOf asOf : List.of(AsOf.latest(), new AsOf.Timestamp(Instant.now().plusSeconds(3600)))) {
      committed.set(false);
      bridge.registerAll(racing, asOf);
      assertThat(committed).isTrue();
      // one state the lake was in: never a Silver row whose Bronze row is missing
      assertThat(query("SELECT symbol FROM silver.ticks ANTI JOIN bronze.ticks USING (symbol)"))
          .as("%s", asOf)
          .isEmpty();
      assertThat(query("SELECT count(*) FROM silver.ticks"))
          .as("%s", asOf)
          .isEqualTo(query("SELECT count(*) FROM bronze.ticks"));
    }
  }

  @Test
  void registerAllReadsEachTablesMetadataOnceWhenNothingCommits() throws Exception {
    TableIdentifier other = TableIdentifier.of("bronze", "other");
    appendTo(
        warehouse.catalog().createTable(other, SCHEMA),
        row("us-equity", LocalDate.of(2013, 10, 7), "AIG", "1", 1L));
    append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "1", 1L));
    // the second round that proves the tables did not change only asks the catalog for each
    // table's metadata file: a table's metadata (every snapshot of a long-lived lake) is read
    // and parsed once, not once per round
    List<Object> loads = new ArrayList<>();
    Catalog catalog = warehouse.catalog();
    Catalog counting =
        (Catalog)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Catalog.class, SupportsNamespaces.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("loadTable")) {
                    loads.add(args[0]);
                  }
                  try {
                    return method.invoke(catalog, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    bridge.registerAll(counting, AsOf.latest());
    assertThat(loads).containsExactly(other, ID);
    assertThat(query("SELECT count(*) FROM bronze.ticks")).containsExactly("1");
    assertThat(query("SELECT count(*) FROM bronze.other")).containsExactly("1");
  }

  private static void appendTo(Table target, Record... rows) {
    target.refresh();
    try (PartitionedRecordWriter w = new PartitionedRecordWriter(target)) {
      for (Record r : rows) {
        w.write(r);
      }
      var append = target.newAppend();
      w.complete().forEach(append::appendFile);
      append.commit();
    }
  }

  /**
   * What a commit replacing the first snapshot's files and then {@code ticklake expire} do: the
   * first snapshot's data files are deleted.
   */
  private void replaceAndExpire(long first) {
    table.refresh();
    var delete = table.newDelete();
    org.apache.iceberg.io.CloseableIterable<org.apache.iceberg.FileScanTask> tasks =
        table.newScan().useSnapshot(first).planFiles();
    List<String> files = new ArrayList<>();
    tasks.forEach(t -> files.add(t.file().location()));
    files.forEach(delete::deleteFile);
    delete.commit();
    append(row("us-equity", LocalDate.of(2013, 10, 7), "BAC", "14.01", 2L));
    table.expireSnapshots().expireOlderThan(Long.MAX_VALUE).retainLast(1).commit();
    table.refresh();
    files.forEach(f -> assertThat(Path.of(PinnedScan.localPath(f))).doesNotExist());
  }

  private List<String> lakeQuery(AsOf asOf, String sql, Runnable planned) {
    List<String> out = new ArrayList<>();
    LakeQuery.run(
        () -> DuckDbBridge.open(warehouse.tempDir(), 1, null),
        warehouse.catalog(),
        asOf,
        sql,
        n -> {},
        rs -> {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        },
        planned);
    return out;
  }

  @Test
  void aQueryWhoseFilesAnExpireDeletedAfterPlanningReadsTheLakeAgain() {
    long first = append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "181.52", 1L));
    java.util.concurrent.atomic.AtomicInteger plans =
        new java.util.concurrent.atomic.AtomicInteger();
    List<String> out =
        lakeQuery(
            AsOf.latest(),
            "SELECT symbol FROM bronze.ticks",
            () -> {
              if (plans.incrementAndGet() == 1) {
                replaceAndExpire(first);
              }
            });
    assertThat(out).containsExactly("BAC");
    assertThat(plans).hasValue(2);
  }

  @Test
  void aQueryAsOfASnapshotExpiredAfterPlanningSaysSo() {
    long first = append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "181.52", 1L));
    assertThatThrownBy(
            () ->
                lakeQuery(
                    new AsOf.SnapshotId(first),
                    "SELECT symbol FROM bronze.ticks",
                    () -> replaceAndExpire(first)))
        .isInstanceOfSatisfying(
            TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INPUT))
        .hasMessageStartingWith(
            "Cannot run query: the snapshot of bronze.ticks it reads was expired while it ran"
                + " (its data file ")
        .hasMessageEndingWith(" is gone); 'ticklake snapshots bronze.ticks' lists those left");
  }

  @Test
  void aQueryOfLatestFilesExpiredUnderEveryAttemptIsAConflict() {
    append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "181.52", 1L));
    java.util.concurrent.atomic.AtomicInteger plans =
        new java.util.concurrent.atomic.AtomicInteger();
    assertThatThrownBy(
            () ->
                lakeQuery(
                    AsOf.latest(),
                    "SELECT symbol FROM bronze.ticks",
                    () -> {
                      plans.incrementAndGet();
                      replaceAndExpire(table.currentSnapshot().snapshotId());
                    }))
        .isInstanceOfSatisfying(
            TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT))
        .hasMessageStartingWith(
            "Cannot read bronze.ticks: concurrent expires removed the files it read under each of"
                + " 5 attempts (last ");
    assertThat(plans).hasValue(LakeQuery.ATTEMPTS);
  }

  @Test
  void readsThatFailThroughTheBridgesOwnErrorsOnAnExpiredFileRunAgain() {
    // `ticklake quarantine` reads with DuckDbBridge.queryLong and friends, which wrap DuckDB's
    // error in a TicklakeException: the files decide all the same
    long first = append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "181.52", 1L));
    java.util.concurrent.atomic.AtomicInteger plans =
        new java.util.concurrent.atomic.AtomicInteger();
    long n =
        LakeQuery.read(
            () -> DuckDbBridge.open(warehouse.tempDir(), 1, null),
            AsOf.latest(),
            b -> {
              b.execute("CREATE SCHEMA IF NOT EXISTS bronze");
              table.refresh();
              return Map.of(
                  ID,
                  b.registerView(
                      "bronze.ticks",
                      table,
                      Optional.of(table.currentSnapshot()),
                      PartitionFilter.all()));
            },
            b -> b.queryLong("SELECT count(*) FROM bronze.ticks WHERE symbol = 'BAC'"),
            e -> new TicklakeException(Kind.FAILURE, e.getMessage(), e),
            () -> {
              if (plans.incrementAndGet() == 1) {
                replaceAndExpire(first);
              }
            });
    assertThat(n).isEqualTo(1);
    assertThat(plans).hasValue(2);
  }

  @Test
  void aQueryNamingAMissingFileOfItsOwnIsBadInput() {
    append(row("us-equity", LocalDate.of(2013, 10, 7), "IBM", "181.52", 1L));
    String missing = dir.resolve("nope.parquet").toString();
    java.util.concurrent.atomic.AtomicInteger plans =
        new java.util.concurrent.atomic.AtomicInteger();
    assertThatThrownBy(
            () ->
                lakeQuery(
                    AsOf.latest(),
                    "SELECT count(*) FROM bronze.ticks, read_parquet('" + missing + "')",
                    plans::incrementAndGet))
        .isInstanceOfSatisfying(
            TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INPUT))
        .hasMessageStartingWith("Cannot run query: IO Error: No files found")
        .hasMessageContaining(missing);
    assertThat(plans).hasValue(1);
  }

  @Test
  void parsesAsOfText() {
    assertThat(AsOf.parse(null)).isEqualTo(AsOf.latest());
    assertThat(AsOf.parse("123456789")).isEqualTo(new AsOf.SnapshotId(123456789L));
    assertThat(AsOf.parse("2026-11-22T10:15:30Z"))
        .isEqualTo(new AsOf.Timestamp(Instant.parse("2026-11-22T10:15:30Z")));
    assertThat(AsOf.parse("2026-11-22T11:15:30+01:00"))
        .isEqualTo(new AsOf.Timestamp(Instant.parse("2026-11-22T10:15:30Z")));
    assertThat(AsOf.parse("release-1")).isEqualTo(new AsOf.Ref("release-1"));
    assertThatThrownBy(() -> AsOf.parse("2026-11-22T10:15:30"))
        .hasMessage(
            "Cannot use as-of '2026-11-22T10:15:30': a time must be ISO-8601 with a zone, e.g."
                + " 2026-11-22T10:15:30Z or 2026-11-22T11:15:30+01:00");
  }
}
