package io.ticklake.catalog.duckdb;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types.NestedField;

/**
 * What a query's WHERE clause says about the rows it can use from one reference to a table: a
 * condition every such row meets (a superset of the rows the query keeps), built by {@link
 * QueryTables} from constant comparisons on the reference's columns. {@link #ALL} when nothing is
 * known. It only ever widens what the query says, so planning the files that may hold rows matching
 * it never drops a row the query could use; DuckDB still applies the whole WHERE.
 */
public sealed interface RowPredicate {

  /** Any row: nothing is known. */
  RowPredicate ALL = new All();

  /** Every row. */
  record All() implements RowPredicate {}

  /** Rows meeting every one of {@code terms}. */
  record And(List<RowPredicate> terms) implements RowPredicate {
    public And {
      terms = List.copyOf(terms);
    }
  }

  /** Rows meeting at least one of {@code terms}. */
  record Or(List<RowPredicate> terms) implements RowPredicate {
    public Or {
      terms = List.copyOf(terms);
    }
  }

  /** A comparison of a column with constants. */
  enum Op {
    EQ,
    LT,
    LE,
    GT,
    GE,
    IN
  }

  /**
   * {@code column op value} (for {@link Op#IN}, the column equals one of {@code values}).
   *
   * @param column the column name as the query wrote it (DuckDB matches it case-insensitively)
   * @param values one value (several for IN), each a String or a LocalDate, never null
   */
  record Compare(String column, Op op, List<Object> values) implements RowPredicate {
    public Compare {
      requireNonNull(column, "column is null");
      requireNonNull(op, "op is null");
      values = List.copyOf(values);
      if (values.isEmpty() || (op != Op.IN && values.size() != 1)) {
        throw new IllegalArgumentException(
            "Cannot compare " + column + " " + op + " with " + values.size() + " values");
      }
      for (Object v : values) {
        if (!(v instanceof String || v instanceof LocalDate)) {
          throw new IllegalArgumentException(
              "Cannot compare " + column + " with a " + v.getClass().getName());
        }
      }
    }
  }

  /** The conjunction of {@code a} and {@code b}, leaving out {@link #ALL}. */
  static RowPredicate and(RowPredicate a, RowPredicate b) {
    if (a instanceof All) {
      return b;
    }
    if (b instanceof All) {
      return a;
    }
    List<RowPredicate> terms = new ArrayList<>();
    for (RowPredicate p : List.of(a, b)) {
      if (p instanceof And and) {
        terms.addAll(and.terms());
      } else {
        terms.add(p);
      }
    }
    return new And(terms);
  }

  /** The disjunction of {@code a} and {@code b}: {@link #ALL} when either is. */
  static RowPredicate or(RowPredicate a, RowPredicate b) {
    if (a instanceof All || b instanceof All) {
      return ALL;
    }
    List<RowPredicate> terms = new ArrayList<>();
    for (RowPredicate p : List.of(a, b)) {
      if (p instanceof Or or) {
        terms.addAll(or.terms());
      } else {
        terms.add(p);
      }
    }
    return new Or(terms);
  }

  /**
   * An Iceberg filter that every file holding a row of {@code this} passes, for planning a scan of
   * {@code table} whose rows are read with {@code viewSchema} (the columns the query sees) and
   * whose snapshot has {@code scanSchema}.
   *
   * <p>Only comparisons that Iceberg can decide from partition values are kept: the column must be
   * the source of a partition field of some spec of the table, a STRING compared with strings
   * (equality and IN only: range order is left to DuckDB) or a DATE compared with dates (or with
   * string literals in plain ISO form, which DuckDB casts to DATE). The column is found in {@code
   * viewSchema} by name as DuckDB finds it (case-insensitively), then by field id in the table's
   * current schema; Iceberg binds the filter by that name to the schemas of the table's partition
   * specs (an older spec may keep an older schema), so it is used only when it names the same
   * field, of the same type, in each of them, in the current schema and in {@code scanSchema}. A
   * renamed column, or a new column reusing an old name, is thus never confused with another (it is
   * just not pruned on). Any other comparison counts as any row.
   */
  default Expression toIceberg(Table table, Schema viewSchema, Schema scanSchema) {
    requireNonNull(table, "table is null");
    requireNonNull(viewSchema, "viewSchema is null");
    requireNonNull(scanSchema, "scanSchema is null");
    Set<Integer> partitionSources = new java.util.HashSet<>();
    List<Schema> bindings = new ArrayList<>(List.of(table.schema(), scanSchema));
    for (PartitionSpec spec : table.specs().values()) {
      bindings.add(spec.schema());
      for (PartitionField f : spec.fields()) {
        partitionSources.add(f.sourceId());
      }
    }
    return Internal.convert(this, table.schema(), viewSchema, bindings, partitionSources)
        .orElse(Expressions.alwaysTrue());
  }

  /** Conversion helpers (not part of the API). */
  final class Internal {
    private Internal() {}

    /** The filter, or empty for any row. */
    static Optional<Expression> convert(
        RowPredicate p,
        Schema table,
        Schema view,
        List<Schema> bindings,
        Set<Integer> partitionSources) {
      if (p instanceof And and) {
        Expression e = null;
        for (RowPredicate term : and.terms()) {
          Optional<Expression> t = convert(term, table, view, bindings, partitionSources);
          if (t.isPresent()) {
            e = e == null ? t.get() : Expressions.and(e, t.get());
          }
        }
        return Optional.ofNullable(e);
      }
      if (p instanceof Or or) {
        Expression e = null;
        for (RowPredicate term : or.terms()) {
          Optional<Expression> t = convert(term, table, view, bindings, partitionSources);
          if (t.isEmpty()) {
            return Optional.empty();
          }
          e = e == null ? t.get() : Expressions.or(e, t.get());
        }
        return Optional.ofNullable(e);
      }
      if (p instanceof Compare c) {
        return compare(c, table, view, bindings, partitionSources);
      }
      return Optional.empty();
    }

    private static Optional<Expression> compare(
        Compare c,
        Schema table,
        Schema view,
        List<Schema> bindings,
        Set<Integer> partitionSources) {
      NestedField column = null;
      for (NestedField f : view.columns()) {
        if (f.name().toLowerCase(Locale.ROOT).equals(c.column().toLowerCase(Locale.ROOT))) {
          if (column != null) {
            return Optional.empty(); // two columns DuckDB could not tell apart
          }
          column = f;
        }
      }
      if (column == null || !partitionSources.contains(column.fieldId())) {
        return Optional.empty();
      }
      // Iceberg binds a scan's filter by name, to the schema each partition spec is bound to (the
      // current one, or an older one for an older spec) and to the table's: the name must be the
      // same field in all of them and in the snapshot's schema, or it is not used
      NestedField current = table.asStruct().field(column.fieldId());
      if (current == null) {
        return Optional.empty();
      }
      for (Schema s : bindings) {
        NestedField named = s.asStruct().field(current.name());
        if (named == null
            || named.fieldId() != column.fieldId()
            || !named.type().equals(column.type())) {
          return Optional.empty();
        }
      }
      Type.TypeID type = column.type().typeId();
      List<Object> literals = new ArrayList<>();
      for (Object v : c.values()) {
        if (type == Type.TypeID.STRING && v instanceof String s) {
          literals.add(s);
        } else if (type == Type.TypeID.DATE && epochDay(v).isPresent()) {
          literals.add(epochDay(v).getAsInt());
        } else {
          return Optional.empty(); // DuckDB would cast one side; not guessed here
        }
      }
      if (type == Type.TypeID.STRING && c.op() != Op.EQ && c.op() != Op.IN) {
        return Optional.empty();
      }
      String name = current.name();
      Object v = literals.get(0);
      return Optional.of(
          switch (c.op()) {
            case EQ -> Expressions.equal(name, v);
            case LT -> Expressions.lessThan(name, v);
            case LE -> Expressions.lessThanOrEqual(name, v);
            case GT -> Expressions.greaterThan(name, v);
            case GE -> Expressions.greaterThanOrEqual(name, v);
            case IN -> Expressions.in(name, literals);
          });
    }

    /**
     * The day of a date constant: a {@code LocalDate}, or a bare string literal in plain ISO form,
     * which DuckDB casts to the DATE column it is compared with ({@code trading_date =
     * '2013-10-07'} is {@code trading_date = DATE '2013-10-07'}); any other text is left to DuckDB.
     */
    private static OptionalInt epochDay(Object v) {
      LocalDate d = v instanceof LocalDate date ? date : null;
      if (v instanceof String text) {
        try {
          d = LocalDate.parse(text, QueryTables.ISO_DATE);
        } catch (DateTimeParseException e) {
          return OptionalInt.empty();
        }
      }
      return d != null && d.toEpochDay() == (int) d.toEpochDay()
          ? OptionalInt.of((int) d.toEpochDay())
          : OptionalInt.empty();
    }
  }
}
