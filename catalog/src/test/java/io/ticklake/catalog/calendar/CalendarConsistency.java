package io.ticklake.catalog.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/** Checks per-instant answers against per-date answers, which are computed independently. */
final class CalendarConsistency {
  private CalendarConsistency() {}

  /**
   * For instants from {@code from} to {@code to} every {@code step}: the trading date's span
   * contains the instant, the session is the one whose interval contains it (else CLOSED), and
   * with a midnight rollover the trading date is the local date.
   */
  static void check(ExchangeCalendar calendar, Instant from, Instant to, Duration step) {
    boolean midnight = calendar.definition().dayRollover().equals(java.time.LocalTime.MIDNIGHT);
    for (Instant t = from; t.isBefore(to); t = t.plus(step)) {
      LocalDate date = calendar.tradingDate(t);
      assertThat(calendar.startOf(date)).as("start of %s for %s", date, t).isBeforeOrEqualTo(t);
      assertThat(calendar.endOf(date)).as("end of %s for %s", date, t).isAfter(t);
      if (midnight) {
        assertThat(date).as("trading date of %s", t).isEqualTo(t.atZone(calendar.zone()).toLocalDate());
      }
      SessionType expected = SessionType.CLOSED;
      for (SessionInterval interval : calendar.sessions(date)) {
        if (interval.contains(t)) {
          expected = interval.type();
        }
      }
      assertThat(calendar.session(t)).as("session of %s", t).isEqualTo(expected);
    }
  }
}
