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
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

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
    // every file live in any snapshot that is kept: a file added by a snapshot that has since
    // expired may still be live in a later kept snapshot (e.g. a Silver partition replaced after
    // the expiry horizon), and time travel to that snapshot reads it
    Set<String> referenced = new HashSet<>();
    Set<String> manifestsRead = new HashSet<>();
    for (Snapshot s : table.snapshots()) {
      for (ManifestFile m : s.dataManifests(table.io())) {
        if (manifestsRead.add(m.path())) {
          try (ManifestReader<DataFile> files = ManifestFiles.read(m, table.io(), table.specs())) {
            files.forEach(f -> referenced.add(PinnedScan.localPath(f.location())));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
      for (ManifestFile m : s.deleteManifests(table.io())) {
        if (manifestsRead.add(m.path())) {
          try (ManifestReader<DeleteFile> files =
              ManifestFiles.readDeleteManifest(m, table.io(), table.specs())) {
            files.forEach(f -> referenced.add(PinnedScan.localPath(f.location())));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
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
