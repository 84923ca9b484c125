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

  /**
   * The severity of a label, {@code error} or {@code warn} (any case, surrounding blanks ignored).
   *
   * @throws IllegalArgumentException "use error or warn" for anything else
   */
  public static Severity ofLabel(String label) {
    return switch (label.strip().toLowerCase(Locale.ROOT)) {
      case "error" -> ERROR;
      case "warn" -> WARN;
      default -> throw new IllegalArgumentException("use error or warn");
    };
  }
}
