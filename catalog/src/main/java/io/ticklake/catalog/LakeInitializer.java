package io.ticklake.catalog;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.contract.TableInitializer;
import io.ticklake.catalog.snapshot.CompactionLog;

/**
 * What {@code ticklake init} does: create or evolve every table from its contract, then seed the
 * bundled exchange calendars into {@code ref.exchange}. Idempotent: a second run writes nothing.
 */
public final class LakeInitializer {
  private final Warehouse warehouse;
  private final boolean recreateSilver;

  public LakeInitializer(Warehouse warehouse) {
    this(warehouse, false);
  }

  /**
   * An initializer that, when {@code recreateSilver}, drops and recreates a Silver table that
   * conflicts with its contract instead of failing (compaction then rebuilds it from Bronze).
   */
  public LakeInitializer(Warehouse warehouse, boolean recreateSilver) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.recreateSilver = recreateSilver;
  }

  private TableInitializer tables() {
    TableInitializer t = TableInitializer.forAllTables(warehouse.catalog());
    return recreateSilver ? t.recreatingRegenerable() : t;
  }

  /**
   * The outcome of an init.
   *
   * @param tables what happened to each table
   * @param exchanges what seeding {@code ref.exchange} did
   * @param compactionsLogged partitions recorded in a newly created {@code ops.compaction_log}
   *     (compacted before it existed)
   */
  public record Result(
      TableInitializer.Plan tables, ExchangeTable.SeedResult exchanges, int compactionsLogged) {
    /** True when nothing was written. */
    public boolean isNoop() {
      return tables.isNoop() && exchanges.isNoop();
    }
  }

  /** Plans the table changes without committing anything. */
  public TableInitializer.Plan plan() {
    return tables().plan();
  }

  /** Creates/evolves the tables and seeds the exchanges. */
  public Result commit() {
    TableInitializer.Plan plan = tables().commit();
    ExchangeTable.SeedResult seed =
        ExchangeTable.seedBundled(warehouse.catalog().loadTable(TableContracts.EXCHANGE.id()));
    // a warehouse that had compacted before the log existed: record what is compacted now
    int logged = 0;
    boolean logCreated =
        plan.tables().stream()
            .anyMatch(
                t ->
                    t.contract().name().equals(TableContracts.COMPACTION_LOG.name())
                        && t.action() == TableInitializer.Action.CREATE);
    if (logCreated) {
      logged =
          CompactionLog.backfill(
              warehouse, TableContracts.regenerable().stream().map(c -> c.name()).toList());
    }
    return new Result(plan, seed, logged);
  }
}
