package io.ticklake.catalog.duckdb;

import java.time.LocalDate;

/** Quoting of identifiers and literals for generated DuckDB SQL. */
public final class Sql {
  private Sql() {}

  /** A double-quoted identifier. */
  public static String ident(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A single-quoted string literal. */
  public static String string(String value) {
    return '\'' + value.replace("'", "''") + '\'';
  }

  /** A typed SQL literal for a String, LocalDate, number or boolean. */
  public static String literal(Object value) {
    if (value instanceof String s) {
      return string(s);
    }
    if (value instanceof LocalDate d) {
      return "DATE " + string(d.toString());
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    throw new IllegalArgumentException("Cannot write a literal of type " + value.getClass());
  }
}
