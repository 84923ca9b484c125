package io.ticklake.catalog.write;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.parquet.ParquetUtil;

/**
 * Registers Parquet files written outside Iceberg's writers (by DuckDB's {@code COPY … (FIELD_IDS
 * …)}) as Iceberg data files: size, the table's column metrics read from the file footer, partition
 * values and sort order.
 */
public final class ParquetDataFiles {
  private ParquetDataFiles() {}

  /**
   * A data file entry for a Parquet file already written at {@code location}.
   *
   * @param table the table the file is added to; its current spec and sort order are used
   * @param partitionValues the partition values in spec order, as their partition-path text (e.g.
   *     {@code us-equity}, {@code 2013-10-11})
   * @param location the file's location as the table's FileIO understands it
   */
  public static DataFile of(Table table, List<String> partitionValues, String location) {
    requireNonNull(table, "table is null");
    requireNonNull(partitionValues, "partitionValues is null");
    requireNonNull(location, "location is null");
    InputFile in = table.io().newInputFile(location);
    return DataFiles.builder(table.spec())
        .withPath(location)
        .withFormat(FileFormat.PARQUET)
        .withPartitionValues(partitionValues)
        .withFileSizeInBytes(in.getLength())
        .withMetrics(ParquetUtil.fileMetrics(in, MetricsConfig.forTable(table)))
        .withSortOrder(table.sortOrder())
        .build();
  }
}
