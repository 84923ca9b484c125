package io.ticklake.catalog.duckdb;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The lake tables a query reads, from DuckDB's own parse of it ({@code json_serialize_sql}), so
 * that {@code ticklake sql} need not plan the data files of tables the query never names.
 *
 * <p>The answer is only given when it is certain: every statement is a SELECT (the first may be an
 * {@code EXPLAIN [ANALYZE]} of one) and every table it names is either a lake table written {@code
 * namespace.table} or a CTE of the query. Anything else — another statement kind (CREATE, SET,
 * EXPLAIN of anything else, PIVOT…), a table function ({@code read_parquet}, {@code
 * duckdb_views()}, {@code query_table}), {@code SHOW}/{@code DESCRIBE}/{@code SUMMARIZE}, DuckDB's
 * catalog views ({@code information_schema.tables}), an unknown table (whose error names the tables
 * that exist) or an {@code AT} clause — is "cannot tell", and the caller registers every table as
 * before, so a query's result never depends on this analysis.
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
    return analyze(connection, sql, lake).map(reads -> new LinkedHashSet<>(reads.keySet()));
  }

  /**
   * As {@link #read}, with what the query's WHERE clauses say about the rows it can use of each
   * table: the disjunction, over every reference to the table, of the constant comparisons on the
   * reference's columns that its SELECT's WHERE requires ({@link RowPredicate#ALL} when one
   * reference is not restricted so). Files that cannot hold a row meeting it can be left out of the
   * table's view without changing the query's result.
   *
   * <p>A reference is restricted only by the WHERE of the SELECT whose FROM names it directly,
   * alone or in a tree of inner, left, right, full or cross joins (not ASOF, POSITIONAL, NATURAL,
   * SEMI, ANTI or LATERAL), without a sample and without column aliases. In a join only columns
   * qualified with the reference's alias (or name) count; an unqualified column counts only when
   * the FROM names one table, and not when a select-list alias has its name. What counts: {@code
   * column = | < | <= | > | >= constant} (either way round), {@code IN (constants)} and {@code
   * BETWEEN}, combined with AND and OR, where a constant is a string or {@code DATE 'yyyy-mm-dd'}
   * ({@code CAST} of such a string to DATE); anything else (NOT, {@code <>}, NULL, functions,
   * COLLATE, subqueries, columns of other tables) counts as any row, so the result only ever
   * widens. {@code EXPLAIN [ANALYZE] <select>} is analysed as its SELECT.
   */
  public static Optional<Map<TableIdentifier, RowPredicate>> analyze(
      Connection connection, String sql, Collection<TableIdentifier> lake) {
    requireNonNull(connection, "connection is null");
    requireNonNull(sql, "sql is null");
    requireNonNull(lake, "lake is null");
    Optional<JsonNode> parsed = parse(connection, sql);
    if (parsed.isEmpty()) {
      // json_serialize_sql parses SELECT statements only: EXPLAIN [ANALYZE] <select> reads what
      // its SELECT reads
      Optional<String> explained = explained(sql);
      if (explained.isEmpty()) {
        return Optional.empty();
      }
      parsed = parse(connection, explained.get());
      if (parsed.isEmpty()) {
        return Optional.empty();
      }
    }
    JsonNode tree = parsed.get();
    Set<String> ctes = new HashSet<>();
    collectCtes(tree, ctes);
    Map<JsonNode, RowPredicate> restricted = new IdentityHashMap<>();
    collectRestrictions(tree, restricted);
    Map<TableIdentifier, RowPredicate> read = new LinkedHashMap<>();
    return walk(tree, ctes, lake, restricted, read) ? Optional.of(read) : Optional.empty();
  }

  /** DuckDB's parse of {@code sql}, or empty when it is not a list of SELECT statements. */
  private static Optional<JsonNode> parse(Connection connection, String sql) {
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
    return Optional.of(tree);
  }

  /**
   * The statements after a leading {@code EXPLAIN} or {@code EXPLAIN ANALYZE} (keywords separated
   * by white space only), or empty when {@code sql} does not start so. {@code json_serialize_sql}
   * parses SELECT statements only; what follows the keywords is parsed on its own, and answers only
   * when it is SELECT statements too.
   */
  static Optional<String> explained(String sql) {
    int i = keyword(sql, skipSpace(sql, 0), "explain");
    if (i < 0) {
      return Optional.empty();
    }
    i = skipSpace(sql, i);
    int analyze = keyword(sql, i, "analyze");
    if (analyze >= 0) {
      i = skipSpace(sql, analyze);
    }
    return Optional.of(sql.substring(i));
  }

  private static int skipSpace(String sql, int i) {
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The index after {@code word} at {@code i} when white space follows it, else -1. */
  private static int keyword(String sql, int i, String word) {
    int end = i + word.length();
    if (end < sql.length()
        && sql.regionMatches(true, i, word, 0, word.length())
        && Character.isWhitespace(sql.charAt(end))) {
      return end;
    }
    return -1;
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
      Map<JsonNode, RowPredicate> restricted,
      Map<TableIdentifier, RowPredicate> read) {
    if (node.isObject()) {
      String type = node.path("type").isTextual() ? node.path("type").asText() : "";
      if (OPAQUE_REFS.contains(type)) {
        return false;
      }
      if (type.equals("BASE_TABLE") && !baseTable(node, ctes, lake, restricted, read)) {
        return false;
      }
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        if (!walk(child, ctes, lake, restricted, read)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean baseTable(
      JsonNode ref,
      Set<String> ctes,
      Collection<TableIdentifier> lake,
      Map<JsonNode, RowPredicate> restricted,
      Map<TableIdentifier, RowPredicate> read) {
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
        RowPredicate rows = restricted.getOrDefault(ref, RowPredicate.ALL);
        read.merge(id, rows, RowPredicate::or);
        found = true;
      }
    }
    return found;
  }

  // ---- what a SELECT's WHERE says about the rows of the tables its FROM names

  private static final Set<String> PRUNABLE_JOIN_REFS = Set.of("REGULAR", "CROSS");

  /**
   * Join types in which a WHERE comparison of one side's column with a constant may be applied to
   * that side's rows before the join: the comparison is false or NULL for every row made of a NULL
   * side, so a row it removes early could only have made output rows the WHERE removes.
   */
  private static final Set<String> PRUNABLE_JOIN_TYPES = Set.of("INNER", "LEFT", "RIGHT", "FULL");

  static final DateTimeFormatter ISO_DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);

  /** Puts, for each base table reference a SELECT's WHERE restricts, what it says of its rows. */
  private static void collectRestrictions(JsonNode node, Map<JsonNode, RowPredicate> out) {
    if (node.isObject() && "SELECT_NODE".equals(node.path("type").asText(""))) {
      restrictions(node, out);
    }
    if (node.isContainerNode()) {
      node.forEach(child -> collectRestrictions(child, out));
    }
  }

  private static boolean absent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  private static void restrictions(JsonNode select, Map<JsonNode, RowPredicate> out) {
    JsonNode where = select.get("where_clause");
    if (absent(where) || !absent(select.get("sample"))) {
      return; // a sample is drawn before WHERE: fewer rows in would change it
    }
    List<JsonNode> leaves = new ArrayList<>();
    if (!leaves(select.path("from_table"), leaves) || leaves.isEmpty()) {
      return;
    }
    boolean single = leaves.size() == 1;
    Set<String> bindings = new HashSet<>();
    for (JsonNode leaf : leaves) {
      String binding = binding(leaf);
      if (binding.isEmpty()) {
        if (!single) {
          return;
        }
      } else if (!bindings.add(binding.toLowerCase(Locale.ROOT))) {
        return; // two references of one name: DuckDB refuses or one hides the other
      }
    }
    Set<String> aliases = new HashSet<>();
    for (JsonNode item : select.path("select_list")) {
      String alias = item.path("alias").asText("");
      if (!alias.isEmpty()) {
        aliases.add(alias.toLowerCase(Locale.ROOT));
      }
    }
    for (JsonNode leaf : leaves) {
      if ("BASE_TABLE".equals(leaf.path("type").asText(""))
          && absent(leaf.get("sample"))
          && leaf.path("column_name_alias").isArray()
          && leaf.path("column_name_alias").isEmpty()) {
        RowPredicate rows = predicate(where, new Scope(leaf, single, aliases));
        if (!(rows instanceof RowPredicate.All)) {
          out.put(leaf, rows);
        }
      }
    }
  }

  /** The table references a FROM joins, when every join is one a WHERE may be pushed into. */
  private static boolean leaves(JsonNode ref, List<JsonNode> out) {
    if (!ref.isObject()) {
      return false;
    }
    if ("JOIN".equals(ref.path("type").asText(""))) {
      return PRUNABLE_JOIN_REFS.contains(ref.path("ref_type").asText(""))
          && PRUNABLE_JOIN_TYPES.contains(ref.path("join_type").asText(""))
          && absent(ref.get("sample"))
          && ref.path("alias").asText("").isEmpty()
          && leaves(ref.path("left"), out)
          && leaves(ref.path("right"), out);
    }
    out.add(ref);
    return true;
  }

  /** The name a reference's columns are qualified with: its alias, else a table's name. */
  private static String binding(JsonNode ref) {
    String alias = ref.path("alias").asText("");
    if (!alias.isEmpty()) {
      return alias;
    }
    return "BASE_TABLE".equals(ref.path("type").asText(""))
        ? ref.path("table_name").asText("")
        : "";
  }

  /** A base table reference whose WHERE is analysed. */
  private record Scope(JsonNode ref, boolean single, Set<String> selectAliases) {}

  private static RowPredicate predicate(JsonNode expr, Scope scope) {
    String type = expr.path("type").asText("");
    switch (type) {
      case "CONJUNCTION_AND":
      case "CONJUNCTION_OR":
        {
          RowPredicate rows = null;
          for (JsonNode child : expr.path("children")) {
            RowPredicate p = predicate(child, scope);
            rows =
                rows == null
                    ? p
                    : type.equals("CONJUNCTION_AND")
                        ? RowPredicate.and(rows, p)
                        : RowPredicate.or(rows, p);
          }
          return rows == null ? RowPredicate.ALL : rows;
        }
      case "COMPARE_EQUAL":
        return compare(expr, scope, RowPredicate.Op.EQ, RowPredicate.Op.EQ);
      case "COMPARE_LESSTHAN":
        return compare(expr, scope, RowPredicate.Op.LT, RowPredicate.Op.GT);
      case "COMPARE_LESSTHANOREQUALTO":
        return compare(expr, scope, RowPredicate.Op.LE, RowPredicate.Op.GE);
      case "COMPARE_GREATERTHAN":
        return compare(expr, scope, RowPredicate.Op.GT, RowPredicate.Op.LT);
      case "COMPARE_GREATERTHANOREQUALTO":
        return compare(expr, scope, RowPredicate.Op.GE, RowPredicate.Op.LE);
      case "COMPARE_IN":
        {
          JsonNode children = expr.path("children");
          String column = children.size() > 1 ? column(children.get(0), scope) : null;
          if (column == null) {
            return RowPredicate.ALL;
          }
          List<Object> values = new ArrayList<>();
          for (int i = 1; i < children.size(); i++) {
            Object v = constant(children.get(i));
            if (v == null) {
              return RowPredicate.ALL;
            }
            values.add(v);
          }
          return new RowPredicate.Compare(column, RowPredicate.Op.IN, values);
        }
      case "COMPARE_BETWEEN":
        {
          String column = column(expr.path("input"), scope);
          Object lower = constant(expr.path("lower"));
          Object upper = constant(expr.path("upper"));
          if (column == null || lower == null || upper == null) {
            return RowPredicate.ALL;
          }
          return RowPredicate.and(
              new RowPredicate.Compare(column, RowPredicate.Op.GE, List.of(lower)),
              new RowPredicate.Compare(column, RowPredicate.Op.LE, List.of(upper)));
        }
      default:
        return RowPredicate.ALL;
    }
  }

  /** {@code column op constant}, or {@code constant op column} as {@code column flipped c}. */
  private static RowPredicate compare(
      JsonNode expr, Scope scope, RowPredicate.Op op, RowPredicate.Op flipped) {
    JsonNode left = expr.path("left");
    JsonNode right = expr.path("right");
    String column = column(left, scope);
    Object value = constant(right);
    if (column != null && value != null) {
      return new RowPredicate.Compare(column, op, List.of(value));
    }
    column = column(right, scope);
    value = constant(left);
    if (column != null && value != null) {
      return new RowPredicate.Compare(column, flipped, List.of(value));
    }
    return RowPredicate.ALL;
  }

  /** The column of the scope's reference that {@code expr} names, or null. */
  private static String column(JsonNode expr, Scope scope) {
    if (!"COLUMN_REF".equals(expr.path("type").asText(""))) {
      return null;
    }
    JsonNode names = expr.path("column_names");
    for (JsonNode n : names) {
      if (!n.isTextual()) {
        return null;
      }
    }
    JsonNode ref = scope.ref();
    String alias = ref.path("alias").asText("");
    switch (names.size()) {
      case 1:
        // another scope's column or a select-list alias is found only when the FROM has no such
        // column, which the caller checks against the view's columns; an alias is not guessed at
        return scope.single()
                && !scope.selectAliases().contains(names.get(0).asText().toLowerCase(Locale.ROOT))
            ? names.get(0).asText()
            : null;
      case 2:
        return names.get(0).asText().equalsIgnoreCase(binding(ref)) ? names.get(1).asText() : null;
      case 3:
        return alias.isEmpty()
                && names.get(0).asText().equalsIgnoreCase(ref.path("schema_name").asText(""))
                && names.get(1).asText().equalsIgnoreCase(ref.path("table_name").asText(""))
            ? names.get(2).asText()
            : null;
      default:
        return null;
    }
  }

  /**
   * A string constant (String) or {@code DATE 'yyyy-mm-dd'} (LocalDate), else null: NULL, numbers,
   * other types, or a date text that is not plainly ISO.
   */
  private static Object constant(JsonNode expr) {
    String type = expr.path("type").asText("");
    if (type.equals("VALUE_CONSTANT")) {
      JsonNode literal = expr.path("literal");
      return "STRING".equals(literal.path("kind").asText("")) && literal.path("text").isTextual()
          ? literal.path("text").asText()
          : null;
    }
    if (type.equals("OPERATOR_CAST")) {
      JsonNode to = expr.path("type_expr");
      if (expr.path("try_cast").asBoolean(true)
          || !"TYPE".equals(to.path("type").asText(""))
          || !to.path("catalog").asText("").isEmpty()
          || !to.path("schema").asText("").isEmpty()
          || !"date".equalsIgnoreCase(to.path("type_name").asText(""))
          || !to.path("children").isArray()
          || !to.path("children").isEmpty()) {
        return null;
      }
      if (!(constant(expr.path("child")) instanceof String text)) {
        return null;
      }
      try {
        return LocalDate.parse(text, ISO_DATE);
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }
}
