package io.ticklake.catalog.dim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SymbolRegistryTest {
  @TempDir Path dir;
  Warehouse warehouse;
  DimSymbolTable dim;

  @BeforeEach
  void setUp() {
    warehouse = Warehouse.open(WarehouseConfig.embedded(dir));
    new LakeInitializer(warehouse).commit();
    dim = DimSymbolTable.open(warehouse);
  }

  @AfterEach
  void tearDown() {
    warehouse.close();
  }

  @Test
  void autoRegistersUnknownSymbolsOnFirstSightWithDefaults() {
    SymbolRegistry registry = new SymbolRegistry(dim, RegistrationPolicy.AUTO, Fixtures.CLOCK);
    SymbolRegistry.Registration r = registry.ensureRegistered("us-equity", "IBM", "ibm", "AAPL");
    assertThat(r.known()).isEmpty();
    assertThat(r.rejected()).isEmpty();
    // IBM and ibm share a key: one instrument, named by the first spelling in sorted order
    assertThat(r.registered()).extracting(SymbolVersion::ticker).containsExactly("AAPL", "IBM");
    SymbolVersion ibm = dim.read().versionsOf(SymbolIds.derive("us-equity", "IBM")).get(0);
    assertThat(ibm.canonicalId()).isEqualTo("IBM");
    assertThat(ibm.autoRegistered()).isTrue();
    assertThat(ibm.current()).isTrue();
    assertThat(ibm.validFrom()).isEqualTo(Instant.EPOCH);
    assertThat(ibm.source()).isEqualTo("auto-registered");
    assertThat(ibm.attributes().assetClass()).isEqualTo("equity");
    assertThat(ibm.attributes().currency()).isEqualTo("USD");
    assertThat(ibm.attributes().tickSize()).isEqualByComparingTo("0.01");
    assertThat(r.version()).isEqualTo(dim.currentVersion());
    // old data resolves too
    assertThat(
            SymbolResolver.of(dim.read())
                .symbolId("us-equity", "ibm", Instant.parse("1999-01-04T15:00:00Z")))
        .hasValue(ibm.symbolId());

    SymbolRegistry.Registration again = registry.ensureRegistered("us-equity", "IBM", "AAPL");
    assertThat(again.known()).containsExactly("AAPL", "IBM");
    assertThat(again.registered()).isEmpty();
    assertThat(again.version()).isEqualTo(r.version());
  }

  @Test
  void aliasesCountAsKnown() {
    new SymbolLoader(CryptoSymbols.bundled(), Fixtures.TODAY, Fixtures.CLOCK)
        .commit(dim, DimSymbolTable.Retry.DEFAULT);
    SymbolRegistry registry = new SymbolRegistry(dim, RegistrationPolicy.AUTO, Fixtures.CLOCK);
    SymbolRegistry.Registration r =
        registry.ensureRegistered("binance-futures", "BTC/USDT:USDT", "btc-usdt", "SOLUSDT");
    assertThat(r.known()).containsExactly("BTC/USDT:USDT", "btc-usdt");
    assertThat(r.registered()).extracting(SymbolVersion::ticker).containsExactly("SOLUSDT");
    assertThat(r.registered().get(0).attributes().assetClass()).isEqualTo("crypto-future");
  }

  @Test
  void strictRejectsUnknownSymbolsAndWritesNothing() {
    SymbolRegistry registry = new SymbolRegistry(dim, RegistrationPolicy.STRICT, Fixtures.CLOCK);
    SymbolRegistry.Registration r = registry.ensureRegistered("us-equity", "IBM", "--");
    assertThat(r.rejected()).containsExactly("--", "IBM");
    assertThat(r.registered()).isEmpty();
    assertThat(r.version()).isEqualTo(DimVersion.EMPTY);
    assertThat(dim.table().currentSnapshot()).isNull();
  }

  @Test
  void policyParsesFromTextAndEnvironment() {
    assertThat(RegistrationPolicy.parse(" Strict ")).isEqualTo(RegistrationPolicy.STRICT);
    assertThat(RegistrationPolicy.fromEnvironment(Map.of())).isEqualTo(RegistrationPolicy.AUTO);
    assertThat(RegistrationPolicy.fromEnvironment(Map.of(RegistrationPolicy.ENV, "auto")))
        .isEqualTo(RegistrationPolicy.AUTO);
    assertThatThrownBy(() -> RegistrationPolicy.parse("lenient"))
        .isInstanceOf(TicklakeException.class)
        .hasMessage("Cannot use symbol registration policy 'lenient': expected auto or strict");
  }

  @Test
  void concurrentRegistrationsOfTheSameSymbolsWriteThemOnce() throws Exception {
    int threads = 4;
    CyclicBarrier barrier = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<SymbolRegistry.Registration>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(
            pool.submit(
                () -> {
                  SymbolRegistry registry =
                      new SymbolRegistry(
                          DimSymbolTable.open(warehouse), RegistrationPolicy.AUTO, Fixtures.CLOCK);
                  barrier.await(30, TimeUnit.SECONDS);
                  return registry.ensureRegistered("binance-futures", "BTCUSDT", "ETHUSDT");
                }));
      }
      int registered = 0;
      for (Future<SymbolRegistry.Registration> f : futures) {
        registered += f.get(60, TimeUnit.SECONDS).registered().size();
      }
      assertThat(registered).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
    assertThat(dim.read().rows())
        .extracting(SymbolVersion::ticker)
        .containsExactly("BTCUSDT", "ETHUSDT");
  }
}
