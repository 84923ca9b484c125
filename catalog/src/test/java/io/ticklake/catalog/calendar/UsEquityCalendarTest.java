package io.ticklake.catalog.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bundled us-equity calendar (Lean's Equity-usa-[*]) on real 2013 edge cases. */
class UsEquityCalendarTest {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private final ExchangeCalendar calendar = ExchangeCalendars.bundled().calendar("us-equity");

  private static Instant at(String utc) {
    return Instant.parse(utc);
  }

  private static Instant newYork(String localDateTime) {
    return java.time.LocalDateTime.parse(localDateTime).atZone(NEW_YORK).toInstant();
  }

  @Test
  void identity() {
    assertThat(calendar.exchangeId()).isEqualTo("us-equity");
    assertThat(calendar.zone()).isEqualTo(NEW_YORK);
    assertThat(calendar.definition().assetClass()).isEqualTo("equity");
    assertThat(calendar.definition().name()).isEqualTo("US equities (consolidated)");
  }

  @Test
  void regularDaySessionsAreInUtcDuringDaylightSavingTime() {
    assertThat(calendar.sessions(LocalDate.of(2013, 10, 7)))
        .containsExactly(
            new SessionInterval(
                SessionType.PRE, at("2013-10-07T08:00:00Z"), at("2013-10-07T13:30:00Z")),
            new SessionInterval(
                SessionType.REGULAR, at("2013-10-07T13:30:00Z"), at("2013-10-07T20:00:00Z")),
            new SessionInterval(
                SessionType.POST, at("2013-10-07T20:00:00Z"), at("2013-10-08T00:00:00Z")));
    assertThat(calendar.isTradingDay(LocalDate.of(2013, 10, 7))).isTrue();
    assertThat(calendar.session(at("2013-10-07T07:59:59.999999999Z")))
        .isEqualTo(SessionType.CLOSED);
    assertThat(calendar.session(at("2013-10-07T08:00:00Z"))).isEqualTo(SessionType.PRE);
    assertThat(calendar.session(at("2013-10-07T13:29:59.999Z"))).isEqualTo(SessionType.PRE);
    assertThat(calendar.session(at("2013-10-07T13:30:00Z"))).isEqualTo(SessionType.REGULAR);
    assertThat(calendar.session(at("2013-10-07T20:00:00Z"))).isEqualTo(SessionType.POST);
  }

  @Test
  void daylightSavingTimeEndShiftsOpensByOneHourInUtc() {
    LocalDate friday = LocalDate.of(2013, 11, 1);
    LocalDate monday = LocalDate.of(2013, 11, 4);
    assertThat(calendar.regularOpen(friday)).contains(at("2013-11-01T13:30:00Z"));
    assertThat(calendar.regularOpen(monday)).contains(at("2013-11-04T14:30:00Z"));
    assertThat(calendar.regularClose(friday)).contains(at("2013-11-01T20:00:00Z"));
    assertThat(calendar.regularClose(monday)).contains(at("2013-11-04T21:00:00Z"));
    assertThat(calendar.session(friday, SessionType.PRE).map(SessionInterval::open))
        .contains(at("2013-11-01T08:00:00Z"));
    assertThat(calendar.session(monday, SessionType.PRE).map(SessionInterval::open))
        .contains(at("2013-11-04T09:00:00Z"));
    assertThat(calendar.session(at("2013-11-04T14:00:00Z"))).isEqualTo(SessionType.PRE);
    assertThat(calendar.session(at("2013-11-01T14:00:00Z"))).isEqualTo(SessionType.REGULAR);
  }

  @Test
  void repeatedHourOfTheDaylightSavingTimeEndIsClosedOnItsOwnDate() {
    LocalDate sunday = LocalDate.of(2013, 11, 3);
    assertThat(calendar.isTradingDay(sunday)).isFalse();
    assertThat(calendar.sessions(sunday)).isEmpty();
    Instant firstOneThirty = at("2013-11-03T05:30:00Z"); // 01:30 EDT
    Instant secondOneThirty = at("2013-11-03T06:30:00Z"); // 01:30 EST
    assertThat(firstOneThirty.atZone(NEW_YORK).toLocalTime())
        .isEqualTo(secondOneThirty.atZone(NEW_YORK).toLocalTime());
    for (Instant t : List.of(firstOneThirty, secondOneThirty)) {
      assertThat(calendar.tradingDate(t)).isEqualTo(sunday);
      assertThat(calendar.session(t)).isEqualTo(SessionType.CLOSED);
    }
    // The 25-hour day: from local midnight EDT to local midnight EST.
    assertThat(calendar.startOf(sunday)).isEqualTo(at("2013-11-03T04:00:00Z"));
    assertThat(calendar.endOf(sunday)).isEqualTo(at("2013-11-04T05:00:00Z"));
    assertThat(Duration.between(calendar.startOf(sunday), calendar.endOf(sunday)))
        .isEqualTo(Duration.ofHours(25));
  }

  @Test
  void thanksgivingIsAHolidayWithoutSessions() {
    LocalDate thanksgiving = LocalDate.of(2013, 11, 28);
    assertThat(calendar.isTradingDay(thanksgiving)).isFalse();
    assertThat(calendar.sessions(thanksgiving)).isEmpty();
    assertThat(calendar.regularOpen(thanksgiving)).isEmpty();
    assertThat(calendar.regularClose(thanksgiving)).isEmpty();
    Instant midday = newYork("2013-11-28T12:00:00");
    assertThat(calendar.session(midday)).isEqualTo(SessionType.CLOSED);
    assertThat(calendar.tradingDate(midday)).isEqualTo(thanksgiving);
  }

  /**
   * 2013-11-29 closes early at 13:00 New York (EST, UTC-5): pre-market and the regular session are
   * cut at 13:00 as in Lean, and post-market keeps its four hours from the early close, 13:00-17:00
   * (Nasdaq's extended session ends at 17:00 on early-close days), not Lean's none.
   */
  @Test
  void earlyCloseCutsTheRegularSessionAndMovesPostMarketToTheEarlyClose() {
    LocalDate blackFriday = LocalDate.of(2013, 11, 29);
    assertThat(calendar.isTradingDay(blackFriday)).isTrue();
    assertThat(calendar.regularClose(blackFriday)).contains(at("2013-11-29T18:00:00Z"));
    assertThat(calendar.sessions(blackFriday))
        .containsExactly(
            new SessionInterval(
                SessionType.PRE, at("2013-11-29T09:00:00Z"), at("2013-11-29T14:30:00Z")),
            new SessionInterval(
                SessionType.REGULAR, at("2013-11-29T14:30:00Z"), at("2013-11-29T18:00:00Z")),
            new SessionInterval(
                SessionType.POST, at("2013-11-29T18:00:00Z"), at("2013-11-29T22:00:00Z")));
    assertThat(calendar.sessions(blackFriday))
        .containsExactly(
            new SessionInterval(
                SessionType.PRE, newYork("2013-11-29T04:00:00"), newYork("2013-11-29T09:30:00")),
            new SessionInterval(
                SessionType.REGULAR,
                newYork("2013-11-29T09:30:00"),
                newYork("2013-11-29T13:00:00")),
            new SessionInterval(
                SessionType.POST, newYork("2013-11-29T13:00:00"), newYork("2013-11-29T17:00:00")));
    assertThat(calendar.session(blackFriday, SessionType.POST))
        .contains(
            new SessionInterval(
                SessionType.POST, at("2013-11-29T18:00:00Z"), at("2013-11-29T22:00:00Z")));
    assertThat(calendar.session(newYork("2013-11-29T12:59:59.999999")))
        .isEqualTo(SessionType.REGULAR);
    assertThat(calendar.session(newYork("2013-11-29T13:00:00"))).isEqualTo(SessionType.POST);
    assertThat(calendar.session(newYork("2013-11-29T13:30:00"))).isEqualTo(SessionType.POST);
    assertThat(calendar.session(newYork("2013-11-29T16:30:00"))).isEqualTo(SessionType.POST);
    assertThat(calendar.session(at("2013-11-29T21:59:59.999999999Z"))).isEqualTo(SessionType.POST);
    assertThat(calendar.session(newYork("2013-11-29T17:00:00"))).isEqualTo(SessionType.CLOSED);
    assertThat(calendar.session(newYork("2013-11-29T17:30:00"))).isEqualTo(SessionType.CLOSED);
    assertThat(calendar.session(newYork("2013-11-29T19:59:00"))).isEqualTo(SessionType.CLOSED);
    for (String local :
        List.of(
            "2013-11-29T04:00:00",
            "2013-11-29T13:00:00",
            "2013-11-29T16:30:00",
            "2013-11-29T17:00:00",
            "2013-11-29T17:30:00",
            "2013-11-29T23:59:59.999999999")) {
      assertThat(calendar.tradingDate(newYork(local))).as(local).isEqualTo(blackFriday);
    }
    assertThat(calendar.tradingDate(at("2013-11-30T05:00:00Z")))
        .isEqualTo(LocalDate.of(2013, 11, 30));
  }

  @Test
  void everyEarlyCloseOf2013MovesPostMarketToStartAtTheEarlyClose() {
    ExchangeDefinition definition = calendar.definition();
    List<LocalDate> earlyCloses =
        definition.earlyCloses().keySet().stream().filter(d -> d.getYear() == 2013).toList();
    assertThat(earlyCloses)
        .containsExactly(
            LocalDate.of(2013, 7, 3), LocalDate.of(2013, 11, 29), LocalDate.of(2013, 12, 24));
    for (LocalDate date : earlyCloses) {
      Instant close = date.atTime(definition.earlyCloses().get(date)).atZone(NEW_YORK).toInstant();
      assertThat(calendar.regularClose(date)).as("close of %s", date).contains(close);
      assertThat(calendar.session(date, SessionType.POST))
          .as("post-market of %s", date)
          .contains(new SessionInterval(SessionType.POST, close, close.plus(Duration.ofHours(4))));
    }
  }

  @Test
  void daysAroundTheEarlyCloseKeepTheirNormalSessions() {
    LocalDate wednesday = LocalDate.of(2013, 11, 27);
    LocalDate monday = LocalDate.of(2013, 12, 2);
    for (LocalDate date : List.of(wednesday, monday)) {
      String d = date.toString();
      assertThat(calendar.sessions(date))
          .as(d)
          .containsExactly(
              new SessionInterval(
                  SessionType.PRE, newYork(d + "T04:00:00"), newYork(d + "T09:30:00")),
              new SessionInterval(
                  SessionType.REGULAR, newYork(d + "T09:30:00"), newYork(d + "T16:00:00")),
              new SessionInterval(
                  SessionType.POST, newYork(d + "T16:00:00"), newYork(d + "T20:00:00")));
    }
    assertThat(calendar.session(newYork("2013-11-27T17:30:00"))).isEqualTo(SessionType.POST);
  }

  @Test
  void afterHoursPrintKeepsItsNewYorkDate() {
    Instant print = newYork("2013-10-08T19:59:00");
    assertThat(print).isEqualTo(at("2013-10-08T23:59:00Z"));
    assertThat(calendar.session(print)).isEqualTo(SessionType.POST);
    assertThat(calendar.tradingDate(print)).isEqualTo(LocalDate.of(2013, 10, 8));
    Instant eight = newYork("2013-10-08T20:00:00");
    assertThat(calendar.session(eight)).isEqualTo(SessionType.CLOSED);
    assertThat(calendar.tradingDate(eight)).isEqualTo(LocalDate.of(2013, 10, 8));
  }

  @Test
  void instantsOutsideSessionsHaveTheirLocalDate() {
    Instant threeAm = newYork("2013-10-08T03:00:00");
    assertThat(calendar.tradingDate(threeAm)).isEqualTo(LocalDate.of(2013, 10, 8));
    assertThat(calendar.session(threeAm)).isEqualTo(SessionType.CLOSED);
    assertThat(calendar.tradingDate(at("2013-10-08T03:59:59.999999999Z")))
        .isEqualTo(LocalDate.of(2013, 10, 7));
    assertThat(calendar.tradingDate(at("2013-10-08T04:00:00Z")))
        .isEqualTo(LocalDate.of(2013, 10, 8));
    assertThat(calendar.isTradingDay(LocalDate.of(2013, 10, 5))).isFalse(); // Saturday
    assertThat(calendar.session(newYork("2013-10-05T12:00:00"))).isEqualTo(SessionType.CLOSED);
  }

  @Test
  void year2013Has252TradingDays() {
    long tradingDays =
        LocalDate.of(2013, 1, 1)
            .datesUntil(LocalDate.of(2014, 1, 1))
            .filter(calendar::isTradingDay)
            .count();
    assertThat(tradingDays).isEqualTo(252);
  }

  @Test
  void closedIsNotASessionToLookUp() {
    assertThatThrownBy(() -> calendar.session(LocalDate.of(2013, 10, 7), SessionType.CLOSED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot look up the closed session of us-equity on 2013-10-07: closed is the absence"
                + " of a session");
  }

  @Test
  void perInstantAnswersAgreeWithPerDateSessionsAcrossTheYear() {
    CalendarConsistency.check(
        ExchangeCalendar.of(calendar.definition()),
        at("2012-12-30T00:00:00Z"),
        at("2014-01-02T00:00:00Z"),
        Duration.ofSeconds(337));
  }
}
