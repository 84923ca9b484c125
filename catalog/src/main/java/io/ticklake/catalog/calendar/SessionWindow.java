package io.ticklake.catalog.calendar;

import java.time.LocalTime;
import java.util.Objects;

/**
 * A weekly session window in exchange-local wall-clock time, {@code [start, end)}: on the weekday
 * it is listed under, the exchange is in session {@code type} from {@code start} (inclusive) to
 * {@code end} (exclusive).
 *
 * <p>An {@code end} of {@link LocalTime#MIDNIGHT} means the end of the day (24:00, the next local
 * midnight; Lean writes it {@code 1.00:00:00}); no window can end at the start of its own day, so
 * this is unambiguous. Immutable and thread-safe.
 *
 * @param type the session; never {@link SessionType#CLOSED}
 * @param start the first wall-clock time in the window
 * @param end the first wall-clock time after the window, {@link LocalTime#MIDNIGHT} for 24:00
 */
public record SessionWindow(SessionType type, LocalTime start, LocalTime end) {

  /** Checks the window is a session (not closed) and starts before it ends. */
  public SessionWindow {
    Objects.requireNonNull(type, "type is null");
    Objects.requireNonNull(start, "start is null");
    Objects.requireNonNull(end, "end is null");
    if (type == SessionType.CLOSED) {
      throw new IllegalArgumentException(
          "Cannot create a session window of type closed: closed is the absence of a window");
    }
    if (start.toNanoOfDay() >= endNanoOfDay(end)) {
      throw new IllegalArgumentException(
          "Cannot create session window "
              + type.label()
              + " "
              + TimeText.format(start)
              + "-"
              + TimeText.formatNanoOfDay(endNanoOfDay(end))
              + ": it must start before it ends");
    }
  }

  /** A window from {@code start} to the end of the day (24:00). */
  public static SessionWindow untilEndOfDay(SessionType type, LocalTime start) {
    return new SessionWindow(type, start, LocalTime.MIDNIGHT);
  }

  /** Whether the window runs until the end of the day (24:00, the next local midnight). */
  public boolean endsAtMidnight() {
    return end.equals(LocalTime.MIDNIGHT);
  }

  /** Nanoseconds from the start of the day to {@link #start()}. */
  public long startNanoOfDay() {
    return start.toNanoOfDay();
  }

  /** Nanoseconds from the start of the day to {@link #end()}; 86,400 s for 24:00. */
  public long endNanoOfDay() {
    return endNanoOfDay(end);
  }

  /** The window as text, e.g. {@code regular 09:30:00-16:00:00} or {@code ...-24:00:00}. */
  @Override
  public String toString() {
    return type.label()
        + " "
        + TimeText.format(start)
        + "-"
        + TimeText.formatNanoOfDay(endNanoOfDay());
  }

  private static long endNanoOfDay(LocalTime end) {
    return end.equals(LocalTime.MIDNIGHT) ? TimeText.NANOS_PER_DAY : end.toNanoOfDay();
  }
}
