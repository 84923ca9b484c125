package io.ticklake.catalog;

import io.ticklake.catalog.TicklakeException.Kind;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Errors of the storage ticklake writes to: a full disk, a read-only file system or directory, a
 * file where a directory should be. Each is the operator's to fix, not a bug: such an error is a
 * {@link Kind#CONFIGURATION} error (exit 3) whose message ends with what to do. Any other I/O error
 * stays a {@link Kind#FAILURE}.
 *
 * <p>The error is told from the whole cause chain: Java's {@link IOException}s, Iceberg's wrappers
 * of them, SQLite's {@code SQLITE_FULL} / {@code SQLITE_READONLY} and DuckDB's {@code IO Error}s
 * (whose text quotes the file). The JDK and DuckDB report the errno only as its text ({@code
 * strerror}), so full and read-only are told by that text as the C library words it in English; a
 * file system that reports them in another language gives a {@link Kind#FAILURE} with the same
 * message, only without the advice.
 */
public final class StorageErrors {
  private StorageErrors() {}

  /** What is wrong with the storage. */
  public enum Problem {
    /** No space left (or the disk quota is used up). */
    FULL,
    /** DuckDB's spill folder has no room for what does not fit in its memory limit. */
    SPILL_FULL,
    /** The file system is mounted read-only. */
    READ_ONLY
  }

  /**
   * A storage problem found in an error.
   *
   * @param problem what is wrong
   * @param file the file or folder the error names, if it names one
   * @param reason the system's words for it, e.g. {@code No space left on device}
   */
  public record Found(Problem problem, Optional<Path> file, String reason) {
    public Found {
      java.util.Objects.requireNonNull(problem, "problem is null");
      java.util.Objects.requireNonNull(file, "file is null");
      java.util.Objects.requireNonNull(reason, "reason is null");
    }

    /** The file (when known) and the reason: {@code /wh/x.parquet: No space left on device}. */
    public String describe() {
      return file.map(f -> f + ": " + reason).orElse(reason);
    }
  }

  /**
   * The error for {@code e} on directory {@code dir}: {@code format} formatted with {@code args}
   * and, for a storage problem, {@code "; "}, what to do and {@code then} (what to do once it is
   * fixed, e.g. {@code "then restart the writer"}).
   */
  public static TicklakeException error(
      Path dir, Throwable e, String then, String format, Object... args) {
    String message = String.format(Locale.ROOT, format, args);
    String advice = advice(dir, e, then);
    return advice == null
        ? new TicklakeException(Kind.FAILURE, message, e)
        : new TicklakeException(Kind.CONFIGURATION, message + "; " + advice, e);
  }

  /**
   * What the operator should do about {@code e} on {@code dir}, ending with {@code ", " + then};
   * null when it is no storage problem. Besides a full or read-only file system, a directory this
   * user may not write and a file where {@code dir} (or a parent) should be a directory are storage
   * problems here: {@code dir} is one ticklake creates and writes.
   */
  public static String advice(Path dir, Throwable e, String then) {
    Optional<Found> found = find(e);
    if (found.isPresent()) {
      Found f = found.get();
      return switch (f.problem()) {
        case FULL, SPILL_FULL -> "free space on the file system of " + dir + ", " + then;
        case READ_ONLY -> readOnly(existingDirectory(f.file().orElse(dir), dir)) + ", " + then;
      };
    }
    String text = text(e);
    Path file = fileOf(e).orElse(dir);
    if (anyInChain(e, NotDirectoryException.class)
        || anyInChain(e, FileAlreadyExistsException.class)
        || text.contains("not a directory")) {
      Path inTheWay = notADirectory(dir);
      if (inTheWay != null) {
        return "move " + inTheWay + " out of the way (ticklake needs a directory there), " + then;
      }
      return null;
    }
    if (anyInChain(e, AccessDeniedException.class)
        || text.contains("permission denied")
        || text.contains("operation not permitted")) {
      return "make " + existingDirectory(file, dir) + " writable for this user, " + then;
    }
    return null;
  }

  /** The advice for a read-only file system holding {@code dir}. */
  public static String readOnly(Path dir) {
    return "make "
        + dir
        + " writable (its file system is mounted read-only: remount it read-write)";
  }

  /**
   * The full or read-only file system {@code e} (or a cause of it) reports, if any. Only problems
   * that a write alone can meet are found here: a permission denied may as well be an unreadable
   * input, so it is not.
   */
  public static Optional<Found> find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String own = ownText(t).toLowerCase(Locale.ROOT);
      Problem problem;
      String reason;
      if (own.contains("max_temp_directory_size")) {
        problem = Problem.SPILL_FULL;
        reason = "DuckDB's spill folder is full";
      } else if (own.contains("no space left on device")) {
        problem = Problem.FULL;
        reason = "No space left on device";
      } else if (own.contains("disk quota exceeded")) {
        problem = Problem.FULL;
        reason = "Disk quota exceeded";
      } else if (own.contains("sqlite_full") || own.contains("database or disk is full")) {
        problem = Problem.FULL;
        reason = "database or disk is full";
      } else if (own.contains("read-only file system")) {
        problem = Problem.READ_ONLY;
        reason = "Read-only file system";
      } else if (own.contains("sqlite_readonly") || own.contains("readonly database")) {
        problem = Problem.READ_ONLY;
        reason = "attempt to write a readonly database";
      } else {
        continue;
      }
      return Optional.of(new Found(problem, fileOf(t).or(() -> fileOf(e)), reason));
    }
    return Optional.empty();
  }

  /** A file a {@link FileSystemException} names, or one DuckDB quotes: {@code file "/x"}. */
  private static Optional<Path> fileOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof FileSystemException f && f.getFile() != null) {
        return Optional.of(Path.of(f.getFile()));
      }
      Matcher m = QUOTED_FILE.matcher(t.getMessage() == null ? "" : t.getMessage());
      if (m.find()) {
        return Optional.of(Path.of(m.group(1)));
      }
    }
    return Optional.empty();
  }

  /** How DuckDB names a file in an I/O error; the quotes may be JSON-escaped. */
  private static final Pattern QUOTED_FILE =
      Pattern.compile("(?:file|directory) \\\\?\"(/[^\"\\\\]+)\\\\?\"");

  private static String ownText(Throwable t) {
    return (t.getMessage() == null ? "" : t.getMessage())
        + " "
        + (t instanceof FileSystemException f && f.getReason() != null ? f.getReason() : "");
  }

  private static String text(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      b.append(ownText(t)).append(' ');
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }

  private static boolean anyInChain(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
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
  public static Path existingDirectory(Path file, Path dir) {
    for (Path p = file.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    return dir;
  }
}
