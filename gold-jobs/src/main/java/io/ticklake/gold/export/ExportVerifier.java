package io.ticklake.gold.export;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.snapshot.SnapshotExpiry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Checks an export folder against its receipt: every file's SHA-256 and size, the rows in every
 * data file (read back), no missing or extra files, and that the pinned snapshot still exists and
 * still selects the same number of rows with the same content digest. Hidden and OS files that are
 * not in the receipt (.DS_Store, ._name, Thumbs.db) are named in a note, not counted as extra.
 *
 * <p>Not thread-safe.
 */
public final class ExportVerifier {
  private final Warehouse warehouse;
  private final Runnable opened;

  /** A verifier reading pinned snapshots from {@code warehouse}. */
  public ExportVerifier(Warehouse warehouse) {
    this(warehouse, () -> {});
  }

  /** A verifier that runs {@code opened} after it planned a snapshot's files (tests). */
  ExportVerifier(Warehouse warehouse, Runnable opened) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.opened = requireNonNull(opened, "opened is null");
  }

  /**
   * The outcome of a verification.
   *
   * @param dir the export folder
   * @param receipt its receipt
   * @param filesChecked files compared with the receipt
   * @param rows data rows found in the files
   * @param problems one "Cannot verify …" sentence per difference, naming the file or table; empty
   *     when the export is intact
   * @param notes checks that could not be made, e.g. a content digest made by another DuckDB
   *     version; they do not fail the verification
   */
  public record Report(
      Path dir,
      ExportReceipt receipt,
      int filesChecked,
      long rows,
      List<String> problems,
      List<String> notes) {
    public Report {
      problems = List.copyOf(problems);
      notes = List.copyOf(notes);
    }

    /** True when nothing differs. */
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /**
   * Verifies {@code dir}.
   *
   * @throws TicklakeException of kind INPUT when the folder has no readable receipt
   */
  public Report verify(Path dir) {
    ExportReceipt receipt = ExportReceipt.read(dir);
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Set<Path> listed = new HashSet<>();
    long rows = 0;
    int checked = 0;
    try (DuckDbBridge duck = DuckDbBridge.open(warehouse.tempDir(), 0, null)) {
      for (ExportReceipt.FileEntry entry : receipt.files()) {
        Path file;
        try {
          file = ExportFiles.inside(dir, entry.path());
        } catch (TicklakeException e) {
          problems.add("Cannot verify " + entry.path() + ": " + e.getMessage());
          continue;
        }
        listed.add(file);
        checked++;
        if (!Files.isRegularFile(file)) {
          problems.add("Cannot verify " + entry.path() + ": the file is missing");
          continue;
        }
        try {
          String sha = ExportFiles.sha256(file);
          if (!sha.equals(entry.sha256())) {
            problems.add(
                String.format(
                    Locale.ROOT,
                    "Cannot verify %s: sha256 is %s, the receipt says %s",
                    entry.path(),
                    sha,
                    entry.sha256()));
          }
          Long fileRows;
          try {
            fileRows = ExportFiles.countRows(duck, file);
          } catch (TicklakeException e) {
            problems.add("Cannot verify " + entry.path() + ": unreadable (" + e.getMessage() + ")");
            continue;
          }
          if (fileRows != null) {
            rows += fileRows;
          }
          if (!java.util.Objects.equals(fileRows, entry.rows())) {
            problems.add(
                String.format(
                    Locale.ROOT,
                    "Cannot verify %s: it holds %s rows, the receipt says %s",
                    entry.path(),
                    fileRows,
                    entry.rows()));
          }
        } catch (IOException e) {
          problems.add("Cannot verify " + entry.path() + ": " + e.getMessage());
        }
      }
      try {
        List<String> osFiles = new ArrayList<>();
        for (Path f : ExportFiles.listFiles(dir)) {
          String rel = ExportFiles.relative(dir, f);
          if (listed.contains(f.toAbsolutePath().normalize())
              || rel.equals(ExportReceipt.FILE_NAME)) {
            continue;
          }
          if (isHiddenOrOsFile(rel)) {
            osFiles.add(rel);
          } else {
            problems.add("Cannot verify " + rel + ": the file is not in the receipt");
          }
        }
        if (!osFiles.isEmpty()) {
          notes.add(
              String.format(
                  Locale.ROOT,
                  "%d hidden or OS file%s not in the receipt %s left out: %s",
                  osFiles.size(),
                  osFiles.size() == 1 ? "" : "s",
                  osFiles.size() == 1 ? "was" : "were",
                  osFiles.size() <= 10
                      ? String.join(", ", osFiles)
                      : String.join(", ", osFiles.subList(0, 10)) + ", …"));
        }
      } catch (IOException e) {
        problems.add("Cannot list " + dir + ": " + e.getMessage());
      }
    }
    for (ExportReceipt.TableRead read : receipt.tables()) {
      checkSnapshot(dir, receipt, read, problems, notes);
    }
    long expected = receipt.tables().stream().mapToLong(ExportReceipt.TableRead::rows).sum();
    if (rows != expected) {
      problems.add(
          String.format(
              Locale.ROOT,
              "Cannot verify %s: the files hold %d rows, the pinned snapshot selection %d",
              dir,
              rows,
              expected));
    }
    return new Report(dir, receipt, checked, rows, problems, notes);
  }

  /** File names Windows Explorer leaves in folders it shows. */
  private static final Set<String> OS_FILE_NAMES =
      Set.of("thumbs.db", "ehthumbs.db", "desktop.ini");

  /**
   * True for a file no export writes but an OS leaves in a copied folder: any path with a segment
   * starting with '.' (Finder's .DS_Store, AppleDouble ._name files, .Spotlight-V100/, .Trashes/)
   * or Windows' Thumbs.db and desktop.ini. Arrow's dataset discovery skips such names too.
   */
  static boolean isHiddenOrOsFile(String relative) {
    String[] segments = relative.split("/");
    for (String segment : segments) {
      if (segment.startsWith(".")) {
        return true;
      }
    }
    return OS_FILE_NAMES.contains(segments[segments.length - 1].toLowerCase(Locale.ROOT));
  }

  private void checkSnapshot(
      Path dir,
      ExportReceipt receipt,
      ExportReceipt.TableRead read,
      List<String> problems,
      List<String> notes) {
    Table table;
    try {
      table = warehouse.table(read.table());
    } catch (TicklakeException e) {
      problems.add("Cannot verify " + read.table() + ": " + e.getMessage());
      return;
    }
    Snapshot snapshot = table.snapshot(read.snapshotId());
    if (snapshot == null) {
      problems.add(expired(read));
      return;
    }
    ExportRequest request = receipt.request().toRequest(dir);
    ExportSource opened;
    try {
      opened = ExportSource.open(warehouse.tempDir(), request, table, Optional.of(snapshot));
    } catch (TicklakeException e) {
      if (e.kind() != TicklakeException.Kind.CONFLICT) {
        throw e;
      }
      // a concurrent expire removed it after the table was loaded (soak of 2026-11-28)
      problems.add(expired(read));
      return;
    }
    try (ExportSource source = opened) {
      this.opened.run();
      compare(read, source, problems, notes);
    } catch (RuntimeException e) {
      if (!SnapshotExpiry.expiredAfter(() -> table, read.snapshotId(), e)) {
        throw e;
      }
      // a concurrent expire removed it (and the files it planned) while they were read
      problems.add(expired(read));
    }
  }

  /** The problem of a table read whose snapshot is gone, before or while verify read it. */
  private static String expired(ExportReceipt.TableRead read) {
    return String.format(
        Locale.ROOT,
        "Cannot verify %s: snapshot %d no longer exists (expired?)",
        read.table(),
        read.snapshotId());
  }

  /** Compares the rows and content digest of the pinned snapshot with the receipt's. */
  private static void compare(
      ExportReceipt.TableRead read,
      ExportSource source,
      List<String> problems,
      List<String> notes) {
    long n = source.rowCount();
    if (n != read.rows()) {
      problems.add(
          String.format(
              Locale.ROOT,
              "Cannot verify %s: snapshot %d now selects %d rows, the receipt says %d",
              read.table(),
              read.snapshotId(),
              n,
              read.rows()));
    }
    String recorded = read.contentDigest() == null ? "" : read.contentDigest();
    if (!ExportSource.algorithmOf(recorded).equals(source.digestAlgorithm())) {
      notes.add(
          String.format(
              Locale.ROOT,
              "content digest of %s not compared: it was made with %s, this build uses %s",
              read.table(),
              ExportSource.algorithmOf(recorded).isEmpty()
                  ? "no known algorithm"
                  : ExportSource.algorithmOf(recorded),
              source.digestAlgorithm()));
      return;
    }
    String digest = source.contentDigest();
    if (!digest.equals(recorded)) {
      problems.add(
          String.format(
              Locale.ROOT,
              "Cannot verify %s: snapshot %d content digest is %s, the receipt says %s",
              read.table(),
              read.snapshotId(),
              digest,
              read.contentDigest()));
    }
  }
}
