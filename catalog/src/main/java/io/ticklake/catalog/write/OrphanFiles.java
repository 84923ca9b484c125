package io.ticklake.catalog.write;

import io.ticklake.catalog.duckdb.PinnedScan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Data files in a table's {@code data/} folder that no snapshot references: what a job that crashed
 * between writing files and committing them leaves behind. They are invisible to readers; this
 * lists them so an operator (or a retention job) can delete them.
 */
public final class OrphanFiles {
  private OrphanFiles() {}

  /**
   * Lists unreferenced Parquet files of a local table, sorted by path.
   *
   * @param table the table (its location must be a local path)
   * @param olderThanMillis only files last modified before this time (protects in-flight writes)
   */
  public static List<Path> list(Table table, long olderThanMillis) {
    Set<String> referenced = new HashSet<>();
    for (Snapshot s : table.snapshots()) {
      for (DataFile f : s.addedDataFiles(table.io())) {
        referenced.add(PinnedScan.localPath(f.location()));
      }
    }
    // files of the current snapshot added by snapshots that have since expired
    if (table.currentSnapshot() != null) {
      try (CloseableIterable<org.apache.iceberg.FileScanTask> tasks = table.newScan().planFiles()) {
        tasks.forEach(t -> referenced.add(PinnedScan.localPath(t.file().location())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Path data = Path.of(PinnedScan.localPath(table.location())).resolve("data");
    if (!Files.isDirectory(data)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(data)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".parquet"))
          .filter(p -> !referenced.contains(p.toString()))
          .filter(p -> lastModified(p) < olderThanMillis)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }
}
