package io.ticklake.catalog.dim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SymbolIdsTest {
  @Test
  void idIsAPositiveFunctionOfExchangeAndCanonicalIdOnly() {
    long bac = SymbolIds.derive("us-equity", "lean:NB:19980102");
    assertThat(bac).isPositive().isEqualTo(SymbolIds.derive("us-equity", "lean:NB:19980102"));
    // pinned (and checked with Python's hashlib): an instrument's id never changes
    assertThat(bac).isEqualTo(1708888104759398476L);
    assertThat(SymbolIds.derive("binance-futures", "BTCUSDT")).isEqualTo(2593706436077923770L);
    assertThat(SymbolIds.derive("us-equity", "lean:NB:19980103")).isNotEqualTo(bac);
    assertThat(SymbolIds.derive("us-equit", "ylean:NB:19980102")).isNotEqualTo(bac);
  }

  @Test
  void normalisationIgnoresCaseAndVendorSeparators() {
    assertThat(SymbolIds.normalize("BTC-USDT")).isEqualTo("BTCUSDT");
    assertThat(SymbolIds.normalize("btc/usdt")).isEqualTo("BTCUSDT");
    assertThat(SymbolIds.normalize("BTC_USDT")).isEqualTo("BTCUSDT");
    assertThat(SymbolIds.normalize(" brk.b ")).isEqualTo("BRKB");
    assertThat(SymbolIds.normalize("BTC/USDT:USDT")).isEqualTo("BTCUSDTUSDT");
    // Locale.ROOT: no Turkish dotless i
    assertThat(SymbolIds.normalize("spy-i")).isEqualTo("SPYI");
  }
}
