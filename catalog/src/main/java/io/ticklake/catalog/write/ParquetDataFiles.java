package io.ticklake.catalog.write;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * Registers Parquet files written outside Iceberg's writers (by DuckDB's {@code COPY … (FIELD_IDS
 * …)}) as Iceberg data files: size, the table's column metrics read from the file footer, partition
 * values and sort order.
 */
public final class ParquetDataFiles {
  /**
   * Reader options without Hadoop: parquet-java's defaults build a new Hadoop {@code Configuration}
   * per file, which parses Hadoop's XML defaults again (8–15 ms a file — more than DuckDB takes to
   * write a small file); these read a local footer in about 1 ms.
   */
  private static final ParquetReadOptions LOCAL_OPTIONS =
      ParquetReadOptions.builder(new PlainParquetConfiguration()).build();

  private ParquetDataFiles() {}

  /**
   * A new, unique location for a data file of {@code table}: {@code
   * <table>/data/<partitionPath>/<sourceSnapshotId>-<uuid>.parquet}. The name records the input
   * snapshot it was built from and never repeats, so a rerun or a concurrent job never writes over
   * a committed file.
   *
   * @param partitionPath the Hive-style partition folders, e.g. {@code
   *     exchange=us-equity/trading_date=2013-10-11}
   * @param sourceSnapshotId the snapshot of the input the file is built from
   */
  public static String newLocation(Table table, String partitionPath, long sourceSnapshotId) {
    requireNonNull(table, "table is null");
    requireNonNull(partitionPath, "partitionPath is null");
    return table.location()
        + "/data/"
        + partitionPath
        + "/"
        + sourceSnapshotId
        + "-"
        + UUID.randomUUID()
        + ".parquet";
  }

  /**
   * A data file entry for a Parquet file written at {@code local}, the same file the table's FileIO
   * knows as {@code location}; the footer is read from the local file without Hadoop. Equal to
   * {@link #of} for the same file. Thread-safe.
   *
   * @param table the table the file is added to; its current spec and sort order are used
   * @param partitionValues the partition values in spec order, as their partition-path text
   * @param location the file's location as the table's FileIO understands it
   * @param local the same file as a local path
   */
  public static DataFile ofLocal(
      Table table, List<String> partitionValues, String location, Path local) {
    requireNonNull(table, "table is null");
    requireNonNull(partitionValues, "partitionValues is null");
    requireNonNull(location, "location is null");
    requireNonNull(local, "local is null");
    LocalInputFile in = new LocalInputFile(local);
    try (ParquetFileReader reader = ParquetFileReader.open(in, LOCAL_OPTIONS)) {
      return DataFiles.builder(table.spec())
          .withPath(location)
          .withFormat(FileFormat.PARQUET)
          .withPartitionValues(partitionValues)
          .withFileSizeInBytes(in.getLength())
          .withMetrics(
              ParquetUtil.footerMetrics(
                  reader.getFooter(), Stream.empty(), MetricsConfig.forTable(table)))
          .withSortOrder(table.sortOrder())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the Parquet footer of " + local, e);
    }
  }

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
