package io.ticklake.silver;

import static java.util.Objects.requireNonNull;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/**
 * One (exchange, trading_date) partition of a Bronze or Silver table.
 *
 * @param exchange the market
 * @param tradingDate the exchange's session date
 */
public record PartitionKey(String exchange, LocalDate tradingDate)
    implements Comparable<PartitionKey> {
  public PartitionKey {
    requireNonNull(exchange, "exchange is null");
    requireNonNull(tradingDate, "tradingDate is null");
  }

  /** A key. */
  public static PartitionKey of(String exchange, LocalDate tradingDate) {
    return new PartitionKey(exchange, tradingDate);
  }

  /** The Iceberg row filter selecting exactly this partition. */
  public Expression expression() {
    return Expressions.and(
        Expressions.equal("exchange", exchange),
        Expressions.equal("trading_date", tradingDate.toString()));
  }

  /** The Hive-style directory of the partition under a table's data directory. */
  public String path() {
    return "exchange="
        + URLEncoder.encode(exchange, StandardCharsets.UTF_8)
        + "/trading_date="
        + tradingDate;
  }

  @Override
  public int compareTo(PartitionKey o) {
    int c = exchange.compareTo(o.exchange);
    return c != 0 ? c : tradingDate.compareTo(o.tradingDate);
  }

  @Override
  public String toString() {
    return exchange + "/" + tradingDate;
  }
}
