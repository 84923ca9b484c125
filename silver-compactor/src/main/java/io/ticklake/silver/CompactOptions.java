package io.ticklake.silver;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.dim.RegistrationPolicy;
import java.time.LocalDate;
import java.util.Optional;

/**
 * What and how to compact.
 *
 * @param exchange only this exchange, or every one
 * @param fromDate only trading dates on or after this one, or from the first
 * @param toDate only trading dates on or before this one, or to the last
 * @param force rebuild the selected partitions even when Bronze has not changed since
 * @param threads DuckDB threads, 0 for one per core
 * @param memoryLimit DuckDB memory limit such as {@code 2GB}, or empty for DuckDB's default
 * @param registration what to do with symbols the dimension does not know
 * @param validation rules and thresholds, or empty for those the Silver table's properties hold
 *     ({@link ValidationSettings#fromProperties}; {@code ticklake rules set})
 */
public record CompactOptions(
    Optional<String> exchange,
    Optional<LocalDate> fromDate,
    Optional<LocalDate> toDate,
    boolean force,
    int threads,
    Optional<String> memoryLimit,
    RegistrationPolicy registration,
    Optional<ValidationSettings> validation) {
  public CompactOptions {
    requireNonNull(exchange, "exchange is null");
    requireNonNull(fromDate, "fromDate is null");
    requireNonNull(toDate, "toDate is null");
    requireNonNull(memoryLimit, "memoryLimit is null");
    requireNonNull(registration, "registration is null");
    requireNonNull(validation, "validation is null");
    if (fromDate.isPresent() && toDate.isPresent() && fromDate.get().isAfter(toDate.get())) {
      throw new IllegalArgumentException(
          "Cannot select trading dates from "
              + fromDate.get()
              + " to "
              + toDate.get()
              + ": the range is empty");
    }
    if (threads < 0) {
      throw new IllegalArgumentException("Cannot use " + threads + " threads");
    }
  }

  /** Every changed partition, default threads, AUTO registration, the table's rules. */
  public static CompactOptions defaults() {
    return new CompactOptions(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        0,
        Optional.empty(),
        RegistrationPolicy.AUTO,
        Optional.empty());
  }

  /** Only one partition. */
  public CompactOptions onlyPartition(ExchangeDate key) {
    return new CompactOptions(
        Optional.of(key.exchange()),
        Optional.of(key.tradingDate()),
        Optional.of(key.tradingDate()),
        force,
        threads,
        memoryLimit,
        registration,
        validation);
  }

  /** With or without forcing rebuilds of unchanged partitions. */
  public CompactOptions withForce(boolean newForce) {
    return new CompactOptions(
        exchange, fromDate, toDate, newForce, threads, memoryLimit, registration, validation);
  }

  /** With this many engine threads. */
  public CompactOptions withThreads(int newThreads) {
    return new CompactOptions(
        exchange, fromDate, toDate, force, newThreads, memoryLimit, registration, validation);
  }

  /** With this registration policy. */
  public CompactOptions withRegistration(RegistrationPolicy policy) {
    return new CompactOptions(
        exchange, fromDate, toDate, force, threads, memoryLimit, policy, validation);
  }

  /** With these validation settings instead of those the Silver table holds. */
  public CompactOptions withValidation(ValidationSettings settings) {
    return new CompactOptions(
        exchange,
        fromDate,
        toDate,
        force,
        threads,
        memoryLimit,
        registration,
        Optional.of(settings));
  }

  /** With only this exchange and/or date (null = any). */
  public CompactOptions selecting(String newExchange, LocalDate newDate) {
    return selecting(newExchange, newDate, newDate);
  }

  /** With only this exchange and trading dates from {@code from} to {@code to} (null = open). */
  public CompactOptions selecting(String newExchange, LocalDate from, LocalDate to) {
    return new CompactOptions(
        Optional.ofNullable(newExchange),
        Optional.ofNullable(from),
        Optional.ofNullable(to),
        force,
        threads,
        memoryLimit,
        registration,
        validation);
  }

  boolean selects(ExchangeDate key) {
    return exchange.map(key.exchange()::equals).orElse(true)
        && fromDate.map(d -> !key.tradingDate().isBefore(d)).orElse(true)
        && toDate.map(d -> !key.tradingDate().isAfter(d)).orElse(true);
  }
}
