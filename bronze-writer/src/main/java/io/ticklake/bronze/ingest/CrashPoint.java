package io.ticklake.bronze.ingest;

import java.util.Locale;

/**
 * Test hook for crash tests: when the environment variable {@value #ENV} names a point, the job
 * announces it on standard error ({@code CRASH-POINT <name>}) and waits there forever, so that a
 * test can kill the process with SIGKILL at exactly that moment. Unset in normal use.
 */
public enum CrashPoint {
  /** Files registered in the manifest, no data file written yet. */
  BEFORE_WRITE,
  /** Data files written, not committed. */
  AFTER_WRITE,
  /** Bronze rows committed, manifest not yet updated. */
  AFTER_COMMIT,
  /** Live writer: a flush wrote its Bronze data files, not committed; appends continue. */
  FLUSH_AFTER_WRITE,
  /** Live writer: a flush committed its Bronze append, WAL segments not yet deleted. */
  FLUSH_AFTER_COMMIT;

  /** The environment variable that arms a crash point. */
  public static final String ENV = "TICKLAKE_CRASH_POINT";

  private static final CrashPoint ARMED = armed();

  private static CrashPoint armed() {
    String v = System.getenv(ENV);
    if (v == null || v.isBlank()) {
      return null;
    }
    return valueOf(v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /** Stops here (forever) if this point is armed. */
  public void reach() {
    if (ARMED != this) {
      return;
    }
    System.err.println("CRASH-POINT " + name().toLowerCase(Locale.ROOT).replace('_', '-'));
    System.err.flush();
    while (true) {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
