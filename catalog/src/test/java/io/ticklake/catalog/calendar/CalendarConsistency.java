package io.ticklake.catalog.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;

/** Cross-checks a calendar's per-instant answers against its per-date answers and a reference. */
final class CalendarConsistency {
  private CalendarConsistency() {}

  /**
   * For instants from {@code from} to {@code to} every {@code step}: the trading date's span
   * contains the instant and the session is the one whose interval contains it (else CLOSED). With
   * a midnight rollover also: the trading date is the local date, and the session equals a naive
   * wall-clock reference of the rules (valid while no window touches a DST transition).
   */
  static void check(ExchangeCalendar calendar, Instant from, Instant to, Duration step) {
    ExchangeDefinition definition = calendar.definition();
    boolean midnight = definition.dayRollover().equals(LocalTime.MIDNIGHT);
    for (Instant t = from; t.isBefore(to); t = t.plus(step)) {
      LocalDate date = calendar.tradingDate(t);
      assertThat(calendar.startOf(date)).as("start of %s for %s", date, t).isBeforeOrEqualTo(t);
      assertThat(calendar.endOf(date)).as("end of %s for %s", date, t).isAfter(t);
      SessionType expected = SessionType.CLOSED;
      for (SessionInterval interval : calendar.sessions(date)) {
        if (interval.contains(t)) {
          expected = interval.type();
        }
      }
      SessionType actual = calendar.session(t);
      assertThat(actual).as("session of %s", t).isEqualTo(expected);
      if (midnight) {
        LocalDateTime local = LocalDateTime.ofInstant(t, calendar.zone());
        assertThat(date).as("trading date of %s", t).isEqualTo(local.toLocalDate());
        assertThat(actual).as("reference session of %s", t).isEqualTo(wallClock(definition, local));
      }
    }
  }

  /**
   * Lean's IsOpen, by wall-clock time, for a midnight rollover, with ticklake's early-close rule
   * for post-market: on an early close at T that leaves part of the regular session and comes
   * before its normal end N, a post-market window [s, e) with s >= N is open at [T + s - N, T + e -
   * N).
   */
  private static SessionType wallClock(ExchangeDefinition definition, LocalDateTime local) {
    LocalDate date = local.toLocalDate();
    long nano = local.toLocalTime().toNanoOfDay();
    if (definition.holidays().contains(date)) {
      return SessionType.CLOSED;
    }
    LocalTime lateOpen = definition.lateOpens().get(date);
    if (lateOpen != null && nano < lateOpen.toNanoOfDay()) {
      return SessionType.CLOSED;
    }
    LocalTime earlyClose = definition.earlyCloses().get(date);
    if (earlyClose != null && nano >= earlyClose.toNanoOfDay()) {
      long close = earlyClose.toNanoOfDay();
      Long firstRegularStart = null;
      Long lastRegularEnd = null;
      for (SessionWindow window : definition.windows(date.getDayOfWeek())) {
        if (window.type() == SessionType.REGULAR) {
          if (firstRegularStart == null) {
            firstRegularStart = window.startNanoOfDay();
          }
          lastRegularEnd = window.endNanoOfDay();
        }
      }
      if (lastRegularEnd != null && close > firstRegularStart && close < lastRegularEnd) {
        long normal = nano + (lastRegularEnd - close); // the wall-clock time on a normal day
        for (SessionWindow window : definition.windows(date.getDayOfWeek())) {
          if (window.type() == SessionType.POST
              && window.startNanoOfDay() >= lastRegularEnd
              && normal >= window.startNanoOfDay()
              && normal < window.endNanoOfDay()) {
            return SessionType.POST;
          }
        }
      }
      return SessionType.CLOSED;
    }
    for (SessionWindow window : definition.windows(date.getDayOfWeek())) {
      if (nano >= window.startNanoOfDay() && nano < window.endNanoOfDay()) {
        return window.type();
      }
    }
    return SessionType.CLOSED;
  }
}
