package io.ticklake.bronze.wal;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Errors of a WAL directory's storage (and of the live writer's ack log). A full disk, a read-only
 * file system or directory, or a file where a WAL directory should be is the operator's to fix, not
 * a bug: such an error is a {@link Kind#CONFIGURATION} error (exit 3) whose message ends with what
 * to do. Any other I/O error stays a {@link Kind#FAILURE}.
 *
 * <p>The JDK reports the errno only as its text ({@code strerror}), so full and read-only are told
 * by that text as the C library words it in English; a file system that reports them in another
 * language gives a {@link Kind#FAILURE} with the same message, only without the advice.
 */
public final class WalStorageErrors {
  private WalStorageErrors() {}

  private static final String RESTART =
      "then restart the writer with the same writer id (the WAL keeps every acknowledged event)";

  /**
   * The error for {@code e} on WAL directory {@code dir}: {@code format} formatted with {@code
   * args} and, for a storage problem, {@code "; "} and what to do.
   */
  public static TicklakeException error(Path dir, IOException e, String format, Object... args) {
    String message = String.format(Locale.ROOT, format, args);
    String advice = advice(dir, e);
    return advice == null
        ? new TicklakeException(Kind.FAILURE, message, e)
        : new TicklakeException(Kind.CONFIGURATION, message + "; " + advice, e);
  }

  /**
   * What the operator should do about {@code e} on {@code dir}; null when it is no storage problem.
   */
  static String advice(Path dir, IOException e) {
    String text =
        ((e.getMessage() == null ? "" : e.getMessage())
                + " "
                + (e instanceof FileSystemException f && f.getReason() != null
                    ? f.getReason()
                    : ""))
            .toLowerCase(Locale.ROOT);
    Path file =
        e instanceof FileSystemException f && f.getFile() != null ? Path.of(f.getFile()) : dir;
    if (text.contains("no space left on device") || text.contains("disk quota exceeded")) {
      return "free space on the file system of " + dir + ", " + RESTART;
    }
    if (e instanceof NotDirectoryException
        || e instanceof FileAlreadyExistsException
        || text.contains("not a directory")) {
      Path inTheWay = notADirectory(dir);
      if (inTheWay != null) {
        return "move " + inTheWay + " out of the way (the WAL needs a directory there), " + RESTART;
      }
      return null;
    }
    if (text.contains("read-only file system")) {
      return "make "
          + existingDirectory(file, dir)
          + " writable (its file system is mounted read-only: remount it read-write), "
          + RESTART;
    }
    if (e instanceof AccessDeniedException
        || text.contains("permission denied")
        || text.contains("operation not permitted")) {
      return "make " + existingDirectory(file, dir) + " writable for this user, " + RESTART;
    }
    return null;
  }

  /** The nearest of {@code dir} and its parents that exists and is not a directory; or null. */
  private static Path notADirectory(Path dir) {
    for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        return Files.isDirectory(p) ? null : p;
      }
    }
    return null;
  }

  /**
   * The directory an operator must make writable: the nearest existing directory holding {@code
   * file} (the file itself when it is one), or {@code dir} when there is none.
   */
  private static Path existingDirectory(Path file, Path dir) {
    for (Path p = file.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    return dir;
  }
}
