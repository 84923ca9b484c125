package io.ticklake.catalog.calendar;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Canonical text forms of wall-clock times and dates used in ticklake's stored JSON: times are
 * {@code HH:mm:ss} with an optional fraction of up to nine digits (printed only when non-zero,
 * without trailing zeros), {@code 24:00:00} is the end of a day, dates are ISO {@code yyyy-MM-dd}.
 * Stateless and thread-safe.
 */
final class TimeText {
  /** Nanoseconds in a day; the nano-of-day of {@code 24:00:00}. */
  static final long NANOS_PER_DAY = 86_400_000_000_000L;

  private static final Pattern TIME =
      Pattern.compile("([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]{1,9}))?");
  private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

  private TimeText() {}

  /** Formats a time as {@code HH:mm:ss[.fraction]}. */
  static String format(LocalTime time) {
    return formatNanoOfDay(time.toNanoOfDay());
  }

  /** Formats a nano-of-day in [0, 24h] as {@code HH:mm:ss[.fraction]}, 24h as 24:00:00. */
  static String formatNanoOfDay(long nanoOfDay) {
    long seconds = nanoOfDay / 1_000_000_000L;
    int nanos = (int) (nanoOfDay % 1_000_000_000L);
    StringBuilder text = new StringBuilder(18);
    append2(text, seconds / 3600).append(':');
    append2(text, seconds / 60 % 60).append(':');
    append2(text, seconds % 60);
    if (nanos != 0) {
      String fraction = Integer.toString(1_000_000_000 + nanos).substring(1);
      int end = fraction.length();
      while (fraction.charAt(end - 1) == '0') {
        end--;
      }
      text.append('.').append(fraction, 0, end);
    }
    return text.toString();
  }

  private static StringBuilder append2(StringBuilder text, long value) {
    if (value < 10) {
      text.append('0');
    }
    return text.append(value);
  }

  /**
   * Parses {@code HH:mm:ss[.fraction]} to a nano-of-day; {@code 24:00:00} gives {@link
   * #NANOS_PER_DAY} only when {@code allowEndOfDay}.
   *
   * @throws IllegalArgumentException with a message naming {@code what} if the text is invalid
   */
  static long parseNanoOfDay(String text, String what, boolean allowEndOfDay) {
    Matcher m = TIME.matcher(text);
    if (m.matches()) {
      int hour = Integer.parseInt(m.group(1));
      int minute = Integer.parseInt(m.group(2));
      int second = Integer.parseInt(m.group(3));
      String fraction = m.group(4);
      if (allowEndOfDay && hour == 24 && minute == 0 && second == 0 && fraction == null) {
        return NANOS_PER_DAY;
      }
      if (hour < 24 && minute < 60 && second < 60) {
        long nanos = fraction == null ? 0 : Long.parseLong((fraction + "00000000").substring(0, 9));
        return ((hour * 60L + minute) * 60L + second) * 1_000_000_000L + nanos;
      }
    }
    throw new IllegalArgumentException(
        what
            + " '"
            + text
            + "' is not a HH:mm:ss time"
            + (allowEndOfDay ? " between 00:00:00 and 24:00:00" : ""));
  }

  /** Parses {@code HH:mm:ss[.fraction]} (not 24:00:00). */
  static LocalTime parseTime(String text, String what) {
    return LocalTime.ofNanoOfDay(parseNanoOfDay(text, what, false));
  }

  /** Parses an ISO {@code yyyy-MM-dd} date. */
  static LocalDate parseDate(String text, String what) {
    if (DATE.matcher(text).matches()) {
      try {
        return LocalDate.parse(text);
      } catch (DateTimeException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(what + " '" + text + "' is not a yyyy-MM-dd date");
  }
}
