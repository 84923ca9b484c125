package io.ticklake.gold.bars;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.contract.ExchangeDate;
import java.time.LocalDate;
import java.util.List;

/**
 * The partitions a {@link BarJob} would rebuild, pinned to one Silver snapshot and validated from
 * one Gold snapshot.
 *
 * @param silverSnapshotId the pinned Silver snapshot, -1 when Silver is empty
 * @param goldSnapshotId the Gold snapshot the plan was made at, -1 when Gold is empty
 * @param partitions the partitions to rebuild, in (exchange, date) order
 */
public record BarPlan(long silverSnapshotId, long goldSnapshotId, List<Task> partitions) {
  public BarPlan {
    partitions = List.copyOf(partitions);
  }

  /**
   * One Silver partition and the bar intervals of it to rebuild.
   *
   * @param exchange the market
   * @param tradingDate the trading date
   * @param intervals the intervals due
   * @param silverRows Silver rows of the partition at the pinned snapshot
   * @param reason new, changed or forced
   */
  public record Task(
      String exchange,
      LocalDate tradingDate,
      List<BarInterval> intervals,
      long silverRows,
      String reason) {
    public Task {
      requireNonNull(exchange, "exchange is null");
      requireNonNull(tradingDate, "tradingDate is null");
      intervals = List.copyOf(intervals);
      requireNonNull(reason, "reason is null");
    }

    /** The partition. */
    public ExchangeDate key() {
      return ExchangeDate.of(exchange, tradingDate);
    }

    /** {@code exchange/yyyy-mm-dd}, as in the commit summary ({@link ExchangeDate#toString()}). */
    public String partition() {
      return key().toString();
    }
  }

  /** Whether there is nothing to do. */
  public boolean isEmpty() {
    return partitions.isEmpty();
  }
}
