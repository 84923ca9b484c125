package io.ticklake.catalog.dim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CryptoSymbolsTest {
  @TempDir Path dir;

  @Test
  void bundledListHasBinanceFuturesBtcusdtWithItsAliases() {
    List<SymbolReference> refs = CryptoSymbols.bundled();
    SymbolReference btc =
        refs.stream()
            .filter(
                r -> r.exchange().equals("binance-futures") && r.canonicalId().equals("BTCUSDT"))
            .findFirst()
            .orElseThrow();
    assertThat(btc.segments())
        .containsExactly(
            new SymbolReference.Segment(Instant.EPOCH, Optional.empty(), "BTCUSDT", null));
    SymbolAttributes a = btc.attributes();
    assertThat(a.assetClass()).isEqualTo("crypto-future");
    assertThat(a.currency()).isEqualTo("USDT");
    assertThat(a.baseCurrency()).isEqualTo("BTC");
    assertThat(a.tickSize()).isEqualByComparingTo("0.1");
    assertThat(a.lotSize()).isEqualByComparingTo("0.001");
    assertThat(a.multiplier()).isEqualByComparingTo("1");
    assertThat(a.aliases()).containsExactly("BTC-USDT", "BTC/USDT", "BTC/USDT:USDT");
    assertThat(btc.symbolId()).isEqualTo(SymbolIds.derive("binance-futures", "BTCUSDT"));
    assertThat(CryptoSymbols.read(Fixtures.cryptoCsv())).isEqualTo(refs);
  }

  @Test
  void blankDecimalsAreLeftForTheSymbolPropertiesDatabase() throws Exception {
    Path f = csv("binance-futures,ETHUSDT,ETH,USDT,,,,\n");
    SymbolReference r =
        SymbolLoader.withProperties(CryptoSymbols.read(f), LeanSymbolProperties.bundled()).get(0);
    assertThat(r.attributes().tickSize()).isEqualByComparingTo("0.01");
    assertThat(r.attributes().lotSize()).isEqualByComparingTo("0.001");
    assertThat(r.attributes().aliases()).isEmpty();
  }

  @Test
  void theDatabaseIsConsultedOnlyForWhatTheCsvLeavesBlank() throws Exception {
    LeanSymbolProperties properties = LeanSymbolProperties.read(Fixtures.symbolProperties());
    // Lean's row of PEPEUSD has a tick finer than 9 decimals; the CSV's own values are used
    Path given = csv("dydx,PEPE-USD,PEPE,USD,0.000000001,1,1,\n");
    assertThat(
            SymbolLoader.withProperties(CryptoSymbols.read(given), properties)
                .get(0)
                .attributes()
                .tickSize())
        .isEqualByComparingTo("0.000000001");
    Path blank = csv("dydx,PEPE-USD,PEPE,USD,,1,1,\n");
    assertThatThrownBy(() -> SymbolLoader.withProperties(CryptoSymbols.read(blank), properties))
        .isInstanceOf(TicklakeException.class)
        .hasMessage(
            "Cannot load Lean symbol properties "
                + Fixtures.symbolProperties()
                + " line 22: field minimum_price_variation: tick size 0.0000000001 has more than 9"
                + " decimal places");
  }

  @Test
  void malformedRowsNameTheFileLineAndField() throws Exception {
    assertError(
        "Binance,BTCUSDT,BTC,USDT,0.1,0.001,1,\n",
        "line 2: field exchange 'Binance' is not a ticklake exchange id (lower-case letters,"
            + " digits and hyphens)");
    assertError(
        "binance,BTCUSDT,BTC,USDT,0.1,0.001,1\n",
        "line 2: expected 8 fields (" + CryptoSymbols.HEADER + ") but found 7");
    assertError(
        "binance,BTCUSDT,BTC,USDT,0.0000000001,0.001,1,\n",
        "line 2: field tick_size: tick size 0.0000000001 has more than 9 decimal places");
    assertError(
        "binance,BTCUSDT,BTC,USDT,0.1,-1,1,\n",
        "line 2: field lot_size: lot size -1 is not positive");
    assertError(
        "binance,BTCUSDT,BTC,USDT,0.1,abc,1,\n", "line 2: field lot_size 'abc' is not a number");
    assertError("binance,BTCUSDT,,USDT,0.1,0.001,1,\n", "line 2: field base is empty");
    assertError(
        "binance,BTCUSDT,BTC,USDT,0.1,0.001,1,BTC-USDT||X\n",
        "line 2: field aliases 'BTC-USDT||X' has an empty alias");
    assertError(
        "binance,_,BTC,USDT,0.1,0.001,1,\n",
        "line 2: field symbol '_' has no letter or digit (its lookup key would be empty)");
    assertError(
        "binance,BTCUSDT,BTC,USDT,0.1,0.001,1,BTC-USDT|/\n",
        "line 2: field aliases: '/' has no letter or digit (its lookup key would be empty)");
    assertError(
        "binance,BTCUSDT,BTC,USDT,,,,\nbinance,BTC-USDT,BTC,USDT,,,,\n",
        "line 3: symbol BTC-USDT on binance repeats line 2");
    Path noHeader = Files.writeString(dir.resolve("h.csv"), "binance,BTCUSDT,BTC,USDT,,,,\n");
    assertThatThrownBy(() -> CryptoSymbols.read(noHeader))
        .isInstanceOf(TicklakeException.class)
        .hasMessage(
            "Cannot load crypto symbols "
                + noHeader
                + " line 1: expected the header "
                + CryptoSymbols.HEADER
                + " but found 'binance,BTCUSDT,BTC,USDT,,,,'");
  }

  private Path csv(String rows) throws Exception {
    return Files.writeString(dir.resolve("c.csv"), CryptoSymbols.HEADER + "\n" + rows);
  }

  private void assertError(String rows, String detail) throws Exception {
    Path f = csv(rows);
    assertThatThrownBy(() -> CryptoSymbols.read(f))
        .isInstanceOf(TicklakeException.class)
        .hasMessage("Cannot load crypto symbols " + f + " " + detail);
  }
}
