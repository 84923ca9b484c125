package io.ticklake.catalog.duckdb;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The lake tables a query reads, from DuckDB's own parse of it ({@code json_serialize_sql}), so
 * that {@code ticklake sql} need not plan the data files of tables the query never names.
 *
 * <p>The answer is only given when it is certain: every statement is a SELECT and every table it
 * names is either a lake table written {@code namespace.table} or a CTE of the query. Anything else
 * — another statement kind (CREATE, SET, EXPLAIN, PIVOT…), a table function ({@code read_parquet},
 * {@code duckdb_views()}, {@code query_table}), {@code SHOW}/{@code DESCRIBE}/{@code SUMMARIZE},
 * DuckDB's catalog views ({@code information_schema.tables}), an unknown table (whose error names
 * the tables that exist) or an {@code AT} clause — is "cannot tell", and the caller registers every
 * table as before, so a query's result never depends on this analysis.
 */
public final class QueryTables {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Table reference kinds that may read tables this analysis cannot see. */
  private static final Set<String> OPAQUE_REFS =
      Set.of(
          "TABLE_FUNCTION",
          "SHOW_REF",
          "PIVOT",
          "COLUMN_DATA",
          "DELIM_GET",
          "BOUND_TABLE_REF",
          "CTE",
          "INVALID");

  private QueryTables() {}

  /**
   * The tables of {@code lake} that {@code sql} reads, or empty when that cannot be told for
   * certain (see the class comment); an empty set for a query that reads no table ({@code select
   * 1}).
   *
   * @param connection a DuckDB connection (only used to parse {@code sql}, never to run it)
   */
  public static Optional<Set<TableIdentifier>> read(
      Connection connection, String sql, Collection<TableIdentifier> lake) {
    requireNonNull(connection, "connection is null");
    requireNonNull(sql, "sql is null");
    requireNonNull(lake, "lake is null");
    JsonNode tree;
    try (PreparedStatement s = connection.prepareStatement("SELECT json_serialize_sql(?)")) {
      s.setString(1, sql);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        tree = JSON.readTree(rs.getString(1));
      }
    } catch (SQLException | JsonProcessingException e) {
      return Optional.empty();
    }
    if (tree == null || tree.path("error").asBoolean(true) || !tree.path("statements").isArray()) {
      return Optional.empty();
    }
    Set<String> ctes = new HashSet<>();
    collectCtes(tree, ctes);
    Set<TableIdentifier> read = new LinkedHashSet<>();
    return walk(tree, ctes, lake, read) ? Optional.of(read) : Optional.empty();
  }

  private static void collectCtes(JsonNode node, Set<String> ctes) {
    if (node.isObject()) {
      JsonNode map = node.path("cte_map").path("map");
      for (JsonNode entry : map) {
        if (entry.path("key").isTextual()) {
          ctes.add(entry.path("key").asText().toLowerCase(Locale.ROOT));
        }
      }
    }
    if (node.isContainerNode()) {
      node.forEach(child -> collectCtes(child, ctes));
    }
  }

  /** Adds the lake tables under {@code node} to {@code read}; false when it cannot tell. */
  private static boolean walk(
      JsonNode node,
      Set<String> ctes,
      Collection<TableIdentifier> lake,
      Set<TableIdentifier> read) {
    if (node.isObject()) {
      String type = node.path("type").isTextual() ? node.path("type").asText() : "";
      if (OPAQUE_REFS.contains(type)) {
        return false;
      }
      if (type.equals("BASE_TABLE") && !baseTable(node, ctes, lake, read)) {
        return false;
      }
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (!walk(child, ctes, lake, read)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean baseTable(
      JsonNode ref, Set<String> ctes, Collection<TableIdentifier> lake, Set<TableIdentifier> read) {
    if (!ref.path("catalog_name").asText("").isEmpty()) {
      return false;
    }
    JsonNode at = ref.get("at_clause");
    if (at != null && !at.isNull()) {
      return false;
    }
    String schema = ref.path("schema_name").asText("");
    String table = ref.path("table_name").asText("");
    if (table.isEmpty()) {
      return false;
    }
    if (schema.isEmpty()) {
      // a CTE of the query; any other unqualified name is not a lake view
      return ctes.contains(table.toLowerCase(Locale.ROOT));
    }
    boolean found = false;
    for (TableIdentifier id : lake) {
      // DuckDB matches names case-insensitively
      if (id.namespace().levels().length == 1
          && id.namespace().level(0).equalsIgnoreCase(schema)
          && id.name().equalsIgnoreCase(table)) {
        read.add(id);
        found = true;
      }
    }
    return found;
  }
}
