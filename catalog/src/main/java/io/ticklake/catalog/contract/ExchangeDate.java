package io.ticklake.catalog.contract;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.duckdb.PartitionFilter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;

/**
 * One (exchange, trading_date) partition of a Bronze, Silver or Gold table, e.g. the one a data
 * file belongs to, read from its partition values.
 *
 * @param exchange the market
 * @param tradingDate the exchange's session date
 */
public record ExchangeDate(String exchange, LocalDate tradingDate)
    implements Comparable<ExchangeDate> {
  public ExchangeDate {
    requireNonNull(exchange, "exchange is null");
    requireNonNull(tradingDate, "tradingDate is null");
  }

  /** A partition. */
  public static ExchangeDate of(String exchange, LocalDate tradingDate) {
    return new ExchangeDate(exchange, tradingDate);
  }

  /** The Iceberg row filter selecting exactly this partition ({@link PartitionFilter}'s). */
  public Expression expression() {
    return PartitionFilter.of(exchange, tradingDate).expression();
  }

  /** The Hive-style directory of the partition under a table's data directory. */
  public String path() {
    return "exchange="
        + URLEncoder.encode(exchange, StandardCharsets.UTF_8)
        + "/trading_date="
        + tradingDate;
  }

  /**
   * The exchange and trading date of {@code file}.
   *
   * @throws TicklakeException of kind CONTRACT when the file's spec lacks either field
   */
  public static ExchangeDate of(Table table, ContentFile<?> file) {
    PartitionSpec spec = table.specs().get(file.specId());
    StructLike p = file.partition();
    String exchange = null;
    LocalDate date = null;
    List<PartitionField> fields = spec.fields();
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.get(i).name();
      if (name.equals("exchange")) {
        exchange = p.get(i, CharSequence.class).toString();
      } else if (name.equals("trading_date")) {
        date = LocalDate.ofEpochDay(p.get(i, Integer.class));
      }
    }
    if (exchange == null || date == null) {
      throw TicklakeException.of(
          Kind.CONTRACT,
          "Cannot read partition of %s: file %s is not partitioned by exchange and trading_date",
          table.name(),
          file.location());
    }
    return new ExchangeDate(exchange, date);
  }

  /** Parses the {@link #toString()} form {@code exchange/yyyy-mm-dd}. */
  public static ExchangeDate parse(String text) {
    int slash = text.lastIndexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException(
          "Cannot parse partition " + text + ": expected exchange/date");
    }
    return new ExchangeDate(text.substring(0, slash), LocalDate.parse(text.substring(slash + 1)));
  }

  @Override
  public int compareTo(ExchangeDate o) {
    int c = exchange.compareTo(o.exchange);
    return c != 0 ? c : tradingDate.compareTo(o.tradingDate);
  }

  @Override
  public String toString() {
    return exchange + "/" + tradingDate;
  }
}
