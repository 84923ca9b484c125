package io.ticklake.catalog.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Day rollover, late opens, early closes and combined cuts on hand-made definitions. */
class SyntheticCalendarTest {
  private static final ZoneId CHICAGO = ZoneId.of("America/Chicago");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static LocalTime t(String text) {
    return LocalTime.parse(text);
  }

  private static Instant chicago(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(CHICAGO).toInstant();
  }

  private static Instant newYork(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(NEW_YORK).toInstant();
  }

  /** CME-style Globex: Sunday 17:00 to Friday 16:00 with a daily 16:00-17:00 break. */
  private static ExchangeDefinition globex(SortedMap<LocalDate, LocalTime> earlyCloses) {
    Map<DayOfWeek, List<SessionWindow>> week = new EnumMap<>(DayOfWeek.class);
    week.put(
        DayOfWeek.SUNDAY, List.of(SessionWindow.untilEndOfDay(SessionType.REGULAR, t("17:00"))));
    for (DayOfWeek day :
        List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY)) {
      week.put(
          day,
          List.of(
              new SessionWindow(SessionType.REGULAR, LocalTime.MIDNIGHT, t("16:00")),
              SessionWindow.untilEndOfDay(SessionType.REGULAR, t("17:00"))));
    }
    week.put(
        DayOfWeek.FRIDAY,
        List.of(new SessionWindow(SessionType.REGULAR, LocalTime.MIDNIGHT, t("16:00"))));
    TreeSet<LocalDate> holidays = new TreeSet<>(List.of(LocalDate.of(2013, 12, 25)));
    return new ExchangeDefinition(
        "globex-test",
        "Globex (test)",
        "future",
        CHICAGO,
        t("17:00"),
        week,
        holidays,
        earlyCloses,
        new TreeMap<>(),
        "test");
  }

  @Test
  void sundayEveningPrintBelongsToMonday() {
    ExchangeCalendar calendar = ExchangeCalendar.of(globex(new TreeMap<>()));
    Instant sundayEvening = chicago("2013-10-06T18:00:00");
    assertThat(calendar.tradingDate(sundayEvening)).isEqualTo(LocalDate.of(2013, 10, 7));
    assertThat(calendar.session(sundayEvening)).isEqualTo(SessionType.REGULAR);
    Instant sundayAfternoon = chicago("2013-10-06T16:59:59.999");
    assertThat(calendar.tradingDate(sundayAfternoon)).isEqualTo(LocalDate.of(2013, 10, 6));
    assertThat(calendar.session(sundayAfternoon)).isEqualTo(SessionType.CLOSED);
    assertThat(calendar.tradingDate(chicago("2013-10-06T17:00:00")))
        .isEqualTo(LocalDate.of(2013, 10, 7));
  }

  @Test
  void tradingDateSpansFromPreviousRolloverAndJoinsWindowsAcrossMidnight() {
    ExchangeCalendar calendar = ExchangeCalendar.of(globex(new TreeMap<>()));
    LocalDate monday = LocalDate.of(2013, 10, 7);
    assertThat(calendar.startOf(monday)).isEqualTo(chicago("2013-10-06T17:00:00"));
    assertThat(calendar.endOf(monday)).isEqualTo(chicago("2013-10-07T17:00:00"));
    assertThat(calendar.sessions(monday))
        .containsExactly(
            new SessionInterval(
                SessionType.REGULAR,
                Instant.parse("2013-10-06T22:00:00Z"),
                Instant.parse("2013-10-07T21:00:00Z")));
    assertThat(calendar.session(chicago("2013-10-07T16:30:00"))).isEqualTo(SessionType.CLOSED);
    assertThat(calendar.tradingDate(chicago("2013-10-07T16:30:00"))).isEqualTo(monday);
    assertThat(calendar.tradingDate(chicago("2013-10-07T17:00:00")))
        .isEqualTo(LocalDate.of(2013, 10, 8));
    assertThat(calendar.isTradingDay(LocalDate.of(2013, 10, 6))).isFalse(); // Sunday
    assertThat(calendar.isTradingDay(LocalDate.of(2013, 10, 12))).isFalse(); // Saturday
    assertThat(calendar.sessions(LocalDate.of(2013, 10, 11))) // Friday: Thursday 17:00 on
        .containsExactly(
            new SessionInterval(
                SessionType.REGULAR,
                chicago("2013-10-10T17:00:00"),
                chicago("2013-10-11T16:00:00")));
  }

  @Test
  void holidayAndEarlyCloseApplyToLocalCalendarDates() {
    SortedMap<LocalDate, LocalTime> earlyCloses = new TreeMap<>();
    earlyCloses.put(LocalDate.of(2013, 12, 24), t("12:15"));
    ExchangeCalendar calendar = ExchangeCalendar.of(globex(earlyCloses));
    // Tuesday 12-24: Monday evening on, cut at 12:15; the Tuesday evening window is dropped.
    assertThat(calendar.sessions(LocalDate.of(2013, 12, 24)))
        .containsExactly(
            new SessionInterval(
                SessionType.REGULAR,
                chicago("2013-12-23T17:00:00"),
                chicago("2013-12-24T12:15:00")));
    // Wednesday 12-25 would span Tuesday evening (dropped) and Wednesday (holiday).
    assertThat(calendar.isTradingDay(LocalDate.of(2013, 12, 25))).isFalse();
    // Thursday 12-26 only has Thursday's own morning: the 12-25 evening is a holiday too.
    assertThat(calendar.sessions(LocalDate.of(2013, 12, 26)))
        .containsExactly(
            new SessionInterval(
                SessionType.REGULAR,
                chicago("2013-12-26T00:00:00"),
                chicago("2013-12-26T16:00:00")));
  }

  @Test
  void perInstantAnswersAgreeWithPerDateSessionsAcrossDaylightSavingTimeChanges() {
    SortedMap<LocalDate, LocalTime> earlyCloses = new TreeMap<>();
    earlyCloses.put(LocalDate.of(2013, 12, 24), t("12:15"));
    ExchangeCalendar calendar = ExchangeCalendar.of(globex(earlyCloses));
    CalendarConsistency.check(
        calendar,
        Instant.parse("2013-03-05T00:00:00Z"),
        Instant.parse("2013-03-15T00:00:00Z"),
        Duration.ofSeconds(97));
    CalendarConsistency.check(
        calendar,
        Instant.parse("2013-10-28T00:00:00Z"),
        Instant.parse("2013-12-31T00:00:00Z"),
        Duration.ofSeconds(601));
  }

  private static ExchangeDefinition equityLike(
      SortedMap<LocalDate, LocalTime> earlyCloses, SortedMap<LocalDate, LocalTime> lateOpens) {
    Map<DayOfWeek, List<SessionWindow>> week = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.getValue() <= 5) {
        week.put(
            day,
            List.of(
                new SessionWindow(SessionType.PRE, t("04:00"), t("09:30")),
                new SessionWindow(SessionType.REGULAR, t("09:30"), t("16:00")),
                new SessionWindow(SessionType.POST, t("16:00"), t("20:00"))));
      }
    }
    return new ExchangeDefinition(
        "equity-test",
        "Equity (test)",
        "equity",
        NEW_YORK,
        LocalTime.MIDNIGHT,
        week,
        new TreeSet<>(),
        earlyCloses,
        lateOpens,
        "test");
  }

  @Test
  void lateOpenDropsEarlierWindowsAndStartsTheSpanningOneLate() {
    SortedMap<LocalDate, LocalTime> lateOpens = new TreeMap<>();
    lateOpens.put(LocalDate.of(2013, 10, 8), t("10:00"));
    ExchangeCalendar calendar = ExchangeCalendar.of(equityLike(new TreeMap<>(), lateOpens));
    LocalDate date = LocalDate.of(2013, 10, 8);
    assertThat(calendar.sessions(date))
        .containsExactly(
            new SessionInterval(
                SessionType.REGULAR,
                newYork("2013-10-08T10:00:00"),
                newYork("2013-10-08T16:00:00")),
            new SessionInterval(
                SessionType.POST, newYork("2013-10-08T16:00:00"), newYork("2013-10-08T20:00:00")));
    assertThat(calendar.regularOpen(date)).contains(newYork("2013-10-08T10:00:00"));
    assertThat(calendar.session(newYork("2013-10-08T09:59:59"))).isEqualTo(SessionType.CLOSED);
    assertThat(calendar.session(newYork("2013-10-08T10:00:00"))).isEqualTo(SessionType.REGULAR);
    assertThat(calendar.session(date, SessionType.PRE)).isEmpty();
  }

  @Test
  void lateOpenAtAWindowEndDropsThatWindow() {
    SortedMap<LocalDate, LocalTime> lateOpens = new TreeMap<>();
    lateOpens.put(LocalDate.of(2013, 10, 8), t("09:30"));
    ExchangeCalendar calendar = ExchangeCalendar.of(equityLike(new TreeMap<>(), lateOpens));
    assertThat(calendar.sessions(LocalDate.of(2013, 10, 8)))
        .extracting(SessionInterval::type)
        .containsExactly(SessionType.REGULAR, SessionType.POST);
  }

  @Test
  void lateOpenAndEarlyCloseOnOneDateKeepTheTimeBetweenAndTheMovedPostMarket() {
    LocalDate date = LocalDate.of(2013, 10, 8);
    SortedMap<LocalDate, LocalTime> lateOpens = new TreeMap<>();
    lateOpens.put(date, t("10:00"));
    SortedMap<LocalDate, LocalTime> earlyCloses = new TreeMap<>();
    earlyCloses.put(date, t("13:00"));
    ExchangeCalendar calendar = ExchangeCalendar.of(equityLike(earlyCloses, lateOpens));
    assertThat(calendar.sessions(date))
        .containsExactly(
            new SessionInterval(
                SessionType.REGULAR,
                newYork("2013-10-08T10:00:00"),
                newYork("2013-10-08T13:00:00")),
            new SessionInterval(
                SessionType.POST, newYork("2013-10-08T13:00:00"), newYork("2013-10-08T17:00:00")));
    CalendarConsistency.check(
        calendar,
        Instant.parse("2013-10-07T00:00:00Z"),
        Instant.parse("2013-10-10T00:00:00Z"),
        Duration.ofSeconds(59));
  }

  /** No regular session is left, so there is no post-market to move after it. */
  @Test
  void earlyCloseInsidePreMarketLeavesOnlyPreMarket() {
    LocalDate date = LocalDate.of(2013, 10, 8);
    SortedMap<LocalDate, LocalTime> earlyCloses = new TreeMap<>();
    earlyCloses.put(date, t("08:00"));
    ExchangeCalendar calendar = ExchangeCalendar.of(equityLike(earlyCloses, new TreeMap<>()));
    assertThat(calendar.sessions(date))
        .containsExactly(
            new SessionInterval(
                SessionType.PRE, newYork("2013-10-08T04:00:00"), newYork("2013-10-08T08:00:00")));
    assertThat(calendar.isTradingDay(date)).isTrue();
    assertThat(calendar.regularOpen(date)).isEmpty();
  }

  /** A New York exchange trading {@code windows} Monday to Friday. */
  private static ExchangeDefinition weekdays(
      List<SessionWindow> windows,
      SortedMap<LocalDate, LocalTime> earlyCloses,
      SortedMap<LocalDate, LocalTime> lateOpens) {
    Map<DayOfWeek, List<SessionWindow>> week = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.getValue() <= 5) {
        week.put(day, windows);
      }
    }
    return new ExchangeDefinition(
        "weekdays-test",
        "Weekdays (test)",
        "equity",
        NEW_YORK,
        LocalTime.MIDNIGHT,
        week,
        new TreeSet<>(),
        earlyCloses,
        lateOpens,
        "test");
  }

  private static SortedMap<LocalDate, LocalTime> on(LocalDate date, String time) {
    SortedMap<LocalDate, LocalTime> map = new TreeMap<>();
    map.put(date, t(time));
    return map;
  }

  @Test
  void earlyCloseWithoutAPostMarketWindowOnlyCuts() {
    LocalDate date = LocalDate.of(2013, 11, 29);
    ExchangeCalendar calendar =
        ExchangeCalendar.of(
            weekdays(
                List.of(
                    new SessionWindow(SessionType.PRE, t("04:00"), t("09:30")),
                    new SessionWindow(SessionType.REGULAR, t("09:30"), t("16:00"))),
                on(date, "13:00"),
                new TreeMap<>()));
    assertThat(calendar.sessions(date))
        .containsExactly(
            new SessionInterval(
                SessionType.PRE, newYork("2013-11-29T04:00:00"), newYork("2013-11-29T09:30:00")),
            new SessionInterval(
                SessionType.REGULAR,
                newYork("2013-11-29T09:30:00"),
                newYork("2013-11-29T13:00:00")));
    assertThat(calendar.session(newYork("2013-11-29T13:30:00"))).isEqualTo(SessionType.CLOSED);
    CalendarConsistency.check(
        calendar,
        Instant.parse("2013-11-27T00:00:00Z"),
        Instant.parse("2013-12-03T00:00:00Z"),
        Duration.ofSeconds(59));
  }

  @Test
  void earlyCloseOnARegularOnlyDayIsLeansCut() {
    // futures-style: one "market" window, as Lean's futures and crypto entries have
    LocalDate date = LocalDate.of(2013, 12, 24);
    ExchangeCalendar calendar =
        ExchangeCalendar.of(
            weekdays(
                List.of(new SessionWindow(SessionType.REGULAR, t("08:30"), t("15:15"))),
                on(date, "12:15"),
                new TreeMap<>()));
    assertThat(calendar.sessions(date))
        .containsExactly(
            new SessionInterval(
                SessionType.REGULAR,
                newYork("2013-12-24T08:30:00"),
                newYork("2013-12-24T12:15:00")));
  }

  @Test
  void earlyCloseAtOrAfterTheNormalCloseCutsPostMarketAsLeanDoes() {
    LocalDate date = LocalDate.of(2013, 10, 8);
    ExchangeCalendar late = ExchangeCalendar.of(equityLike(on(date, "17:00"), new TreeMap<>()));
    assertThat(late.sessions(date))
        .containsExactly(
            new SessionInterval(
                SessionType.PRE, newYork("2013-10-08T04:00:00"), newYork("2013-10-08T09:30:00")),
            new SessionInterval(
                SessionType.REGULAR,
                newYork("2013-10-08T09:30:00"),
                newYork("2013-10-08T16:00:00")),
            new SessionInterval(
                SessionType.POST, newYork("2013-10-08T16:00:00"), newYork("2013-10-08T17:00:00")));
    ExchangeCalendar atClose = ExchangeCalendar.of(equityLike(on(date, "16:00"), new TreeMap<>()));
    assertThat(atClose.sessions(date))
        .extracting(SessionInterval::type)
        .containsExactly(SessionType.PRE, SessionType.REGULAR);
  }

  @Test
  void earlyCloseMovesEveryPostMarketWindowAfterTheLastRegularOneByTheSameAmount() {
    // a lunch break, and post-market in two parts: 15:00-16:30 and 17:00-18:00
    LocalDate date = LocalDate.of(2013, 10, 8);
    ExchangeCalendar calendar =
        ExchangeCalendar.of(
            weekdays(
                List.of(
                    new SessionWindow(SessionType.REGULAR, t("09:00"), t("11:30")),
                    new SessionWindow(SessionType.REGULAR, t("12:30"), t("15:00")),
                    new SessionWindow(SessionType.POST, t("15:00"), t("16:30")),
                    new SessionWindow(SessionType.POST, t("17:00"), t("18:00"))),
                on(date, "14:00"),
                new TreeMap<>()));
    assertThat(calendar.sessions(date))
        .containsExactly(
            new SessionInterval(
                SessionType.REGULAR,
                newYork("2013-10-08T09:00:00"),
                newYork("2013-10-08T11:30:00")),
            new SessionInterval(
                SessionType.REGULAR,
                newYork("2013-10-08T12:30:00"),
                newYork("2013-10-08T14:00:00")),
            new SessionInterval(
                SessionType.POST, newYork("2013-10-08T14:00:00"), newYork("2013-10-08T15:30:00")),
            new SessionInterval(
                SessionType.POST, newYork("2013-10-08T16:00:00"), newYork("2013-10-08T17:00:00")));
    assertThat(calendar.session(date, SessionType.POST))
        .contains(
            new SessionInterval(
                SessionType.POST, newYork("2013-10-08T14:00:00"), newYork("2013-10-08T17:00:00")));
    CalendarConsistency.check(
        calendar,
        Instant.parse("2013-10-07T00:00:00Z"),
        Instant.parse("2013-10-10T00:00:00Z"),
        Duration.ofSeconds(59));
  }

  @Test
  void aLateOpenAloneLeavesPostMarketWhereItIs() {
    LocalDate date = LocalDate.of(2013, 10, 8);
    ExchangeCalendar calendar = ExchangeCalendar.of(equityLike(new TreeMap<>(), on(date, "11:00")));
    assertThat(calendar.sessions(date))
        .containsExactly(
            new SessionInterval(
                SessionType.REGULAR,
                newYork("2013-10-08T11:00:00"),
                newYork("2013-10-08T16:00:00")),
            new SessionInterval(
                SessionType.POST, newYork("2013-10-08T16:00:00"), newYork("2013-10-08T20:00:00")));
    assertThat(calendar.session(newYork("2013-10-08T19:59:59"))).isEqualTo(SessionType.POST);
    assertThat(calendar.session(newYork("2013-10-08T20:00:00"))).isEqualTo(SessionType.CLOSED);
  }

  @Test
  void callsFromManyThreadsGiveTheSingleThreadedAnswers() throws Exception {
    ExchangeDefinition definition = ExchangeCalendars.bundled().calendar("us-equity").definition();
    ExchangeCalendar reference = ExchangeCalendar.of(definition);
    ExchangeCalendar shared = ExchangeCalendar.of(definition);
    int threads = 8;
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    Instant base = Instant.parse("2012-01-01T00:00:00Z");
    for (int w = 0; w < threads; w++) {
      long seed = w;
      Thread worker =
          new Thread(
              () -> {
                java.util.Random random = new java.util.Random(seed);
                try {
                  for (int i = 0; i < 50_000; i++) {
                    Instant t = base.plusSeconds(random.nextInt(3 * 366 * 86_400));
                    LocalDate date = shared.tradingDate(t);
                    SessionType session = shared.session(t);
                    synchronized (reference) {
                      assertThat(date).isEqualTo(reference.tradingDate(t));
                      assertThat(session).isEqualTo(reference.session(t));
                    }
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    assertThat(failures).isEmpty();
  }
}
