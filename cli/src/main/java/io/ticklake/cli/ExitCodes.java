package io.ticklake.cli;

import io.ticklake.catalog.TicklakeException.Kind;

/** Exit codes of the {@code ticklake} command; the README lists them for users. */
public final class ExitCodes {
  private ExitCodes() {}

  /** Success. */
  public static final int OK = 0;

  /** A job failed, or an unexpected internal error. */
  public static final int FAILURE = Kind.FAILURE.exitCode();

  /** Bad usage: unknown option or subcommand, missing or invalid argument. */
  public static final int USAGE = 2;

  /** Configuration error: warehouse or catalog unusable. */
  public static final int CONFIGURATION = Kind.CONFIGURATION.exitCode();

  /** A table conflicts with its contract. */
  public static final int CONTRACT = Kind.CONTRACT.exitCode();

  /** A commit lost an optimistic-concurrency race; retrying can succeed. */
  public static final int CONFLICT = Kind.CONFLICT.exitCode();

  /** Invalid input or a reference to something that does not exist. */
  public static final int INPUT = Kind.INPUT.exitCode();

  /** A table uses a feature ticklake refuses to read. */
  public static final int UNSUPPORTED = Kind.UNSUPPORTED.exitCode();
}
