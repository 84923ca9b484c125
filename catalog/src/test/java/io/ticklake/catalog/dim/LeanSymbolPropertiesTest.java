package io.ticklake.catalog.dim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeanSymbolPropertiesTest {
  @TempDir Path dir;

  @Test
  void usEquitiesTakeTheUsaWildcardRow() {
    LeanSymbolProperties p = LeanSymbolProperties.read(Fixtures.symbolProperties());
    SymbolAttributes ibm = p.find("us-equity", "IBM").orElseThrow();
    assertThat(ibm.assetClass()).isEqualTo("equity");
    assertThat(ibm.currency()).isEqualTo("USD");
    assertThat(ibm.tickSize()).isEqualTo(new BigDecimal("0.010000000"));
    assertThat(ibm.lotSize()).isEqualTo(new BigDecimal("1.00000000"));
    assertThat(ibm.multiplier()).isEqualTo(new BigDecimal("1.00000000"));
    assertThat(p.defaults("us-equity")).contains(ibm);
  }

  @Test
  void cryptoRowsAreFoundByExchangeTypeAndNormalisedSymbol() {
    LeanSymbolProperties p = LeanSymbolProperties.bundled();
    SymbolAttributes perp = p.find("binance-futures", "BTCUSDT").orElseThrow();
    assertThat(perp.assetClass()).isEqualTo("crypto-future");
    assertThat(perp.currency()).isEqualTo("USDT");
    assertThat(perp.tickSize()).isEqualByComparingTo("0.1");
    assertThat(perp.lotSize()).isEqualByComparingTo("0.001");
    SymbolAttributes spot = p.find("binance", "BTC-USDT").orElseThrow();
    assertThat(spot.tickSize()).isEqualByComparingTo("0.01");
    assertThat(spot.lotSize()).isEqualByComparingTo("0.00001");
    assertThat(p.find("coinbase", "BTC-USD").orElseThrow().lotSize())
        .isEqualByComparingTo("0.00000001");
    assertThat(p.find("binance-futures", "DOGEUSDT")).isEmpty();
    assertThat(p.find("nowhere", "BTCUSDT")).isEmpty();
  }

  @Test
  void aTickFinerThanNineDecimalsIsRefusedWhenTheRowIsUsedNamingItsLine() {
    LeanSymbolProperties p = LeanSymbolProperties.read(Fixtures.symbolProperties());
    assertThatThrownBy(() -> p.find("dydx", "PEPE-USD"))
        .isInstanceOf(TicklakeException.class)
        .hasMessage(
            "Cannot load Lean symbol properties "
                + Fixtures.symbolProperties()
                + " line 22: field minimum_price_variation: tick size 0.0000000001 has more than 9"
                + " decimal places");
  }

  @Test
  void malformedFilesNameTheLineAndField() throws Exception {
    Path noHeader = Files.writeString(dir.resolve("a.csv"), "# x\nusa,[*],equity,,USD,1,0.01,1\n");
    assertThatThrownBy(() -> LeanSymbolProperties.read(noHeader))
        .isInstanceOf(TicklakeException.class)
        .hasMessage(
            "Cannot load Lean symbol properties "
                + noHeader
                + " line 2: expected the header market,symbol,type,description,quote_currency,"
                + "contract_multiplier,minimum_price_variation,lot_size,... but found"
                + " 'usa,[*],equity,,USD,1,0.01,1'");
    String header =
        "market,symbol,type,description,quote_currency,contract_multiplier,"
            + "minimum_price_variation,lot_size\n";
    Path badNumber =
        Files.writeString(dir.resolve("b.csv"), header + "usa,[*],equity,,USD,1,0.0x1,1\n");
    assertThatThrownBy(() -> LeanSymbolProperties.read(badNumber))
        .isInstanceOf(TicklakeException.class)
        .hasMessage(
            "Cannot load Lean symbol properties "
                + badNumber
                + " line 2: field minimum_price_variation '0.0x1' is not a number");
    Path shortRow = Files.writeString(dir.resolve("c.csv"), header + "usa,[*],equity,,USD,1\n");
    assertThatThrownBy(() -> LeanSymbolProperties.read(shortRow))
        .isInstanceOf(TicklakeException.class)
        .hasMessageEndingWith(
            "line 2: expected at least 8 fields (market,symbol,type,description,"
                + "quote_currency,contract_multiplier,minimum_price_variation,lot_size) but found 6");
    Path missing = dir.resolve("missing.csv");
    assertThatThrownBy(() -> LeanSymbolProperties.read(missing))
        .isInstanceOf(TicklakeException.class)
        .hasMessage("Cannot read Lean symbol properties " + missing + ": no such file");
  }
}
