package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.quarantine.Severity;
import io.ticklake.silver.BronzeFixture.Quote;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation settings stored in the Silver table's properties, and the plan following them. */
class StoredRulesTest {
  private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

  @TempDir Path dir;

  private static SilverCompactor compactor(Warehouse w, SilverTable kind) {
    return new SilverCompactor(w, kind, CompactOptions.defaults(), Clock.systemUTC());
  }

  /** Replaces the table's ticklake.rules.* properties with those of {@code settings}. */
  private static void store(Warehouse w, SilverTable kind, ValidationSettings settings) {
    Table t = w.table(kind.silver().id());
    UpdateProperties u = t.updateProperties();
    t.properties().keySet().stream()
        .filter(k -> k.startsWith(ValidationSettings.PROPERTY_PREFIX))
        .forEach(u::remove);
    settings.toProperties(kind).forEach(u::set);
    u.commit();
  }

  private static List<String> reasons(CompactionPlan plan) {
    return plan.partitions().stream().map(CompactionPlan.Task::reason).toList();
  }

  private static List<String> quarantine(Warehouse w) throws Exception {
    List<Record> q = BronzeFixture.read(w.table(TableContracts.QUARANTINE.id()));
    return q.stream()
        .sorted(java.util.Comparator.comparing(r -> (Long) r.getField("file_seq")))
        .map(r -> r.getField("file_seq") + ":" + r.getField("rule") + ":" + r.getField("severity"))
        .toList();
  }

  private static void fiveQuotes(Warehouse w) {
    BronzeFixture.appendQuoteFile(
        BronzeFixture.bronzeQuotes(w),
        1,
        List.of(
            new Quote("BTCUSDT", T0, "100.1", "1", "100.2", "2"),
            new Quote("BTCUSDT", T0.plusMillis(1), "100.1", "1", null, null),
            new Quote("BTCUSDT", T0.plusMillis(2), "100.3", "1", "100.2", "2"),
            new Quote("BTCUSDT", T0.plusMillis(3), "100.2", "1", "100.2", "2"),
            new Quote("BTCUSDT", T0.plusMillis(4), "100.1", "-1", "100.2", "2")));
  }

  @Test
  void aStoredRuleChangeRebuildsOnlyThePartitionsBuiltUnderOtherRules() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      fiveQuotes(w);
      BronzeFixture.appendTradeFiles(
          BronzeFixture.bronzeTrades(w), 1, List.of(BronzeFixture.trades(20, 7)));
      PartitionResult first = compactor(w, SilverTable.QUOTES).run().get(0);
      compactor(w, SilverTable.TRADES).run();
      assertThat(first.warned()).isEqualTo(1); // the locked quote, kept
      assertThat(first.rowsOut()).isEqualTo(3);

      store(
          w,
          SilverTable.QUOTES,
          ValidationSettings.defaults().withSeverity("quote_locked", Severity.ERROR));
      assertThat(reasons(compactor(w, SilverTable.QUOTES).plan())).containsExactly("rules");
      // the trades' settings did not change
      assertThat(compactor(w, SilverTable.TRADES).plan().isEmpty()).isTrue();

      PartitionResult strict = compactor(w, SilverTable.QUOTES).run().get(0);
      assertThat(strict.quarantined()).isEqualTo(3);
      assertThat(strict.warned()).isZero();
      assertThat(strict.rowsOut()).isEqualTo(2);
      assertThat(quarantine(w))
          .containsExactly(
              "3:quote_crossed:error", "4:quote_locked:error", "5:size_non_negative:error");
      assertThat(compactor(w, SilverTable.QUOTES).plan().isEmpty()).isTrue();

      // back to the built-in rules: rebuilt again, to exactly the first content
      store(w, SilverTable.QUOTES, ValidationSettings.defaults());
      assertThat(reasons(compactor(w, SilverTable.QUOTES).plan())).containsExactly("rules");
      PartitionResult again = compactor(w, SilverTable.QUOTES).run().get(0);
      assertThat(again.digest()).isEqualTo(first.digest());
      assertThat(again.rowsOut()).isEqualTo(3);
      assertThat(quarantine(w))
          .containsExactly(
              "3:quote_crossed:error", "4:quote_locked:warn", "5:size_non_negative:error");
    }
  }

  @Test
  void aCompactionFromBeforeTheMarkerCountsAsBuiltUnderTheBuiltInRules() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      fiveQuotes(w);
      compactor(w, SilverTable.QUOTES).run();
      // what a compaction from before the marker left: its markers, without ticklake.rules
      Table silver = w.table(TableContracts.SILVER_QUOTES.id());
      Map<String, String> markers = new TreeMap<>();
      silver.currentSnapshot().summary().entrySet().stream()
          .filter(e -> e.getKey().startsWith("ticklake."))
          .filter(e -> !e.getKey().equals(SilverSummary.RULES))
          .forEach(e -> markers.put(e.getKey(), e.getValue()));
      AppendFiles old = silver.newFastAppend();
      markers.forEach(old::set);
      old.commit();
      assertThat(silver.currentSnapshot().summary()).doesNotContainKey(SilverSummary.RULES);

      assertThat(compactor(w, SilverTable.QUOTES).plan().isEmpty()).isTrue();
      store(w, SilverTable.QUOTES, ValidationSettings.defaults().without("quote_empty"));
      assertThat(reasons(compactor(w, SilverTable.QUOTES).plan())).containsExactly("rules");
    }
  }

  @Test
  void settingsOfTheOptionsWinOverStoredOnes() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      fiveQuotes(w);
      store(w, SilverTable.QUOTES, ValidationSettings.defaults().without("quote_crossed"));
      SilverCompactor stored = compactor(w, SilverTable.QUOTES);
      assertThat(stored.settings().disabled()).containsExactly("quote_crossed");
      SilverCompactor given =
          new SilverCompactor(
              w,
              SilverTable.QUOTES,
              CompactOptions.defaults().withValidation(ValidationSettings.defaults()),
              Clock.systemUTC());
      assertThat(given.settings()).isEqualTo(ValidationSettings.defaults());
      assertThat(stored.run().get(0).quarantined()).isEqualTo(1); // the negative size only
    }
  }

  @Test
  void aMalformedStoredSettingStopsThePlanNamingIt() {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      fiveQuotes(w);
      w.table(TableContracts.SILVER_QUOTES.id())
          .updateProperties()
          .set(ValidationSettings.SEVERITY_PREFIX + "quote_locked", "fatal")
          .commit();
      assertThatThrownBy(() -> compactor(w, SilverTable.QUOTES).plan())
          .isInstanceOf(TicklakeException.class)
          .hasMessageContaining(
              "Cannot read validation setting ticklake.rules.severity.quote_locked=fatal of"
                  + " silver.quotes: use error or warn")
          .hasMessageContaining("ticklake rules set")
          .satisfies(
              e ->
                  assertThat(((TicklakeException) e).kind())
                      .isEqualTo(TicklakeException.Kind.CONFIGURATION));
    }
  }

  @Test
  void aSettingOfADisabledRuleDoesNotChangeTheRulesKey() {
    ValidationSettings d = ValidationSettings.defaults();
    ValidationSettings noSpike = d.without("price_spike");
    ValidationSettings noSession = d.without("session_window");
    // the key names what a partition's rows depend on: a setting no running rule reads is not
    // part of it, so changing it does not rebuild every partition
    assertThat(withWindow(noSpike, 20).key(SilverTable.TRADES))
        .isEqualTo(noSpike.key(SilverTable.TRADES));
    assertThat(withTolerance(noSession, Duration.ofMinutes(5)).key(SilverTable.TRADES))
        .isEqualTo(noSession.key(SilverTable.TRADES));
    assertThat(withTolerance(noSession, Duration.ofMinutes(5)).key(SilverTable.QUOTES))
        .isEqualTo(noSession.key(SilverTable.QUOTES));
    // while the rule runs, the same change is a new key
    assertThat(withWindow(d, 20).key(SilverTable.TRADES)).isNotEqualTo(d.key(SilverTable.TRADES));
    assertThat(withTolerance(d, Duration.ofMinutes(5)).key(SilverTable.QUOTES))
        .isNotEqualTo(d.key(SilverTable.QUOTES));
  }

  private static ValidationSettings withWindow(ValidationSettings s, int window) {
    return new ValidationSettings(
        s.severities(),
        s.disabled(),
        s.sessionTolerance(),
        s.spikePercent(),
        window,
        s.spikeMinPoints());
  }

  private static ValidationSettings withTolerance(ValidationSettings s, Duration tolerance) {
    return new ValidationSettings(
        s.severities(),
        s.disabled(),
        tolerance,
        s.spikePercent(),
        s.spikeWindow(),
        s.spikeMinPoints());
  }

  @Test
  void propertiesHoldOnlyWhatDiffersFromTheBuiltInSettingsAndReadBackEqual() {
    assertThat(ValidationSettings.defaults().toProperties(SilverTable.TRADES)).isEmpty();
    ValidationSettings s =
        new ValidationSettings(
                Map.of(),
                java.util.Set.of(),
                Duration.ofSeconds(90),
                new java.math.BigDecimal("2.5"),
                20,
                3)
            .withSeverity("price_spike", Severity.ERROR)
            .withSeverity("price_positive", Severity.ERROR) // its built-in severity
            .without("side_known");
    Map<String, String> trades = s.toProperties(SilverTable.TRADES);
    assertThat(trades)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "ticklake.rules.severity.price_spike", "error",
                "ticklake.rules.disabled", "side_known",
                "ticklake.rules.session-tolerance", "PT1M30S",
                "ticklake.rules.spike-percent", "2.5",
                "ticklake.rules.spike-window", "20",
                "ticklake.rules.spike-min-points", "3"));
    ValidationSettings back = ValidationSettings.fromProperties(SilverTable.TRADES, trades);
    assertThat(back.key(SilverTable.TRADES)).isEqualTo(s.key(SilverTable.TRADES));
    assertThat(back.rules(SilverTable.TRADES)).isEqualTo(s.rules(SilverTable.TRADES));
    // quotes have neither the spike rule nor side_known: only the tolerance concerns them
    assertThat(s.toProperties(SilverTable.QUOTES))
        .containsExactly(Map.entry("ticklake.rules.session-tolerance", "PT1M30S"));
    assertThat(s.key(SilverTable.TRADES))
        .isNotEqualTo(ValidationSettings.defaults().key(SilverTable.TRADES));
    assertThatThrownBy(
            () ->
                ValidationSettings.fromProperties(
                    SilverTable.QUOTES, Map.of("ticklake.rules.disabled", "price_spike")))
        .hasMessageContaining("silver.quotes has no rule price_spike");
  }
}
