package io.ticklake.gold.bars;

import io.ticklake.catalog.write.ParquetDataFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Registers the bar files a job wrote as Iceberg data files, with the same entry as {@link
 * ParquetDataFiles#of}, reading every footer with the table's Hadoop configuration: parquet-java's
 * default reader options build a new Hadoop {@code Configuration} per file, which parses Hadoop's
 * XML defaults again (8–15 ms a file, more than writing a 1m bar file). Tables on another FileIO go
 * through {@link ParquetDataFiles#of}. Not thread-safe.
 */
final class BarDataFiles {
  private final Table table;
  private final Configuration conf;
  private final MetricsConfig metricsConfig;

  BarDataFiles(Table table) {
    this.table = table;
    this.conf = table.io() instanceof HadoopFileIO io ? io.conf() : null;
    this.metricsConfig = MetricsConfig.forTable(table);
  }

  /** The data file entry of the Parquet file at {@code location} (see {@link ParquetDataFiles}). */
  DataFile of(List<String> partitionValues, String location) {
    if (conf == null) {
      return ParquetDataFiles.of(table, partitionValues, location);
    }
    try {
      HadoopInputFile in = HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(location), conf);
      try (ParquetFileReader reader =
          ParquetFileReader.open(in, HadoopReadOptions.builder(conf).build())) {
        return DataFiles.builder(table.spec())
            .withPath(location)
            .withFormat(FileFormat.PARQUET)
            .withPartitionValues(partitionValues)
            .withFileSizeInBytes(in.getLength())
            .withMetrics(
                ParquetUtil.footerMetrics(reader.getFooter(), Stream.empty(), metricsConfig))
            .withSortOrder(table.sortOrder())
            .build();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the footer of " + location, e);
    }
  }
}
