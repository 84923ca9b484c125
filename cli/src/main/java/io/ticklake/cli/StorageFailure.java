package io.ticklake.cli;

import io.ticklake.catalog.StorageErrors;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;

/**
 * A command's failure on a full or read-only disk, as the one sentence the user gets: {@code Cannot
 * <doing>: <file>: <the system's reason>; <what to do>, <rerun>} with exit 3 (configuration),
 * whichever library met it (Iceberg, DuckDB, SQLite, the JDK).
 */
final class StorageFailure {
  private StorageFailure() {}

  /**
   * The storage failure {@code ex} is, if it is one: a full disk, a full DuckDB spill folder or a
   * read-only file system met by command {@code cmd}. An error already of kind {@link
   * Kind#CONFIGURATION} says what to do itself and is none.
   */
  static Optional<TicklakeException> of(Exception ex, CommandLine cmd, CliContext context) {
    if (ex instanceof TicklakeException te && te.kind() == Kind.CONFIGURATION) {
      return Optional.empty();
    }
    Optional<StorageErrors.Found> found = StorageErrors.find(ex);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    StorageErrors.Found f = found.get();
    Object command = cmd.getCommand();
    StorageWriting writing = command instanceof StorageWriting w ? w : null;
    Path warehouse = warehouse(context);
    Path root = writing != null && writing.writesTo() != null ? writing.writesTo() : warehouse;
    String doing =
        writing != null ? writing.doing() : "run '" + cmd.getCommandSpec().qualifiedName() + "'";
    String rerun = writing != null ? writing.rerun() : "then run the same command again";
    String what;
    String advice;
    switch (f.problem()) {
      case SPILL_FULL -> {
        Path spill = warehouse == null ? null : Warehouse.tempDirOf(warehouse);
        what =
            "DuckDB's spill folder "
                + (spill == null ? "" : spill + " ")
                + "is full (DuckDB spills there what does not fit in its memory)";
        advice =
            "free space on the file system of "
                + (spill == null ? "the warehouse" : spill)
                + (cmd.getCommandSpec().findOption("--memory-limit") != null
                    ? " or give a larger --memory-limit"
                    : "");
      }
      case FULL -> {
        what = f.describe();
        advice = "free space on the file system of " + fullDirectory(f.file(), root);
      }
      case READ_ONLY -> {
        what = f.describe();
        advice =
            StorageErrors.readOnly(
                root == null
                    ? f.file().orElse(Path.of("."))
                    : StorageErrors.existingDirectory(f.file().orElse(root), root));
      }
      default -> throw new IllegalStateException("unknown problem " + f.problem());
    }
    String unknownCommit =
        hasCommitStateUnknown(ex) && ex.getMessage() != null ? " (" + ex.getMessage() + ")" : "";
    return Optional.of(
        new TicklakeException(
            Kind.CONFIGURATION,
            "Cannot " + doing + ": " + what + unknownCommit + "; " + advice + ", " + rerun,
            ex));
  }

  private static Path warehouse(CliContext context) {
    try {
      return context.config().warehouse();
    } catch (RuntimeException e) {
      return null; // no usable configuration: the error names its file, or nothing
    }
  }

  /**
   * The folder to free space in: the one the command writes to ({@code root}) when the full file is
   * on the same file system, else the nearest existing folder of the file.
   */
  private static Path fullDirectory(Optional<Path> file, Path root) {
    if (root == null) {
      return file.map(p -> StorageErrors.existingDirectory(p, p)).orElse(Path.of("."));
    }
    Path rootDir = StorageErrors.existingDirectory(root, root);
    if (file.isEmpty()) {
      return rootDir;
    }
    Path dir = StorageErrors.existingDirectory(file.get(), rootDir);
    try {
      if (dir.startsWith(rootDir) && Files.getFileStore(dir).equals(Files.getFileStore(rootDir))) {
        return rootDir;
      }
    } catch (IOException e) {
      // name the file's own folder then
    }
    return dir;
  }

  private static boolean hasCommitStateUnknown(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof org.apache.iceberg.exceptions.CommitStateUnknownException) {
        return true;
      }
    }
    return false;
  }
}
