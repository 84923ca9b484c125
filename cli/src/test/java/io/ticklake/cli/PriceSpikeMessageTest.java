package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.snapshot.CompactionMarkers;
import io.ticklake.silver.SilverTable;
import io.ticklake.silver.ValidationSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quarantine message of {@code price_spike}, and the rebuild that changing it causes. */
class PriceSpikeMessageTest {
  /**
   * The {@code ticklake.rules} key every trades compaction under the built-in rules recorded before
   * the message named the trades the median was taken over (it always said "of the previous 50
   * trades"), as {@code ticklake snapshots silver.trades} showed it.
   */
  private static final String RULES_KEY_BEFORE =
      "3b1e98b858b6d3086596456e432dbbf6c9f953d28c1e08bad905c64dcd4de22d";

  @TempDir Path dir;

  CliRun run(String... args) {
    return CliRun.in(dir.resolve("wh"), args);
  }

  /**
   * One day of BTCUSDT trades a second apart from 02:00 UTC at 100, with a print at 200 after 10
   * trades (the median of 10) and another after 71 (the median of the window, 50), and one at 150
   * after 1, which only a --spike-min-points of 1 judges.
   */
  @BeforeEach
  void ingestTwoSpikes() throws Exception {
    assertThat(run("init").code()).isZero();
    StringBuilder sb =
        new StringBuilder("exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n");
    long base = 1_582_336_800_000_000L; // 2020-02-22T02:00:00Z
    for (int i = 0; i < 77; i++) {
      long ts = base + i * 1_000_000L;
      String price = i == 10 || i == 71 ? "200" : i == 1 ? "150" : "100";
      sb.append("binance-futures,BTCUSDT,")
          .append(ts)
          .append(',')
          .append(ts + 100)
          .append(",s")
          .append(i)
          .append(",buy,")
          .append(price)
          .append(",0.5\n");
    }
    Path file = dir.resolve("spikes.csv");
    Files.writeString(file, sb);
    CliRun ingest = run("ingest", "--vendor", "tardis", file.toString());
    assertThat(ingest.code()).as(ingest.err()).isZero();
  }

  private List<String> spikeMessages() {
    CliRun q = run("quarantine", "--rule", "price_spike", "--format", "csv");
    assertThat(q.code()).as(q.err()).isZero();
    return q.out()
        .lines()
        .skip(1)
        .map(l -> l.replaceAll(".*,(Price deviates[^,]*),.*", "$1"))
        .toList();
  }

  @Test
  void theMessageNamesHowManyTradesTheMedianWasTakenOver() {
    CliRun compact = run("compact", "--table", "trades");
    assertThat(compact.code()).as(compact.err()).isZero();
    assertThat(compact.out()).contains("77 in, 0 duplicates, 0 quarantined, 2 flagged, 77 out");
    // in time order: the print after 10 trades said "of the previous 50 trades" too
    assertThat(spikeMessages())
        .containsExactly(
            "Price deviates more than 10% from the median 100.000000000 of the previous 10 trades",
            "Price deviates more than 10% from the median 100.000000000 of the previous 50 trades");

    // judged from the first trade on: the print after one trade
    assertThat(run("rules", "set", "--table", "trades", "--spike-min-points", "1").code()).isZero();
    assertThat(run("compact", "--table", "trades").code()).isZero();
    assertThat(spikeMessages())
        .containsExactly(
            "Price deviates more than 10% from the median 100.000000000 of the previous 1 trade",
            "Price deviates more than 10% from the median 100.000000000 of the previous 10 trades",
            "Price deviates more than 10% from the median 100.000000000 of the previous 50 trades");
  }

  @Test
  void aPartitionCompactedUnderThePreviousMessageIsRebuiltOnceWithTheSameRows() {
    assertThat(run("compact", "--table", "trades").code()).isZero();
    String silverSql = "select * from silver.trades order by all";
    String silver = run("sql", "--format", "csv", "-c", silverSql).out();
    String quarantine = run("quarantine", "--full", "--format", "csv").out();
    // the message is part of the rules key: the key changed with it
    assertThat(ValidationSettings.defaults().key(SilverTable.TRADES))
        .isNotEqualTo(RULES_KEY_BEFORE);
    recordRulesKey(RULES_KEY_BEFORE);

    CliRun plan = run("compact", "--table", "trades", "--dry-run");
    assertThat(plan.out().lines())
        .containsExactly(
            "silver.trades binance-futures/2020-02-22: would rebuild (rules) from 77 Bronze rows"
                + " in 1 file");
    CliRun rebuild = run("compact", "--table", "trades");
    assertThat(rebuild.code()).as(rebuild.err()).isZero();
    assertThat(rebuild.out()).contains("77 in, 0 duplicates, 0 quarantined, 2 flagged, 77 out");
    assertThat(run("sql", "--format", "csv", "-c", silverSql).out()).isEqualTo(silver);
    assertThat(run("quarantine", "--full", "--format", "csv").out()).isEqualTo(quarantine);

    CliRun again = run("compact", "--table", "trades");
    assertThat(again.out()).startsWith("silver.trades: nothing to compact");
  }

  /**
   * Makes the partition's latest Silver and quarantine compaction commits say they were built under
   * {@code key}, as a lake compacted before the change has them: a commit with the same markers
   * (the planner reads nothing else) and the other key.
   */
  private void recordRulesKey(String key) {
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      for (var contract : List.of(TableContracts.SILVER_TRADES, TableContracts.QUARANTINE)) {
        Table t = w.table(contract.id());
        Map<String, String> markers = new TreeMap<>();
        t.currentSnapshot().summary().entrySet().stream()
            .filter(e -> e.getKey().startsWith("ticklake."))
            .forEach(e -> markers.put(e.getKey(), e.getValue()));
        markers.put(CompactionMarkers.RULES, key);
        AppendFiles old = t.newFastAppend();
        markers.forEach(old::set);
        old.commit();
      }
    }
  }
}
