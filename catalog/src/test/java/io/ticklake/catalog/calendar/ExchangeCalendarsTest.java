package io.ticklake.catalog.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExchangeCalendarsTest {
  @Test
  void bundledRegistryKnowsTheSeededExchangesSortedById() {
    ExchangeCalendars calendars = ExchangeCalendars.bundled();
    assertThat(calendars).isSameAs(ExchangeCalendars.bundled());
    assertThat(calendars.definitions())
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
    assertThat(calendars.exchangeIds()).hasSize(10);
    assertThat(calendars.calendar("binance-futures").definition().assetClass())
        .isEqualTo("crypto-future");
    assertThat(calendars.calendar("kraken").definition().assetClass()).isEqualTo("crypto");
    assertThat(calendars.find("binance-us")).isPresent();
    assertThat(calendars.find("nyse")).isEmpty();
  }

  @Test
  void unknownExchangeListsTheKnownOnes() {
    assertThatThrownBy(() -> ExchangeCalendars.bundled().calendar("nyse"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot find exchange 'nyse': known exchanges are binance, binance-futures, binance-us,"
                + " bitfinex, bybit, bybit-futures, coinbase, dydx, kraken, us-equity");
    assertThatThrownBy(() -> ExchangeCalendars.of(List.of()).calendar("nyse"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot find exchange 'nyse': no exchanges are known");
  }

  @Test
  void duplicateExchangeIdsAreRejected() {
    ExchangeDefinition kraken = ExchangeCalendars.bundled().calendar("kraken").definition();
    assertThatThrownBy(() -> ExchangeCalendars.of(List.of(kraken, kraken)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot register exchange 'kraken' twice: exchange ids must be unique");
  }
}
