package io.ticklake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.calendar.ExchangeDefinition;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.silver.BronzeFixture.Quote;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeSet;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A change of {@code ref.exchange} that gives a compacted trading date other sessions. */
class CalendarChangeTest {
  private static final Instant T0 = Instant.parse("2024-03-01T12:00:00Z");

  @TempDir Path dir;

  private static SilverCompactor compactor(Warehouse w) {
    return new SilverCompactor(w, SilverTable.QUOTES, CompactOptions.defaults(), Clock.systemUTC());
  }

  /** Makes {@code date} a holiday of the fixture's exchange in {@code ref.exchange}. */
  private static void addHoliday(Warehouse w, LocalDate date) {
    changeHoliday(w, date, true);
  }

  /** Makes {@code date} a holiday, or no longer one, in {@code ref.exchange}. */
  private static void changeHoliday(Warehouse w, LocalDate date, boolean holiday) {
    Table exchanges = w.table(TableContracts.EXCHANGE.id());
    ExchangeDefinition d = ExchangeTable.read(exchanges).get(BronzeFixture.EXCHANGE);
    TreeSet<LocalDate> holidays = new TreeSet<>(d.holidays());
    if (holiday) {
      holidays.add(date);
    } else {
      holidays.remove(date);
    }
    ExchangeTable.seed(
        exchanges,
        List.of(
            new ExchangeDefinition(
                d.exchangeId(),
                d.name(),
                d.assetClass(),
                d.zone(),
                d.dayRollover(),
                d.weeklySessions(),
                holidays,
                d.earlyCloses(),
                d.lateOpens(),
                d.source())));
  }

  @Test
  void aDateWhoseSessionsChangedIsRebuiltAndOthersAreNot() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendQuoteFile(
          BronzeFixture.bronzeQuotes(w),
          1,
          List.of(
              new Quote("BTCUSDT", T0, "100.1", "1", "100.2", "2"),
              new Quote("BTCUSDT", T0.plusSeconds(1), "100.1", "1", "100.3", "2")));
      PartitionResult first = compactor(w).run().get(0);
      assertThat(first.rowsOut()).isEqualTo(2);

      // another date's sessions change: this partition's do not
      addHoliday(w, BronzeFixture.DATE.plusDays(5));
      assertThat(compactor(w).plan().isEmpty()).isTrue();

      // its own date becomes a holiday: rebuilt, and every row is now outside the sessions
      addHoliday(w, BronzeFixture.DATE);
      assertThat(compactor(w).plan().partitions())
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("calendar");
      PartitionResult holiday = compactor(w).run().get(0);
      assertThat(holiday.quarantined()).isEqualTo(2);
      assertThat(holiday.rowsOut()).isZero();
      assertThat(compactor(w).plan().isEmpty()).isTrue();
    }
  }

  /**
   * A {@code calendar} rebuild that dies between its quarantine and Silver commits: the two commits
   * read the same Bronze snapshot with the same rules (equal rebuild keys) but labelled other
   * sessions, so they are not one rebuild. The partition must be {@code unfinished} — also after
   * the calendar change is undone, when the quarantine still rejects as outside the sessions the
   * very rows Silver holds.
   */
  @Test
  void aCalendarRebuildThatDiedBetweenItsCommitsIsUnfinished() throws Exception {
    try (Warehouse w = BronzeFixture.warehouse(dir)) {
      BronzeFixture.appendQuoteFile(
          BronzeFixture.bronzeQuotes(w),
          1,
          List.of(
              new Quote("BTCUSDT", T0, "100.1", "1", "100.2", "2"),
              new Quote("BTCUSDT", T0.plusSeconds(1), "100.1", "1", "100.3", "2")));
      assertThat(compactor(w).run().get(0).rowsOut()).isEqualTo(2);

      // its date becomes a holiday; the rebuild commits quarantine, then dies before Silver
      addHoliday(w, BronzeFixture.DATE);
      assertThat(compactor(w).run().get(0).quarantined()).isEqualTo(2);
      Table silver = w.table(TableContracts.SILVER_QUOTES.id());
      Snapshot last = silver.currentSnapshot();
      assertThat(last.summary().get(SilverSummary.PARTITION))
          .isEqualTo(BronzeFixture.EXCHANGE + "/" + BronzeFixture.DATE);
      silver.manageSnapshots().rollbackTo(last.parentId()).commit();

      assertThat(compactor(w).plan().partitions())
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("unfinished");

      // the holiday was a mistake and is taken back: Silver's sessions match again, but the
      // quarantine still holds both quotes as session_window errors while Silver holds them too
      changeHoliday(w, BronzeFixture.DATE, false);
      assertThat(compactor(w).plan().partitions())
          .as("a partition whose quarantine and Silver commits used other sessions")
          .extracting(CompactionPlan.Task::reason)
          .containsExactly("unfinished");
      compactor(w).run();
      assertThat(compactor(w).plan().isEmpty()).isTrue();
    }
  }
}
