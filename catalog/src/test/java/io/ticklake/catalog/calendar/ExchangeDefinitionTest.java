package io.ticklake.catalog.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.LocalDate;
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

class ExchangeDefinitionTest {
  private static final String EMPTY_WEEK =
      "{\"monday\":[],\"tuesday\":[],\"wednesday\":[],\"thursday\":[],\"friday\":[],"
          + "\"saturday\":[],\"sunday\":[]}";

  private static ExchangeDefinition roundTrip(ExchangeDefinition d) {
    return ExchangeDefinition.fromColumns(
        d.exchangeId(),
        d.name(),
        d.assetClass(),
        d.timeZoneText(),
        d.dayRolloverText(),
        d.weeklySessionsJson(),
        d.holidaysJson(),
        d.earlyClosesJson(),
        d.lateOpensJson(),
        d.source());
  }

  private static ExchangeDefinition fromWeek(String weeklySessionsJson) {
    return ExchangeDefinition.fromColumns(
        "x", "X", "equity", "UTC", "00:00:00", weeklySessionsJson, "[]", "{}", "{}", "test");
  }

  @Test
  void everyBundledDefinitionRoundTripsExactly() {
    List<ExchangeDefinition> bundled = LeanMarketHours.bundled();
    assertThat(bundled).hasSize(10);
    for (ExchangeDefinition definition : bundled) {
      ExchangeDefinition back = roundTrip(definition);
      assertThat(back).isEqualTo(definition);
      assertThat(back.weeklySessionsJson()).isEqualTo(definition.weeklySessionsJson());
      assertThat(back.holidaysJson()).isEqualTo(definition.holidaysJson());
      assertThat(back.earlyClosesJson()).isEqualTo(definition.earlyClosesJson());
      assertThat(back.lateOpensJson()).isEqualTo(definition.lateOpensJson());
      assertThat(back.dayRolloverText()).isEqualTo(definition.dayRolloverText());
    }
  }

  @Test
  void columnsOfUsEquitiesAreDeterministicText() {
    ExchangeDefinition equity = ExchangeCalendars.bundled().calendar("us-equity").definition();
    String weekday =
        "[{\"session\":\"pre\",\"start\":\"04:00:00\",\"end\":\"09:30:00\"},"
            + "{\"session\":\"regular\",\"start\":\"09:30:00\",\"end\":\"16:00:00\"},"
            + "{\"session\":\"post\",\"start\":\"16:00:00\",\"end\":\"20:00:00\"}]";
    assertThat(equity.weeklySessionsJson())
        .isEqualTo(
            "{\"monday\":"
                + weekday
                + ",\"tuesday\":"
                + weekday
                + ",\"wednesday\":"
                + weekday
                + ",\"thursday\":"
                + weekday
                + ",\"friday\":"
                + weekday
                + ",\"saturday\":[],\"sunday\":[]}");
    assertThat(equity.timeZoneText()).isEqualTo("America/New_York");
    assertThat(equity.dayRolloverText()).isEqualTo("00:00:00");
    assertThat(equity.holidaysJson()).startsWith("[\"1998-01-01\",\"1998-01-19\",");
    assertThat(equity.holidaysJson()).contains("\"2013-11-28\"").endsWith("\"2028-12-25\"]");
    assertThat(equity.earlyClosesJson())
        .startsWith("{\"1999-11-26\":\"13:00:00\",")
        .contains("\"2013-11-29\":\"13:00:00\"");
    assertThat(equity.lateOpensJson()).isEqualTo("{}");
    assertThat(equity.source()).isEqualTo("lean-market-hours:Equity-usa-[*]");
  }

  @Test
  void fullDayWindowEndsAt2400() {
    ExchangeDefinition crypto = ExchangeCalendars.bundled().calendar("coinbase").definition();
    assertThat(crypto.weeklySessionsJson())
        .startsWith(
            "{\"monday\":[{\"session\":\"regular\",\"start\":\"00:00:00\",\"end\":\"24:00:00\"}],");
    SessionWindow window = crypto.windows(DayOfWeek.SUNDAY).get(0);
    assertThat(window.endsAtMidnight()).isTrue();
    assertThat(window.end()).isEqualTo(LocalTime.MIDNIGHT);
    assertThat(window.endNanoOfDay()).isEqualTo(86_400_000_000_000L);
    assertThat(window).hasToString("regular 00:00:00-24:00:00");
  }

  @Test
  void outputDoesNotDependOnInputOrderAndFillsMissingDays() {
    SessionWindow pre = new SessionWindow(SessionType.PRE, LocalTime.of(4, 0), LocalTime.of(9, 30));
    SessionWindow regular =
        new SessionWindow(SessionType.REGULAR, LocalTime.of(9, 30), LocalTime.of(16, 0));
    Map<DayOfWeek, List<SessionWindow>> week = new EnumMap<>(DayOfWeek.class);
    week.put(DayOfWeek.TUESDAY, new ArrayList<>(List.of(regular, pre)));
    TreeSet<LocalDate> holidays =
        new TreeSet<>(List.of(LocalDate.of(2013, 12, 25), LocalDate.of(2013, 1, 1)));
    SortedMap<LocalDate, LocalTime> earlyCloses = new TreeMap<>();
    earlyCloses.put(LocalDate.of(2013, 12, 24), LocalTime.of(13, 0));
    earlyCloses.put(LocalDate.of(2013, 7, 3), LocalTime.of(13, 0, 0, 500_000_000));
    ExchangeDefinition definition =
        new ExchangeDefinition(
            "test-exchange",
            "Test",
            "equity",
            ZoneId.of("Europe/London"),
            LocalTime.of(17, 0),
            week,
            holidays,
            earlyCloses,
            new TreeMap<>(),
            "test");
    assertThat(definition.weeklySessions()).hasSize(7);
    assertThat(definition.windows(DayOfWeek.TUESDAY)).containsExactly(pre, regular);
    assertThat(definition.windows(DayOfWeek.MONDAY)).isEmpty();
    assertThat(definition.weeklySessionsJson())
        .isEqualTo(
            "{\"monday\":[],\"tuesday\":[{\"session\":\"pre\",\"start\":\"04:00:00\",\"end\":\"09:30:00\"},"
                + "{\"session\":\"regular\",\"start\":\"09:30:00\",\"end\":\"16:00:00\"}],"
                + "\"wednesday\":[],\"thursday\":[],\"friday\":[],\"saturday\":[],\"sunday\":[]}");
    assertThat(definition.holidaysJson()).isEqualTo("[\"2013-01-01\",\"2013-12-25\"]");
    assertThat(definition.earlyClosesJson())
        .isEqualTo("{\"2013-07-03\":\"13:00:00.5\",\"2013-12-24\":\"13:00:00\"}");
    assertThat(definition.dayRolloverText()).isEqualTo("17:00:00");
    assertThat(roundTrip(definition)).isEqualTo(definition);
    // The copies are immutable and detached from the inputs.
    week.put(DayOfWeek.MONDAY, List.of(pre));
    assertThat(definition.windows(DayOfWeek.MONDAY)).isEmpty();
    assertThatThrownBy(() -> definition.holidays().add(LocalDate.of(2014, 1, 1)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> definition.windows(DayOfWeek.TUESDAY).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void malformedColumnsGiveClearErrors() {
    assertThatThrownBy(
            () ->
                ExchangeDefinition.fromColumns(
                    "x",
                    "X",
                    "equity",
                    "Mars/Olympus",
                    "00:00:00",
                    EMPTY_WEEK,
                    "[]",
                    "{}",
                    "{}",
                    "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read exchange 'x': time_zone 'Mars/Olympus' is not a known time zone");
    assertThatThrownBy(
            () ->
                ExchangeDefinition.fromColumns(
                    "x", "X", "equity", "UTC", "17:00", EMPTY_WEEK, "[]", "{}", "{}", "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read exchange 'x': day_rollover '17:00' is not a HH:mm:ss time");
    assertThatThrownBy(
            () ->
                ExchangeDefinition.fromColumns(
                    "x",
                    "X",
                    "equity",
                    "UTC",
                    "00:00:00",
                    EMPTY_WEEK,
                    "[\"2013-02-30\"]",
                    "{}",
                    "{}",
                    "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read exchange 'x': holidays element '2013-02-30' is not a yyyy-MM-dd date");
    assertThatThrownBy(
            () ->
                ExchangeDefinition.fromColumns(
                    "x",
                    "X",
                    "equity",
                    "UTC",
                    "00:00:00",
                    EMPTY_WEEK,
                    "[]",
                    "{\"2013-11-29\":\"25:00:00\"}",
                    "{}",
                    "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read exchange 'x': early_closes 2013-11-29 '25:00:00' is not a HH:mm:ss time");
    assertThatThrownBy(
            () ->
                ExchangeDefinition.fromColumns(
                    "x", "X", "equity", "UTC", "00:00:00", EMPTY_WEEK, "[]", "{}", "[]", "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read exchange 'x': late_opens is not a JSON object");
    assertThatThrownBy(() -> fromWeek("{\"monday\":["))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot read exchange 'x': weekly_sessions is not valid JSON: ");
    assertThatThrownBy(() -> fromWeek("{\"funday\":[]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read exchange 'x': weekly_sessions day 'funday' is not monday ... sunday");
    assertThatThrownBy(() -> fromWeek("{\"monday\":[],\"monday\":[]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Cannot read exchange 'x': weekly_sessions is not valid JSON: Duplicate field 'monday'");
    assertThatThrownBy(
            () ->
                fromWeek(
                    "{\"monday\":[{\"session\":\"closed\",\"start\":\"04:00:00\",\"end\":\"09:30:00\"}]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read exchange 'x': weekly_sessions monday[0] session 'closed' is not pre, regular or post");
    assertThatThrownBy(
            () ->
                fromWeek(
                    "{\"monday\":[{\"session\":\"pre\",\"start\":\"24:00:00\",\"end\":\"24:00:00\"}]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read exchange 'x': weekly_sessions monday[0] start '24:00:00' is not a HH:mm:ss time");
    assertThatThrownBy(
            () ->
                fromWeek(
                    "{\"monday\":[{\"session\":\"pre\",\"start\":\"10:00:00\",\"end\":\"09:00:00\"}]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read exchange 'x': weekly_sessions monday[0] does not start before it ends");
    assertThatThrownBy(
            () -> fromWeek("{\"monday\":[{\"session\":\"pre\",\"start\":\"10:00:00\"}]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read exchange 'x': weekly_sessions monday[0] is not an object with exactly"
                + " session, start and end");
  }

  @Test
  void invalidDefinitionsAreRejected() {
    assertThatThrownBy(
            () ->
                new ExchangeDefinition(
                    "US Equity",
                    "X",
                    "equity",
                    ZoneId.of("UTC"),
                    LocalTime.MIDNIGHT,
                    Map.of(),
                    new TreeSet<>(),
                    new TreeMap<>(),
                    new TreeMap<>(),
                    "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot create exchange definition 'US Equity': an exchange id is lower-case letters"
                + " and digits, optionally joined by single hyphens");
    Map<DayOfWeek, List<SessionWindow>> overlapping =
        Map.of(
            DayOfWeek.MONDAY,
            List.of(
                new SessionWindow(SessionType.REGULAR, LocalTime.of(9, 30), LocalTime.of(16, 0)),
                new SessionWindow(SessionType.POST, LocalTime.of(15, 0), LocalTime.of(20, 0))));
    assertThatThrownBy(
            () ->
                new ExchangeDefinition(
                    "x",
                    "X",
                    "equity",
                    ZoneId.of("UTC"),
                    LocalTime.MIDNIGHT,
                    overlapping,
                    new TreeSet<>(),
                    new TreeMap<>(),
                    new TreeMap<>(),
                    "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot create exchange definition 'x': monday windows regular 09:30:00-16:00:00 and"
                + " post 15:00:00-20:00:00 overlap");
    assertThatThrownBy(
            () -> new SessionWindow(SessionType.REGULAR, LocalTime.of(16, 0), LocalTime.of(9, 30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot create session window regular 16:00:00-09:30:00: it must start before it ends");
    assertThatThrownBy(
            () -> new SessionWindow(SessionType.CLOSED, LocalTime.of(9, 0), LocalTime.of(9, 30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot create a session window of type closed: closed is the absence of a window");
  }
}
