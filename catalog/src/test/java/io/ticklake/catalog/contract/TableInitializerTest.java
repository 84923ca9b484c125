package io.ticklake.catalog.contract;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.snapshot.SnapshotResolver;
import io.ticklake.catalog.write.PartitionedRecordWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableInitializerTest {
  @TempDir Path dir;
  Warehouse warehouse;

  @BeforeEach
  void open() {
    warehouse = Warehouse.open(WarehouseConfig.embedded(dir));
  }

  @AfterEach
  void close() {
    warehouse.close();
  }

  @Test
  void createsEveryContractTableWithItsShape() {
    TableInitializer.Plan plan = TableInitializer.forAllTables(warehouse.catalog()).commit();
    assertThat(plan.namespacesToCreate())
        .extracting(Namespace::toString)
        .containsExactlyInAnyOrder("bronze", "silver", "gold", "ref", "ops");
    assertThat(plan.tables()).allMatch(t -> t.action() == TableInitializer.Action.CREATE);

    for (TableContract contract : TableContracts.all()) {
      Table table = warehouse.catalog().loadTable(contract.id());
      assertThat(table.schema().sameSchema(contract.schema()))
          .as("schema of %s", contract.name())
          .isTrue();
      // field ids are kept exactly as declared
      assertThat(table.schema().columns())
          .extracting(Types.NestedField::fieldId)
          .containsExactlyElementsOf(
              contract.schema().columns().stream().map(Types.NestedField::fieldId).toList());
      assertThat(TableInitializer.specDescription(table.spec(), table.schema()))
          .isEqualTo(TableInitializer.specDescription(contract.spec(), contract.schema()));
      assertThat(table.properties())
          .containsEntry(TableProperties.PARQUET_COMPRESSION, "zstd")
          .containsEntry(
              TableProperties.PARQUET_COMPRESSION_LEVEL,
              contract.tier() == Tier.BRONZE ? "1" : "3");
      assertThat(((HasTableOperations) table).operations().current().formatVersion()).isEqualTo(2);
      assertThat(table.currentSnapshot()).isNull();
    }
    Table silver = warehouse.catalog().loadTable(TableContracts.SILVER_TRADES.id());
    assertThat(TableInitializer.sortOrderDescription(silver.sortOrder(), silver.schema()))
        .startsWith("identity(symbol) ASC NULLS FIRST, identity(ts_event) ASC NULLS FIRST");
    assertThat(silver.schema().findField("price").type()).isEqualTo(Types.DecimalType.of(18, 9));
    assertThat(silver.schema().findField("ts_event").type())
        .isEqualTo(Types.TimestampType.withZone());
  }

  @Test
  void secondRunChangesNothing() throws IOException {
    TableInitializer.forAllTables(warehouse.catalog()).commit();
    Map<String, String> locations = metadataLocations();
    List<Path> filesBefore = allFiles();

    TableInitializer.Plan again = TableInitializer.forAllTables(warehouse.catalog()).plan();
    assertThat(again.isNoop()).isTrue();
    TableInitializer.forAllTables(warehouse.catalog()).commit(again);

    assertThat(metadataLocations()).isEqualTo(locations);
    assertThat(allFiles()).isEqualTo(filesBefore);
  }

  private static final TableIdentifier EVOLVING = TableIdentifier.of("bronze", "evolving");

  private static TableContract evolvingContract(Schema schema) {
    return new TableContract(
        EVOLVING,
        Tier.BRONZE,
        "test",
        schema,
        PartitionSpec.builderFor(schema).identity("trading_date").build(),
        SortOrder.unsorted(),
        Map.of(TableProperties.FORMAT_VERSION, "2"));
  }

  private static final Schema V1 =
      new Schema(
          required(1, "trading_date", Types.DateType.get()),
          required(2, "symbol", Types.StringType.get()),
          optional(3, "size", Types.IntegerType.get()));

  @Test
  void addedOptionalColumnEvolvesTableWithoutRewritingData() {
    new TableInitializer(warehouse.catalog(), List.of(evolvingContract(V1))).commit();
    Table table = warehouse.catalog().loadTable(EVOLVING);
    GenericRecord r = GenericRecord.create(V1);
    r.setField("trading_date", LocalDate.of(2013, 10, 7));
    r.setField("symbol", "IBM");
    r.setField("size", 100);
    List<DataFile> files;
    try (PartitionedRecordWriter w = new PartitionedRecordWriter(table)) {
      w.write(r);
      files = w.complete();
    }
    var append = table.newAppend();
    files.forEach(append::appendFile);
    append.commit();
    table.refresh();
    long snapshotBefore = table.currentSnapshot().snapshotId();

    Schema v2 =
        new Schema(
            required(1, "trading_date", Types.DateType.get()),
            required(2, "symbol", Types.StringType.get()),
            optional(3, "size", Types.LongType.get()),
            optional(4, "venue", Types.StringType.get(), "Venue letter"));
    TableInitializer init =
        new TableInitializer(warehouse.catalog(), List.of(evolvingContract(v2)));
    TableInitializer.Plan plan = init.plan();
    assertThat(plan.tables().get(0).action()).isEqualTo(TableInitializer.Action.EVOLVE);
    assertThat(plan.tables().get(0).changes())
        .containsExactly("widen column size from int to long", "add column venue string");
    init.commit(plan);

    table.refresh();
    assertThat(table.schema().findField("venue").fieldId()).isEqualTo(4);
    assertThat(table.schema().findField("size").type()).isEqualTo(Types.LongType.get());
    // no data rewrite: same snapshot, same single data file
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshotBefore);
    assertThat(table.currentSnapshot().addedDataFiles(table.io()))
        .extracting(DataFile::location)
        .containsExactly(files.get(0).location());
    // and a second run is a no-op
    assertThat(init.plan().isNoop()).isTrue();
  }

  @Test
  void conflictingSchemaIsAClearErrorAndChangesNothing() {
    new TableInitializer(warehouse.catalog(), List.of(evolvingContract(V1))).commit();
    String location = metadataLocation(EVOLVING);
    Schema conflicting =
        new Schema(
            required(1, "trading_date", Types.DateType.get()),
            required(2, "symbol", Types.LongType.get()),
            required(5, "price", Types.DecimalType.of(18, 9)));
    TableInitializer init =
        new TableInitializer(warehouse.catalog(), List.of(evolvingContract(conflicting)));
    assertThatThrownBy(init::commit)
        .isInstanceOfSatisfying(
            TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONTRACT))
        .hasMessage(
            "Cannot initialize: bronze.evolving column symbol is string but its contract says"
                + " long; bronze.evolving lacks required column price (only optional columns can"
                + " be added); bronze.evolving has column size that its contract does not define");
    assertThat(metadataLocation(EVOLVING)).isEqualTo(location);
  }

  @Test
  void differentPartitioningIsAConflict() {
    new TableInitializer(warehouse.catalog(), List.of(evolvingContract(V1))).commit();
    TableContract byDay =
        new TableContract(
            EVOLVING,
            Tier.BRONZE,
            "test",
            V1,
            PartitionSpec.builderFor(V1).identity("symbol").build(),
            SortOrder.unsorted(),
            Map.of());
    assertThatThrownBy(() -> new TableInitializer(warehouse.catalog(), List.of(byDay)).plan())
        .hasMessage(
            "Cannot initialize: bronze.evolving is partitioned by [identity(trading_date)] but"
                + " its contract says [identity(symbol)]");
  }

  private Map<String, String> metadataLocations() {
    Map<String, String> m = new java.util.TreeMap<>();
    for (TableContract c : TableContracts.all()) {
      m.put(c.name(), metadataLocation(c.id()));
    }
    return m;
  }

  private String metadataLocation(TableIdentifier id) {
    return ((HasTableOperations) warehouse.catalog().loadTable(id))
        .operations()
        .current()
        .metadataFileLocation();
  }

  private List<Path> allFiles() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("catalog.db"))
          .sorted()
          .toList();
    }
  }

  @Test
  void namespacesAreTheTiers() {
    TableInitializer.forAllTables(warehouse.catalog()).commit();
    assertThat(((SupportsNamespaces) warehouse.catalog()).listNamespaces())
        .extracting(Namespace::toString)
        .containsExactlyInAnyOrder("bronze", "silver", "gold", "ref", "ops");
  }

  @Test
  void aSilverTableWithAnOldEventIdTypeIsRecreatedOnlyWhenAskedFor() {
    TableContract silver = TableContracts.SILVER_QUOTES;
    // silver.quotes as created before 2026-11-27: event_id as a string
    Schema old =
        new Schema(
            silver.schema().columns().stream()
                .map(
                    f ->
                        f.name().equals("event_id")
                            ? required(f.fieldId(), f.name(), Types.StringType.get(), f.doc())
                            : f)
                .toList());
    ((SupportsNamespaces) warehouse.catalog()).createNamespace(Namespace.of("silver"));
    warehouse
        .catalog()
        .buildTable(silver.id(), old)
        .withPartitionSpec(silver.spec())
        .withProperties(silver.properties())
        .create();

    assertThatThrownBy(() -> TableInitializer.forAllTables(warehouse.catalog()).plan())
        .isInstanceOfSatisfying(
            TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONTRACT))
        .hasMessageContaining("silver.quotes column event_id is string but its contract says uuid")
        .hasMessageContaining("ticklake init --recreate-silver");
    assertThat(
            TableInitializer.conflicts(
                warehouse.catalog().loadTable(silver.id()), TableContracts.SILVER_QUOTES))
        .singleElement()
        .asString()
        .contains("event_id");

    TableInitializer recreating =
        TableInitializer.forAllTables(warehouse.catalog()).recreatingRegenerable();
    assertThat(recreating.plan().tables())
        .filteredOn(t -> t.contract().equals(silver))
        .singleElement()
        .extracting(TableInitializer.TablePlan::action)
        .isEqualTo(TableInitializer.Action.RECREATE);
    java.time.Instant before = java.time.Instant.now().minusMillis(1);
    recreating.commit();
    Table now = warehouse.catalog().loadTable(silver.id());
    assertThat(now.schema().sameSchema(silver.schema())).isTrue();
    assertThat(now.currentSnapshot()).isNull();
    assertThat(TableInitializer.conflicts(now, silver)).isEmpty();
    // time travel to before the drop is an error, not the empty table (it held rows then)
    assertThatThrownBy(() -> SnapshotResolver.snapshotAt(now, before))
        .isInstanceOfSatisfying(
            TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INPUT))
        .hasMessageContaining("silver.quotes")
        .hasMessageContaining("--recreate-silver");
    assertThat(SnapshotResolver.snapshotAt(now, java.time.Instant.now().plusSeconds(1))).isEmpty();
    // and the next plan, recreating or not, has nothing left to do for it
    assertThat(recreating.plan().tables())
        .filteredOn(t -> t.contract().equals(silver))
        .singleElement()
        .extracting(TableInitializer.TablePlan::action)
        .isEqualTo(TableInitializer.Action.NONE);
  }

  @Test
  void aSilverTableWithTheSortOrderOfBeforeTsEventNsIsEvolvedInPlace() {
    // silver.trades as created on 2026-11-27 (event_id already a uuid): sorted without
    // ts_event_ns, which the contract's order gained on 2026-11-28; init crashed on it with
    // "Cannot create new ReplaceSortOrder: last operation has not committed"
    TableContract silver = TableContracts.SILVER_TRADES;
    SortOrder.Builder before = SortOrder.builderFor(silver.schema());
    silver.sortOrder().fields().stream()
        .filter(f -> !silver.schema().findColumnName(f.sourceId()).equals("ts_event_ns"))
        .forEach(f -> before.asc(silver.schema().findColumnName(f.sourceId()), f.nullOrder()));
    ((SupportsNamespaces) warehouse.catalog()).createNamespace(Namespace.of("silver"));
    warehouse
        .catalog()
        .buildTable(silver.id(), silver.schema())
        .withPartitionSpec(silver.spec())
        .withSortOrder(before.build())
        .withProperties(silver.properties())
        .create();

    TableInitializer init = TableInitializer.forAllTables(warehouse.catalog());
    assertThat(init.plan().tables())
        .filteredOn(t -> t.contract().equals(silver))
        .singleElement()
        .satisfies(t -> assertThat(t.action()).isEqualTo(TableInitializer.Action.EVOLVE))
        .satisfies(t -> assertThat(t.changes()).singleElement().asString().contains("ts_event_ns"));
    init.commit();

    Table now = warehouse.catalog().loadTable(silver.id());
    assertThat(TableInitializer.sortOrderDescription(now.sortOrder(), now.schema()))
        .isEqualTo(TableInitializer.sortOrderDescription(silver.sortOrder(), silver.schema()));
    assertThat(init.plan().isNoop()).isTrue();
  }
}
