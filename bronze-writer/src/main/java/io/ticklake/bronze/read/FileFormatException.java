package io.ticklake.bronze.read;

import io.ticklake.catalog.TicklakeException;
import java.util.Locale;
import java.util.Objects;

/**
 * A vendor file cannot be read at all (not a zip, not exactly one entry, a wrong header, empty,
 * corrupt compression). Rows a reader delivered before this was thrown must be discarded: the
 * ingest job marks the file failed and appends nothing of it.
 */
public final class FileFormatException extends TicklakeException {
  private static final long serialVersionUID = 1L;

  private final String file;

  /** A file error with a message that already names the file. */
  public FileFormatException(String file, String message) {
    super(Kind.INPUT, message);
    this.file = Objects.requireNonNull(file, "file is null");
  }

  /** A file error caused by {@code cause}. */
  public FileFormatException(String file, String message, Throwable cause) {
    super(Kind.INPUT, message, cause);
    this.file = Objects.requireNonNull(file, "file is null");
  }

  /** Formats {@code "Cannot read <name>: <reason>"} with {@link Locale#ROOT}. */
  static FileFormatException of(String file, String name, String reasonFormat, Object... args) {
    return new FileFormatException(
        file, "Cannot read " + name + ": " + String.format(Locale.ROOT, reasonFormat, args));
  }

  /** Like {@link #of} with a cause. */
  static FileFormatException of(
      String file, String name, Throwable cause, String reasonFormat, Object... args) {
    return new FileFormatException(
        file, "Cannot read " + name + ": " + String.format(Locale.ROOT, reasonFormat, args), cause);
  }

  /** The path of the file that could not be read, as given to the reader. */
  public String file() {
    return file;
  }
}
