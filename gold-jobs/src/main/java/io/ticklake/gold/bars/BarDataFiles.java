package io.ticklake.gold.bars;

import io.ticklake.catalog.write.ParquetDataFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Table;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * Registers the bar files a job wrote (local files, as DuckDB writes them) as Iceberg data files,
 * with the same entry as {@link ParquetDataFiles#of}, reading the footers without Hadoop:
 * parquet-java's default reader options build a new Hadoop {@code Configuration} per file, which
 * parses Hadoop's XML defaults again (8–15 ms a file, more than writing a 1m bar file; here about 1
 * ms). Thread-safe.
 */
final class BarDataFiles {
  private static final ParquetReadOptions OPTIONS =
      ParquetReadOptions.builder(new PlainParquetConfiguration()).build();

  private final Table table;
  private final MetricsConfig metricsConfig;

  BarDataFiles(Table table) {
    this.table = table;
    this.metricsConfig = MetricsConfig.forTable(table);
  }

  /**
   * The data file entry of the Parquet file at {@code location}, written at {@code local}.
   *
   * @param partitionValues the partition values in spec order, as their partition-path text
   * @param location the file's location as the table's FileIO understands it
   * @param local the same file as a local path
   */
  DataFile of(List<String> partitionValues, String location, Path local) {
    LocalInputFile in = new LocalInputFile(local);
    try (ParquetFileReader reader = ParquetFileReader.open(in, OPTIONS)) {
      return DataFiles.builder(table.spec())
          .withPath(location)
          .withFormat(FileFormat.PARQUET)
          .withPartitionValues(partitionValues)
          .withFileSizeInBytes(in.getLength())
          .withMetrics(ParquetUtil.footerMetrics(reader.getFooter(), Stream.empty(), metricsConfig))
          .withSortOrder(table.sortOrder())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the footer of " + local, e);
    }
  }
}
