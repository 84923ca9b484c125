package io.ticklake.quarantine;

import java.util.Locale;

/** How serious a rule violation is. */
public enum Severity {
  /** The row is rejected: it goes to quarantine and not to the target table. */
  ERROR,
  /** The row is kept and flagged: it goes to the target table and is logged in quarantine. */
  WARN;

  /** The lower-case label stored in {@code ops.quarantine.severity}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
