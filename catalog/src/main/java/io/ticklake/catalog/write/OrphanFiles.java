package io.ticklake.catalog.write;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
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
import org.apache.iceberg.exceptions.NotFoundException;

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
   * @throws TicklakeException of kind CONFLICT when the table's snapshots keep expiring while they
   *     are read (a snapshot expired after the table was loaded is read again once more each time)
   */
  public static List<Path> list(Table table, long olderThanMillis) {
    Set<String> referenced = referencedResolvingExpiry(table);
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

  /** How often {@link #list} reads a table again whose snapshots expire while it reads them. */
  static final int MAX_READS = 5;

  /**
   * {@link #referenced} of the table as it is now: when a concurrent {@code ticklake expire}
   * removes snapshots after the table was loaded, their manifest lists and manifests are gone (a
   * {@link NotFoundException}); the table is read again, and the snapshots left are listed.
   */
  private static Set<String> referencedResolvingExpiry(Table table) {
    for (int read = 1; ; read++) {
      try {
        return referenced(table);
      } catch (NotFoundException e) {
        if (read >= MAX_READS) {
          throw TicklakeException.of(
              Kind.CONFLICT,
              "Cannot list the orphaned files of %s: its snapshots kept expiring while they were"
                  + " read (%s); rerun",
              table.name(),
              e.getMessage());
        }
        table.refresh();
      }
    }
  }

  private static Set<String> referenced(Table table) {
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
    return referenced;
  }

  private static long lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }
}
