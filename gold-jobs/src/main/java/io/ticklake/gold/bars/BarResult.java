package io.ticklake.gold.bars;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link BarJob} did to one partition.
 *
 * @param exchange the market
 * @param tradingDate the trading date
 * @param rowsIn Silver rows read
 * @param rowsOutsideSessions Silver rows outside every session of the date (in no bar)
 * @param barsOut bars written per interval
 * @param buildSeconds DuckDB time per interval (bucket, aggregate, write Parquet); a batch's time
 *     is shared out by Silver rows
 * @param loadSeconds DuckDB time reading and classifying the Silver rows (shared out likewise)
 * @param commitSeconds time of the partition's Iceberg commit
 * @param seconds wall time of the partition (load, build and commit)
 * @param silverSnapshotId the Silver snapshot read
 * @param goldSnapshotId the Gold snapshot committed
 */
public record BarResult(
    String exchange,
    LocalDate tradingDate,
    long rowsIn,
    long rowsOutsideSessions,
    Map<BarInterval, Long> barsOut,
    Map<BarInterval, Double> buildSeconds,
    double loadSeconds,
    double commitSeconds,
    double seconds,
    long silverSnapshotId,
    long goldSnapshotId) {
  public BarResult {
    requireNonNull(exchange, "exchange is null");
    requireNonNull(tradingDate, "tradingDate is null");
    barsOut = java.util.Collections.unmodifiableMap(new TreeMap<>(barsOut));
    buildSeconds = java.util.Collections.unmodifiableMap(new TreeMap<>(buildSeconds));
  }

  /** Bars over all intervals. */
  public long totalBars() {
    return barsOut.values().stream().mapToLong(Long::longValue).sum();
  }

  /** {@code exchange/yyyy-mm-dd}. */
  public String partition() {
    return exchange + "/" + tradingDate;
  }
}
