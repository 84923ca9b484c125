package io.ticklake.gold.bars;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What {@link BarJob} builds and how.
 *
 * @param intervals the intervals to build (at least one)
 * @param exchange only this exchange, or all
 * @param from only trading dates on or after this one
 * @param to only trading dates on or before this one
 * @param force rebuild every selected partition, even when Silver has not changed since its bars
 * @param threads DuckDB threads, 0 for one per core
 * @param memoryLimit DuckDB memory limit such as {@code 2GB}
 */
public record BarOptions(
    List<BarInterval> intervals,
    Optional<String> exchange,
    Optional<LocalDate> from,
    Optional<LocalDate> to,
    boolean force,
    int threads,
    Optional<String> memoryLimit) {
  public BarOptions {
    intervals = List.copyOf(intervals);
    if (intervals.isEmpty()) {
      throw new IllegalArgumentException("Cannot build bars: no interval given");
    }
    intervals = intervals.stream().distinct().sorted().toList();
    requireNonNull(exchange, "exchange is null");
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    requireNonNull(memoryLimit, "memoryLimit is null");
    if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
      throw new IllegalArgumentException(
          "Cannot build bars from " + from.get() + " to " + to.get() + ": the range is empty");
    }
    if (threads < 0) {
      throw new IllegalArgumentException("Cannot use " + threads + " threads");
    }
  }

  /** Every interval, every partition that changed, default threads. */
  public static BarOptions defaults() {
    return new BarOptions(
        List.of(BarInterval.values()),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        0,
        Optional.empty());
  }

  /** These options with other intervals. */
  public BarOptions withIntervals(List<BarInterval> other) {
    return new BarOptions(other, exchange, from, to, force, threads, memoryLimit);
  }

  /** These options with {@code force} set. */
  public BarOptions forced(boolean value) {
    return new BarOptions(intervals, exchange, from, to, value, threads, memoryLimit);
  }

  /** Whether a partition is selected. */
  boolean selects(String exchangeId, LocalDate date) {
    return exchange.map(exchangeId::equals).orElse(true)
        && from.map(f -> !date.isBefore(f)).orElse(true)
        && to.map(t -> !date.isAfter(t)).orElse(true);
  }
}
