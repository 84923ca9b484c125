package io.ticklake.catalog.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The bundled crypto calendars: 24/7, trading date = UTC date. */
class CryptoCalendarTest {
  private static final ExchangeCalendars CALENDARS = ExchangeCalendars.bundled();

  @Test
  void binanceFuturesTradingDateIsTheUtcDate() {
    ExchangeCalendar calendar = CALENDARS.calendar("binance-futures");
    assertThat(calendar.zone()).isEqualTo(ZoneId.of("UTC"));
    Instant lastMicro = Instant.parse("2020-02-22T23:59:59.999999Z");
    assertThat(calendar.tradingDate(lastMicro)).isEqualTo(LocalDate.of(2020, 2, 22));
    assertThat(calendar.session(lastMicro)).isEqualTo(SessionType.REGULAR);
    Instant midnight = Instant.parse("2020-02-23T00:00:00Z");
    assertThat(calendar.tradingDate(midnight)).isEqualTo(LocalDate.of(2020, 2, 23));
    assertThat(calendar.session(midnight)).isEqualTo(SessionType.REGULAR);
    assertThat(calendar.sessions(LocalDate.of(2020, 2, 22)))
        .containsExactly(
            new SessionInterval(
                SessionType.REGULAR,
                Instant.parse("2020-02-22T00:00:00Z"),
                Instant.parse("2020-02-23T00:00:00Z")));
    assertThat(calendar.regularOpen(LocalDate.of(2020, 2, 22)))
        .contains(Instant.parse("2020-02-22T00:00:00Z"));
    assertThat(calendar.regularClose(LocalDate.of(2020, 2, 22)))
        .contains(Instant.parse("2020-02-23T00:00:00Z"));
  }

  @Test
  void tardisMicrosecondTimestampsMapToTheirUtcDate() {
    ExchangeCalendar calendar = CALENDARS.calendar("binance-futures");
    long micros = 1_582_415_999_999_999L; // 2020-02-22T23:59:59.999999Z
    Instant t = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
    assertThat(calendar.tradingDate(t)).isEqualTo(LocalDate.of(2020, 2, 22));
  }

  @Test
  void everyCryptoDayIsATradingDayWithOneFullDaySession() {
    for (ExchangeDefinition definition : CALENDARS.definitions()) {
      if (definition.assetClass().equals("equity")) {
        continue;
      }
      assertThat(definition.assetClass()).isIn("crypto", "crypto-future");
      ExchangeCalendar calendar = CALENDARS.calendar(definition.exchangeId());
      for (LocalDate d = LocalDate.of(2019, 12, 25);
          d.isBefore(LocalDate.of(2021, 1, 5));
          d = d.plusDays(1)) {
        assertThat(calendar.isTradingDay(d)).as("%s %s", definition.exchangeId(), d).isTrue();
        Instant start = d.atStartOfDay(ZoneId.of("UTC")).toInstant();
        assertThat(calendar.sessions(d))
            .as("%s %s", definition.exchangeId(), d)
            .containsExactly(
                new SessionInterval(SessionType.REGULAR, start, start.plus(Duration.ofDays(1))));
      }
    }
  }

  @Test
  void perInstantAnswersAgreeWithPerDateSessions() {
    CalendarConsistency.check(
        ExchangeCalendar.of(CALENDARS.calendar("coinbase").definition()),
        Instant.parse("2020-01-01T00:00:00Z"),
        Instant.parse("2020-04-01T00:00:00Z"),
        Duration.ofSeconds(3_601));
  }
}
