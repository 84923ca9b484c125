package io.ticklake.gold.quality;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.contract.ExchangeDate;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Which days the quality job considers and how it judges them.
 *
 * @param exchange only this exchange, or every one
 * @param from first trading date (inclusive), or unbounded
 * @param to last trading date (inclusive), or unbounded
 * @param force rebuild the selected days even when their Silver has not changed
 * @param gapRule when a pause is a gap
 * @param threads DuckDB threads, 0 for one per core
 * @param memoryLimit DuckDB's memory limit (e.g. {@code 2GB}), or DuckDB's default
 */
public record QualityOptions(
    Optional<String> exchange,
    Optional<LocalDate> from,
    Optional<LocalDate> to,
    boolean force,
    GapRule gapRule,
    int threads,
    Optional<String> memoryLimit) {
  public QualityOptions {
    requireNonNull(exchange, "exchange is null");
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    requireNonNull(gapRule, "gapRule is null");
    requireNonNull(memoryLimit, "memoryLimit is null");
    if (from.isPresent() && to.isPresent() && to.get().isBefore(from.get())) {
      throw new IllegalArgumentException(
          "Cannot select dates from " + from.get() + " to " + to.get() + ": the range is empty");
    }
    if (threads < 0) {
      throw new IllegalArgumentException("Cannot use " + threads + " threads");
    }
  }

  /** Every day, incremental, default gap rule. */
  public static QualityOptions defaults() {
    return new QualityOptions(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        GapRule.defaults(),
        0,
        Optional.empty());
  }

  /** The same options restricted to one exchange. */
  public QualityOptions withExchange(String newExchange) {
    return new QualityOptions(
        Optional.of(newExchange), from, to, force, gapRule, threads, memoryLimit);
  }

  /** The same options restricted to dates {@code a..b}. */
  public QualityOptions withDates(LocalDate a, LocalDate b) {
    return new QualityOptions(
        exchange, Optional.of(a), Optional.of(b), force, gapRule, threads, memoryLimit);
  }

  /** The same options with {@code force} set. */
  public QualityOptions forced(boolean newForce) {
    return new QualityOptions(exchange, from, to, newForce, gapRule, threads, memoryLimit);
  }

  /** The same options with another gap rule. */
  public QualityOptions withGapRule(GapRule newRule) {
    return new QualityOptions(exchange, from, to, force, newRule, threads, memoryLimit);
  }

  /** Whether the day is selected. */
  public boolean selects(ExchangeDate key) {
    return exchange.map(key.exchange()::equals).orElse(true)
        && from.map(f -> !key.tradingDate().isBefore(f)).orElse(true)
        && to.map(t -> !key.tradingDate().isAfter(t)).orElse(true);
  }
}
