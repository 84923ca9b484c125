package io.ticklake.catalog.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeanMarketHoursTest {
  private static final Map<String, LeanMarketHours.Target> TEST_MAPPING =
      Map.of("Test-usa-[*]", new LeanMarketHours.Target("test", "Test", "equity"));

  private static InputStream json(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A database with one entry {@code Test-usa-[*]} whose body is {@code fields}. */
  private static List<ExchangeDefinition> readEntry(String fields) {
    return LeanMarketHours.read(
        json("{\"entries\": {\"Test-usa-[*]\": {" + fields + "}}}"), TEST_MAPPING);
  }

  private static final String ZONE =
      "\"dataTimeZone\": \"UTC\", \"exchangeTimeZone\": \"America/New_York\"";

  @Test
  void bundledDatabaseHasTheSeededEntries() {
    List<ExchangeDefinition> bundled = LeanMarketHours.bundled();
    assertThat(bundled)
        .extracting(ExchangeDefinition::exchangeId)
        .containsExactly(
            "binance",
            "binance-futures",
            "binance-us",
            "bitfinex",
            "bybit",
            "bybit-futures",
            "coinbase",
            "dydx",
            "kraken",
            "us-equity");
    assertThat(LeanMarketHours.bundledMapping()).hasSize(10);
    assertThat(LeanMarketHours.bundledMapping().get("CryptoFuture-binance-[*]").exchangeId())
        .isEqualTo("binance-futures");
    ExchangeDefinition equity = bundled.get(bundled.size() - 1);
    assertThat(equity.zone()).isEqualTo(ZoneId.of("America/New_York"));
    assertThat(equity.dayRollover()).isEqualTo(LocalTime.MIDNIGHT);
    assertThat(equity.holidays()).hasSize(293).contains(LocalDate.of(2013, 11, 28));
    assertThat(equity.earlyCloses())
        .hasSize(65)
        .containsEntry(LocalDate.of(2013, 11, 29), LocalTime.of(13, 0));
    assertThat(equity.lateOpens()).isEmpty();
    assertThat(equity.windows(DayOfWeek.MONDAY))
        .containsExactly(
            new SessionWindow(SessionType.PRE, LocalTime.of(4, 0), LocalTime.of(9, 30)),
            new SessionWindow(SessionType.REGULAR, LocalTime.of(9, 30), LocalTime.of(16, 0)),
            new SessionWindow(SessionType.POST, LocalTime.of(16, 0), LocalTime.of(20, 0)));
    assertThat(equity.windows(DayOfWeek.SATURDAY)).isEmpty();
    assertThat(equity.windows(DayOfWeek.SUNDAY)).isEmpty();
    for (ExchangeDefinition definition : bundled) {
      assertThat(definition.source()).startsWith(LeanMarketHours.SOURCE_PREFIX);
      if (!definition.exchangeId().equals("us-equity")) {
        assertThat(definition.zone()).isEqualTo(ZoneId.of("UTC"));
        for (DayOfWeek day : DayOfWeek.values()) {
          assertThat(definition.windows(day))
              .containsExactly(
                  SessionWindow.untilEndOfDay(SessionType.REGULAR, LocalTime.MIDNIGHT));
        }
      }
    }
  }

  @Test
  void readsLeanTimeSpanFormsAndToleratesMissingParts() {
    List<ExchangeDefinition> read =
        readEntry(
            ZONE
                + ", \"monday\": [{\"start\": \"9:30:00\", \"end\": \"16:0:00\", \"state\": \"market\"},"
                + " {\"start\": \"17:00:00\", \"end\": \"1:00:00:00\", \"state\": \"postmarket\"}],"
                + " \"tuesday\": [{\"start\": \"00:00:00\", \"end\": \"1.00:00:00\", \"state\": \"premarket\"}],"
                + " \"holidays\": [\"7/4/2013\", \"12/25/2013\"],"
                + " \"earlyCloses\": {\"11/29/2013\": \"8:15:00\"},"
                + " \"lateOpens\": {\"1/16/2012\": \"10:30:00.5\"},"
                + " \"bankHolidays\": [\"1/2/2012\"]");
    ExchangeDefinition definition = read.get(0);
    assertThat(definition.exchangeId()).isEqualTo("test");
    assertThat(definition.source()).isEqualTo("lean-market-hours:Test-usa-[*]");
    assertThat(definition.windows(DayOfWeek.MONDAY))
        .containsExactly(
            new SessionWindow(SessionType.REGULAR, LocalTime.of(9, 30), LocalTime.of(16, 0)),
            SessionWindow.untilEndOfDay(SessionType.POST, LocalTime.of(17, 0)));
    assertThat(definition.windows(DayOfWeek.TUESDAY))
        .containsExactly(SessionWindow.untilEndOfDay(SessionType.PRE, LocalTime.MIDNIGHT));
    assertThat(definition.windows(DayOfWeek.SUNDAY)).isEmpty();
    assertThat(definition.holidays())
        .containsExactly(LocalDate.of(2013, 7, 4), LocalDate.of(2013, 12, 25));
    assertThat(definition.earlyCloses())
        .containsEntry(LocalDate.of(2013, 11, 29), LocalTime.of(8, 15));
    assertThat(definition.lateOpens())
        .containsEntry(LocalDate.of(2012, 1, 16), LocalTime.of(10, 30, 0, 500_000_000));
  }

  @Test
  void malformedHolidayNamesTheEntryAndValue() {
    assertThatThrownBy(() -> readEntry(ZONE + ", \"holidays\": [\"1/1/2013\", \"13/45/2013\"]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read market hours entry Test-usa-[*]: holiday '13/45/2013' is not a M/d/yyyy"
                + " date");
  }

  @Test
  void malformedEntriesGiveClearErrors() {
    assertThatThrownBy(
            () ->
                readEntry(
                    ZONE
                        + ", \"monday\": [{\"start\": \"09:30:00\", \"end\": \"16:00:00\", \"state\": \"lunch\"}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read market hours entry Test-usa-[*]: monday segment 0 state 'lunch' is not"
                + " premarket, market or postmarket");
    assertThatThrownBy(
            () ->
                readEntry(
                    ZONE
                        + ", \"friday\": [{\"start\": \"09:30:00\", \"end\": \"1.02:00:00\", \"state\": \"market\"}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read market hours entry Test-usa-[*]: friday segment 0 end '1.02:00:00' is after"
                + " the end of the day (1.00:00:00)");
    assertThatThrownBy(
            () ->
                readEntry(
                    ZONE
                        + ", \"friday\": [{\"start\": \"9h30\", \"end\": \"16:00:00\", \"state\": \"market\"}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read market hours entry Test-usa-[*]: friday segment 0 start '9h30' is not a"
                + " h:mm:ss time");
    assertThatThrownBy(
            () ->
                readEntry(
                    ZONE
                        + ", \"friday\": [{\"start\": \"16:00:00\", \"end\": \"09:30:00\", \"state\": \"market\"}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read market hours entry Test-usa-[*]: friday segment 0 start '16:00:00' is not"
                + " before its end '09:30:00'");
    assertThatThrownBy(() -> readEntry(ZONE + ", \"earlyCloses\": {\"11/29/2013\": \"25:00:00\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read market hours entry Test-usa-[*]: early close on 11/29/2013 '25:00:00' is"
                + " not a h:mm:ss time");
    assertThatThrownBy(() -> readEntry(ZONE + ", \"lateOpens\": {\"2013-11-29\": \"10:00:00\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read market hours entry Test-usa-[*]: late open date '2013-11-29' is not a"
                + " M/d/yyyy date");
    assertThatThrownBy(() -> readEntry("\"exchangeTimeZone\": \"America/Gotham\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read market hours entry Test-usa-[*]: exchangeTimeZone 'America/Gotham' is not"
                + " a known time zone");
    assertThatThrownBy(() -> readEntry("\"dataTimeZone\": \"UTC\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read market hours entry Test-usa-[*]: exchangeTimeZone is missing or not a"
                + " string");
    assertThatThrownBy(
            () ->
                readEntry(
                    ZONE
                        + ", \"monday\": [{\"start\": \"09:30:00\", \"end\": \"16:00:00\", \"state\": \"market\"},"
                        + " {\"start\": \"15:00:00\", \"end\": \"20:00:00\", \"state\": \"postmarket\"}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read market hours entry Test-usa-[*]: Cannot create exchange definition 'test':"
                + " monday windows regular 09:30:00-16:00:00 and post 15:00:00-20:00:00 overlap");
  }

  @Test
  void missingEntryAndBadDocumentsAreReported() {
    assertThatThrownBy(() -> LeanMarketHours.read(json("{\"entries\": {}}"), TEST_MAPPING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot find market hours entry Test-usa-[*] in the Lean market hours database (0"
                + " entries)");
    assertThatThrownBy(() -> LeanMarketHours.read(json("{\"markets\": {}}"), TEST_MAPPING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read the Lean market hours database: it has no \"entries\" object");
    assertThatThrownBy(() -> LeanMarketHours.read(json("{\"entries\": "), TEST_MAPPING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Cannot read the Lean market hours database: it is not valid JSON: ");
    Map<String, LeanMarketHours.Target> twice = new LinkedHashMap<>();
    twice.put("A-[*]", new LeanMarketHours.Target("same", "A", "crypto"));
    twice.put("B-[*]", new LeanMarketHours.Target("same", "B", "crypto"));
    assertThatThrownBy(() -> LeanMarketHours.read(json("{\"entries\": {}}"), twice))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot map two Lean market hours entries to exchange 'same'");
  }
}
