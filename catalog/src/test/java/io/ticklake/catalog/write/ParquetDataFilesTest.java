package io.ticklake.catalog.write;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.duckdb.PinnedScan;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two ways to register a Parquet file give the same entry: through the table's FileIO (Hadoop)
 * and from the local file without Hadoop; both agree with the entry Iceberg's own writer made.
 */
class ParquetDataFilesTest {
  private static final Schema SCHEMA =
      new Schema(
          required(1, "exchange", Types.StringType.get()),
          required(2, "trading_date", Types.DateType.get()),
          required(3, "symbol", Types.StringType.get()),
          required(4, "ts_event", Types.TimestampType.withZone()),
          required(5, "price", Types.DecimalType.of(18, 9)),
          optional(6, "size", Types.LongType.get()));

  @TempDir Path dir;

  @Test
  void localAndFileIoEntriesAreEqualToTheWritersOwn() {
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir))) {
      ((SupportsNamespaces) w.catalog()).createNamespace(Namespace.of("t"));
      Table table =
          w.catalog()
              .buildTable(TableIdentifier.of("t", "ticks"), SCHEMA)
              .withPartitionSpec(
                  PartitionSpec.builderFor(SCHEMA)
                      .identity("exchange")
                      .identity("trading_date")
                      .build())
              .create();
      LocalDate day = LocalDate.of(2013, 10, 11);
      DataFile written;
      try (PartitionedRecordWriter writer = new PartitionedRecordWriter(table)) {
        for (int i = 0; i < 1000; i++) {
          GenericRecord r = GenericRecord.create(SCHEMA);
          r.setField("exchange", "us-equity");
          r.setField("trading_date", day);
          r.setField("symbol", i % 3 == 0 ? "AIG" : "IBM");
          r.setField(
              "ts_event", OffsetDateTime.of(day.atTime(14, 30), ZoneOffset.UTC).plusSeconds(i));
          r.setField("price", new BigDecimal("185.25").add(BigDecimal.valueOf(i, 4)).setScale(9));
          r.setField("size", i % 7 == 0 ? null : (long) i);
          writer.write((Record) r);
        }
        List<DataFile> files = writer.complete();
        assertThat(files).hasSize(1);
        written = files.get(0);
      }
      String location = written.location();
      List<String> values = List.of("us-equity", day.toString());
      DataFile viaIo = ParquetDataFiles.of(table, values, location);
      DataFile viaLocal =
          ParquetDataFiles.ofLocal(
              table, values, location, Path.of(PinnedScan.localPath(location)));

      for (DataFile f : List.of(viaIo, viaLocal)) {
        assertThat(f.location()).isEqualTo(location);
        assertThat(f.partition()).isEqualTo(written.partition());
        assertThat(f.recordCount()).isEqualTo(1000);
        assertThat(f.fileSizeInBytes()).isEqualTo(written.fileSizeInBytes());
        assertThat(f.valueCounts()).isEqualTo(written.valueCounts());
        assertThat(f.nullValueCounts()).isEqualTo(written.nullValueCounts()).containsEntry(6, 143L);
        assertThat(f.lowerBounds()).isEqualTo(written.lowerBounds());
        assertThat(f.upperBounds()).isEqualTo(written.upperBounds());
      }
      assertThat(viaLocal.columnSizes()).isEqualTo(viaIo.columnSizes());
      assertThat(viaLocal.sortOrderId()).isEqualTo(viaIo.sortOrderId());

      Path missing = dir.resolve("missing.parquet");
      assertThatThrownBy(() -> ParquetDataFiles.ofLocal(table, values, "x", missing))
          .hasMessageContaining("Cannot read the Parquet footer of " + missing);
    }
  }
}
