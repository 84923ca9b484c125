package io.ticklake.catalog;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.contract.TableInitializer;

/**
 * What {@code ticklake init} does: create or evolve every table from its contract, then seed the
 * bundled exchange calendars into {@code ref.exchange}. Idempotent: a second run writes nothing.
 */
public final class LakeInitializer {
  private final Warehouse warehouse;

  public LakeInitializer(Warehouse warehouse) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
  }

  /**
   * The outcome of an init.
   *
   * @param tables what happened to each table
   * @param exchanges what seeding {@code ref.exchange} did
   */
  public record Result(TableInitializer.Plan tables, ExchangeTable.SeedResult exchanges) {
    /** True when nothing was written. */
    public boolean isNoop() {
      return tables.isNoop() && exchanges.isNoop();
    }
  }

  /** Plans the table changes without committing anything. */
  public TableInitializer.Plan plan() {
    return TableInitializer.forAllTables(warehouse.catalog()).plan();
  }

  /** Creates/evolves the tables and seeds the exchanges. */
  public Result commit() {
    TableInitializer.Plan plan = TableInitializer.forAllTables(warehouse.catalog()).commit();
    ExchangeTable.SeedResult seed =
        ExchangeTable.seedBundled(warehouse.catalog().loadTable(TableContracts.EXCHANGE.id()));
    return new Result(plan, seed);
  }
}
