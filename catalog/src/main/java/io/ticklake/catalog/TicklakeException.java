package io.ticklake.catalog;

/**
 * Base of every error a ticklake user can cause or meet. The message is one clear sentence that
 * says what could not be done and why; the CLI prints it without a stack trace and exits with
 * {@link #kind()}'s exit code.
 */
public class TicklakeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, which decides whether a retry can help and the CLI's exit code. */
  public enum Kind {
    /** A job failed for a reason not covered below. */
    FAILURE(1),
    /** The warehouse, catalog or an option is misconfigured; fix the configuration. */
    CONFIGURATION(3),
    /** A table in the catalog does not match its ticklake contract. */
    CONTRACT(4),
    /** An optimistic commit lost a race; reading again and retrying can succeed. */
    CONFLICT(5),
    /** Input data (a file, a request) is invalid or refers to something that does not exist. */
    INPUT(6),
    /** A table or snapshot uses a feature ticklake refuses to read rather than read wrong. */
    UNSUPPORTED(7);

    private final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }

    /** The process exit code the CLI uses for this kind of error. */
    public int exitCode() {
      return exitCode;
    }
  }

  private final Kind kind;

  public TicklakeException(Kind kind, String message) {
    super(message);
    this.kind = java.util.Objects.requireNonNull(kind, "kind is null");
  }

  public TicklakeException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = java.util.Objects.requireNonNull(kind, "kind is null");
  }

  /** Formats the message like {@link String#format} with {@link java.util.Locale#ROOT}. */
  public static TicklakeException of(Kind kind, String format, Object... args) {
    return new TicklakeException(kind, String.format(java.util.Locale.ROOT, format, args));
  }

  /** What kind of error this is. */
  public Kind kind() {
    return kind;
  }
}
