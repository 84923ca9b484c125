package io.ticklake.catalog.calendar;

import java.time.Instant;
import java.util.Objects;

/**
 * One session of one trading date as absolute instants, {@code [open, close)}. Immutable and
 * thread-safe.
 *
 * @param type the session; never {@link SessionType#CLOSED}
 * @param open the first instant in the session
 * @param close the first instant after the session
 */
public record SessionInterval(SessionType type, Instant open, Instant close) {

  /** Checks the interval is a session (not closed) and opens before it closes. */
  public SessionInterval {
    Objects.requireNonNull(type, "type is null");
    Objects.requireNonNull(open, "open is null");
    Objects.requireNonNull(close, "close is null");
    if (type == SessionType.CLOSED) {
      throw new IllegalArgumentException(
          "Cannot create a session interval of type closed: closed is the absence of a session");
    }
    if (!open.isBefore(close)) {
      throw new IllegalArgumentException(
          "Cannot create session interval "
              + type.label()
              + " ["
              + open
              + ", "
              + close
              + "): it must open before it closes");
    }
  }

  /** Whether {@code t} is in {@code [open, close)}. */
  public boolean contains(Instant t) {
    return t.compareTo(open) >= 0 && t.compareTo(close) < 0;
  }
}
