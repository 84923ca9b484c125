package io.ticklake.catalog.duckdb;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/**
 * Equality predicates on columns (typically partition columns such as {@code exchange} and {@code
 * trading_date}) that prune files in Iceberg and filter rows in DuckDB, so that a view built with
 * them holds exactly the matching rows.
 *
 * @param equalities column name to value (String, LocalDate, Long, Integer or Boolean)
 */
public record PartitionFilter(Map<String, Object> equalities) {
  public PartitionFilter {
    requireNonNull(equalities, "equalities is null");
    equalities.forEach(
        (k, v) -> {
          requireNonNull(v, "value of " + k + " is null");
          if (!(v instanceof String
              || v instanceof LocalDate
              || v instanceof Long
              || v instanceof Integer
              || v instanceof Boolean)) {
            throw new IllegalArgumentException(
                "Cannot filter on " + k + ": unsupported value type " + v.getClass().getName());
          }
        });
    equalities = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(equalities));
  }

  /** No filter: every row. */
  public static PartitionFilter all() {
    return new PartitionFilter(Map.of());
  }

  /** One exchange and trading date. */
  public static PartitionFilter of(String exchange, LocalDate tradingDate) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("exchange", exchange);
    m.put("trading_date", tradingDate);
    return new PartitionFilter(m);
  }

  /** The Iceberg expression for file pruning. */
  public Expression expression() {
    Expression e = Expressions.alwaysTrue();
    for (Map.Entry<String, Object> entry : equalities.entrySet()) {
      Object v = entry.getValue();
      Object literal = v instanceof LocalDate d ? d.toString() : v;
      e = Expressions.and(e, Expressions.equal(entry.getKey(), literal));
    }
    return e;
  }

  /** The SQL predicate for DuckDB, or {@code true}. */
  public String sqlPredicate() {
    if (equalities.isEmpty()) {
      return "true";
    }
    return equalities.entrySet().stream()
        .map(e -> Sql.ident(e.getKey()) + " = " + Sql.literal(e.getValue()))
        .collect(Collectors.joining(" AND "));
  }
}
