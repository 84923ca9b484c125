package io.ticklake.catalog.contract;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortField;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types.NestedField;

/**
 * Brings the catalog in line with the table contracts: creates missing namespaces and tables and
 * evolves existing tables towards their contracts without rewriting data.
 *
 * <p>Allowed evolutions: add an optional column, make a required column optional, widen a type
 * (int→long, float→double, decimal precision), set contract properties, replace the sort order.
 * Anything else (a missing required column, a changed type, a different partition spec, a column
 * the contract does not know) is a conflict: {@link #plan()} throws, naming every difference, and
 * nothing is changed.
 *
 * <p>Idempotent: when every table already matches, {@link #commit(Plan)} writes nothing (no new
 * snapshot, no new metadata file). Not thread-safe; concurrent initializers in different processes
 * are safe because table creation is atomic in the catalog.
 */
public final class TableInitializer {
  private final Catalog catalog;
  private final List<TableContract> contracts;
  private final boolean recreateRegenerable;

  /** What {@link #plan()} found for one table. */
  public enum Action {
    /** The table does not exist and will be created. */
    CREATE,
    /** The table exists and will be evolved. */
    EVOLVE,
    /** The table matches its contract. */
    NONE,
    /**
     * The table conflicts with its contract but holds only rows rebuilt from Bronze (Silver), and
     * recreation was asked for: it will be dropped and created empty.
     */
    RECREATE
  }

  /**
   * The planned change of one table.
   *
   * @param contract the table's contract
   * @param action what will happen
   * @param changes human-readable list of the changes (empty for NONE)
   */
  public record TablePlan(TableContract contract, Action action, List<String> changes) {
    public TablePlan {
      requireNonNull(contract, "contract is null");
      requireNonNull(action, "action is null");
      changes = List.copyOf(changes);
    }
  }

  /**
   * Everything {@link #commit(Plan)} would do.
   *
   * @param namespacesToCreate namespaces that do not exist yet
   * @param tables one plan per contract, in contract order
   */
  public record Plan(List<Namespace> namespacesToCreate, List<TablePlan> tables) {
    public Plan {
      namespacesToCreate = List.copyOf(namespacesToCreate);
      tables = List.copyOf(tables);
    }

    /** True when nothing would change. */
    public boolean isNoop() {
      return namespacesToCreate.isEmpty()
          && tables.stream().allMatch(t -> t.action() == Action.NONE);
    }
  }

  /**
   * Table property: when (epoch ms) {@code init --recreate-silver} dropped the table and created it
   * empty; the rows it held before are gone, though its history starts empty.
   */
  public static final String RECREATED_AT = "ticklake.recreated-at";

  public TableInitializer(Catalog catalog, List<TableContract> contracts) {
    this(catalog, contracts, false);
  }

  private TableInitializer(Catalog catalog, List<TableContract> contracts, boolean recreate) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.contracts = List.copyOf(requireNonNull(contracts, "contracts is null"));
    this.recreateRegenerable = recreate;
  }

  /**
   * This initializer, but a table of {@link TableContracts#regenerable()} that conflicts with its
   * contract is dropped and created empty instead of being an error (its rows are rebuilt from
   * Bronze by the next compaction).
   */
  public TableInitializer recreatingRegenerable() {
    return new TableInitializer(catalog, contracts, true);
  }

  /**
   * The differences between {@code table} and {@code contract} that no evolution can bridge (a
   * changed type, a missing required column, …); empty when the table can be used as it is or
   * evolved.
   */
  public static List<String> conflicts(Table table, TableContract contract) {
    return diff(table, contract).conflicts();
  }

  /** An initializer for every ticklake table. */
  public static TableInitializer forAllTables(Catalog catalog) {
    return new TableInitializer(catalog, TableContracts.all());
  }

  /**
   * Computes what {@link #commit(Plan)} would change, reading the catalog only.
   *
   * @throws TicklakeException of kind CONTRACT when a table conflicts with its contract
   */
  public Plan plan() {
    SupportsNamespaces namespaces = namespaces();
    Set<Namespace> missing = new LinkedHashSet<>();
    for (TableContract contract : contracts) {
      Namespace ns = contract.id().namespace();
      if (!namespaces.namespaceExists(ns)) {
        missing.add(ns);
      }
    }
    List<TablePlan> plans = new ArrayList<>();
    List<String> conflicts = new ArrayList<>();
    for (TableContract contract : contracts) {
      Table table = loadOrNull(contract);
      if (table == null) {
        plans.add(new TablePlan(contract, Action.CREATE, List.of("create " + contract.name())));
        continue;
      }
      Diff diff = diff(table, contract);
      boolean regenerable = TableContracts.regenerable().contains(contract);
      if (!diff.conflicts().isEmpty() && regenerable && recreateRegenerable) {
        plans.add(new TablePlan(contract, Action.RECREATE, diff.conflicts()));
        continue;
      }
      conflicts.addAll(diff.conflicts());
      if (!diff.conflicts().isEmpty() && regenerable) {
        conflicts.add(
            contract.name()
                + " holds only rows compaction rebuilds from Bronze: recreate it with `ticklake"
                + " init --recreate-silver`, then run `ticklake compact`");
      }
      plans.add(
          new TablePlan(
              contract, diff.changes().isEmpty() ? Action.NONE : Action.EVOLVE, diff.changes()));
    }
    if (!conflicts.isEmpty()) {
      throw TicklakeException.of(
          Kind.CONTRACT, "Cannot initialize: %s", String.join("; ", conflicts));
    }
    return new Plan(List.copyOf(missing), plans);
  }

  /** Plans and commits in one go. */
  public Plan commit() {
    return commit(plan());
  }

  /**
   * Applies a plan. Each table's evolution is one atomic metadata commit.
   *
   * @return the plan that was applied
   */
  public Plan commit(Plan plan) {
    SupportsNamespaces namespaces = namespaces();
    for (Namespace ns : plan.namespacesToCreate()) {
      try {
        namespaces.createNamespace(ns, Map.of());
      } catch (AlreadyExistsException e) {
        // another process created it in the meantime: that is the state we want
      } catch (RuntimeException e) {
        // the JDBC catalog checks, then inserts: a concurrent init that inserted first fails the
        // insert with a constraint violation (UncheckedSQLException), not AlreadyExistsException
        if (!namespaces.namespaceExists(ns)) {
          throw e;
        }
      }
    }
    for (TablePlan tablePlan : plan.tables()) {
      TableContract contract = tablePlan.contract();
      switch (tablePlan.action()) {
        case CREATE -> create(contract);
        case EVOLVE -> evolve(catalog.loadTable(contract.id()), contract);
        case RECREATE -> {
          catalog.dropTable(contract.id(), true);
          create(contract);
          // its history starts now: an --as-of time before this must not read it as empty
          catalog
              .loadTable(contract.id())
              .updateProperties()
              .set(RECREATED_AT, Long.toString(System.currentTimeMillis()))
              .commit();
        }
        case NONE -> {}
      }
    }
    return plan;
  }

  private void create(TableContract contract) {
    try {
      catalog
          .buildTable(contract.id(), contract.schema())
          .withPartitionSpec(contract.spec())
          .withSortOrder(contract.sortOrder())
          .withProperties(contract.properties())
          .create();
    } catch (AlreadyExistsException e) {
      // created concurrently: evolve it if it needs anything (usually not)
      Table table = catalog.loadTable(contract.id());
      Diff diff = diff(table, contract);
      if (!diff.conflicts().isEmpty()) {
        throw TicklakeException.of(
            Kind.CONTRACT, "Cannot initialize: %s", String.join("; ", diff.conflicts()));
      }
      if (!diff.changes().isEmpty()) {
        evolve(table, contract);
      }
    }
  }

  private void evolve(Table table, TableContract contract) {
    Transaction txn = table.newTransaction();
    Schema current = table.schema();
    Schema wanted = contract.schema();
    // a transaction takes its next update only once the last one committed, so the schema update
    // is opened only when there is a change for it (an unused one made a table whose contract
    // changed only its sort order or properties fail with 'last operation has not committed')
    UpdateSchema update = null;
    for (NestedField field : wanted.columns()) {
      NestedField existing = current.findField(field.name());
      if (existing == null) {
        update = update != null ? update : txn.updateSchema();
        update.addColumn(field.name(), field.type(), field.doc());
        continue;
      }
      if (!existing.type().equals(field.type())) {
        update = update != null ? update : txn.updateSchema();
        update.updateColumn(field.name(), field.type().asPrimitiveType());
      }
      if (existing.isRequired() && field.isOptional()) {
        update = update != null ? update : txn.updateSchema();
        update.makeColumnOptional(field.name());
      }
    }
    if (update != null) {
      update.commit();
    }
    Map<String, String> props = propertyChanges(table, contract);
    if (!props.isEmpty()) {
      var updateProps = txn.updateProperties();
      props.forEach(updateProps::set);
      updateProps.commit();
    }
    if (!sortOrderDescription(table.sortOrder(), current)
        .equals(sortOrderDescription(contract.sortOrder(), wanted))) {
      replaceSortOrder(txn.replaceSortOrder(), contract, wanted);
    }
    txn.commitTransaction();
  }

  /**
   * Gives {@code table} its contract's sort order when it has another one (a metadata-only commit),
   * so that files written in the contract's order are tagged with it; the table must otherwise
   * match the contract.
   */
  public static void adoptSortOrder(Table table, TableContract contract) {
    if (!sortOrderDescription(table.sortOrder(), table.schema())
        .equals(sortOrderDescription(contract.sortOrder(), contract.schema()))) {
      replaceSortOrder(table.replaceSortOrder(), contract, contract.schema());
    }
  }

  private static void replaceSortOrder(
      org.apache.iceberg.ReplaceSortOrder replace, TableContract contract, Schema wanted) {
    for (SortField field : contract.sortOrder().fields()) {
      String column = wanted.findColumnName(field.sourceId());
      if (field.direction() == org.apache.iceberg.SortDirection.ASC) {
        replace.asc(column, field.nullOrder());
      } else {
        replace.desc(column, field.nullOrder());
      }
    }
    replace.commit();
  }

  /** Differences between a table and its contract, split into allowed changes and conflicts. */
  record Diff(List<String> changes, List<String> conflicts) {}

  static Diff diff(Table table, TableContract contract) {
    List<String> changes = new ArrayList<>();
    List<String> conflicts = new ArrayList<>();
    String name = contract.name();
    Schema current = table.schema();
    Schema wanted = contract.schema();

    for (NestedField field : wanted.columns()) {
      NestedField existing = current.findField(field.name());
      if (existing == null) {
        if (field.isRequired()) {
          conflicts.add(
              String.format(
                  java.util.Locale.ROOT,
                  "%s lacks required column %s (only optional columns can be added)",
                  name,
                  field.name()));
        } else {
          changes.add("add column " + field.name() + " " + field.type());
        }
        continue;
      }
      Type have = existing.type();
      Type want = field.type();
      if (!have.equals(want)) {
        if (have.isPrimitiveType()
            && want.isPrimitiveType()
            && TypeUtil.isPromotionAllowed(have, want.asPrimitiveType())) {
          changes.add("widen column " + field.name() + " from " + have + " to " + want);
        } else {
          conflicts.add(
              String.format(
                  java.util.Locale.ROOT,
                  "%s column %s is %s but its contract says %s",
                  name,
                  field.name(),
                  have,
                  want));
        }
      }
      if (existing.isOptional() && field.isRequired()) {
        conflicts.add(
            String.format(
                java.util.Locale.ROOT,
                "%s column %s is optional but its contract requires it",
                name,
                field.name()));
      } else if (existing.isRequired() && field.isOptional()) {
        changes.add("make column " + field.name() + " optional");
      }
    }
    for (NestedField existing : current.columns()) {
      if (wanted.findField(existing.name()) == null) {
        conflicts.add(
            String.format(
                java.util.Locale.ROOT,
                "%s has column %s that its contract does not define",
                name,
                existing.name()));
      }
    }

    String haveSpec = specDescription(table.spec(), current);
    String wantSpec = specDescription(contract.spec(), wanted);
    if (!haveSpec.equals(wantSpec)) {
      conflicts.add(
          String.format(
              java.util.Locale.ROOT,
              "%s is partitioned by [%s] but its contract says [%s]",
              name,
              haveSpec,
              wantSpec));
    }

    int formatVersion = ((HasTableOperations) table).operations().current().formatVersion();
    int wantVersion =
        Integer.parseInt(contract.properties().getOrDefault(TableProperties.FORMAT_VERSION, "2"));
    if (formatVersion > wantVersion) {
      conflicts.add(
          String.format(
              java.util.Locale.ROOT,
              "%s has format version %d but its contract says %d",
              name,
              formatVersion,
              wantVersion));
    }

    propertyChanges(table, contract).forEach((k, v) -> changes.add("set property " + k + "=" + v));

    String haveOrder = sortOrderDescription(table.sortOrder(), current);
    String wantOrder = sortOrderDescription(contract.sortOrder(), wanted);
    if (!haveOrder.equals(wantOrder)) {
      changes.add("sort order [" + haveOrder + "] -> [" + wantOrder + "]");
    }
    return new Diff(changes, conflicts);
  }

  private static Map<String, String> propertyChanges(Table table, TableContract contract) {
    Map<String, String> changes = new java.util.TreeMap<>();
    int formatVersion = ((HasTableOperations) table).operations().current().formatVersion();
    contract
        .properties()
        .forEach(
            (k, v) -> {
              if (k.equals(TableProperties.FORMAT_VERSION)) {
                if (formatVersion < Integer.parseInt(v)) {
                  changes.put(k, v);
                }
              } else if (!Objects.equals(table.properties().get(k), v)) {
                changes.put(k, v);
              }
            });
    return changes;
  }

  static String specDescription(PartitionSpec spec, Schema schema) {
    return spec.fields().stream()
        .map((PartitionField f) -> f.transform() + "(" + schema.findColumnName(f.sourceId()) + ")")
        .collect(Collectors.joining(", "));
  }

  static String sortOrderDescription(SortOrder order, Schema schema) {
    return order.fields().stream()
        .map(
            f ->
                f.transform()
                    + "("
                    + schema.findColumnName(f.sourceId())
                    + ") "
                    + f.direction()
                    + " "
                    + f.nullOrder())
        .collect(Collectors.joining(", "));
  }

  private Table loadOrNull(TableContract contract) {
    try {
      return catalog.loadTable(contract.id());
    } catch (NoSuchTableException e) {
      return null;
    }
  }

  private SupportsNamespaces namespaces() {
    if (!(catalog instanceof SupportsNamespaces ns)) {
      throw new IllegalStateException("Cannot initialize: catalog does not support namespaces");
    }
    return ns;
  }
}
