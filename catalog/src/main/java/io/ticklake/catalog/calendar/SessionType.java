package io.ticklake.catalog.calendar;

import java.util.Locale;
import java.util.Objects;

/** The trading session an instant falls in; {@link #CLOSED} when it falls in none. */
public enum SessionType {
  /** Pre-market (extended hours before the regular session); Lean's {@code premarket}. */
  PRE("pre"),
  /** The regular session; Lean's {@code market}. */
  REGULAR("regular"),
  /** Post-market (extended hours after the regular session); Lean's {@code postmarket}. */
  POST("post"),
  /** Outside every session: a holiday, a weekend, the night, or after an early close. */
  CLOSED("closed");

  private final String label;

  SessionType(String label) {
    this.label = label;
  }

  /** The lower-case label stored in tables and JSON: pre, regular, post or closed. */
  public String label() {
    return label;
  }

  /**
   * The session type with the given label, ignoring case.
   *
   * @throws IllegalArgumentException if the label is none of pre, regular, post, closed
   */
  public static SessionType fromLabel(String label) {
    Objects.requireNonNull(label, "label is null");
    String wanted = label.toLowerCase(Locale.ROOT);
    for (SessionType type : values()) {
      if (type.label.equals(wanted)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "Cannot read session type '" + label + "': expected one of pre, regular, post, closed");
  }
}
