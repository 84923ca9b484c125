package io.ticklake.cli;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableInitializer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ticklake init}: create or evolve every table and seed the exchange calendars. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Create the namespaces and tables from their contracts and seed ref.exchange.",
      "Idempotent: a second run changes nothing. Tables whose contract gained optional",
      "columns are evolved in place; a table that conflicts with its contract is an",
      "error, except Silver tables with --recreate-silver (compaction refills them)."
    })
final class InitCommand implements Callable<Integer>, StorageWriting {
  @Override
  public String doing() {
    return "initialise the warehouse";
  }

  @Override
  public String rerun() {
    return "then run the same init again: it creates only what is missing";
  }

  @ParentCommand TicklakeCommand root;

  @Option(names = "--dry-run", description = "Show what would change, change nothing.")
  boolean dryRun;

  @Option(
      names = "--recreate-silver",
      description =
          "Drop and recreate silver.trades / silver.quotes when they conflict with their"
              + " contract (e.g. event_id string from before 2026-11-27); `ticklake compact` then"
              + " rebuilds them from Bronze. Quarantine and Gold are kept.")
  boolean recreateSilver;

  @Override
  public Integer call() {
    CliContext ctx = root.context();
    if (dryRun && ctx.warehouseMissing()) {
      // a dry run changes nothing, not even by creating an empty catalog
      ctx.out().println("warehouse " + ctx.config().warehouse());
      ctx.out().println("catalog   " + ctx.config().displayUri());
      ctx.out().println("The warehouse does not exist yet: init would create it and every table.");
      return ExitCodes.OK;
    }
    try (Warehouse warehouse = ctx.createWarehouse()) {
      run(warehouse, ctx.out(), dryRun, recreateSilver);
    }
    return ExitCodes.OK;
  }

  static LakeInitializer.Result run(Warehouse warehouse, PrintWriter out, boolean dryRun) {
    return run(warehouse, out, dryRun, false);
  }

  static LakeInitializer.Result run(
      Warehouse warehouse, PrintWriter out, boolean dryRun, boolean recreateSilver) {
    LakeInitializer init = new LakeInitializer(warehouse, recreateSilver);
    out.println("warehouse " + warehouse.root());
    out.println("catalog   " + warehouse.config().displayUri());
    if (dryRun) {
      TableInitializer.Plan plan = init.plan();
      printTables(out, plan, true);
      return null;
    }
    LakeInitializer.Result result = init.commit();
    printTables(out, result.tables(), false);
    var ex = result.exchanges();
    out.printf(
        java.util.Locale.ROOT,
        "%-22s %s%n",
        "ref.exchange rows",
        ex.isNoop()
            ? "unchanged (" + ex.unchanged() + " exchanges)"
            : "seeded: "
                + ex.added()
                + " added, "
                + ex.updated()
                + " updated, "
                + ex.unchanged()
                + " unchanged");
    if (result.compactionsLogged() > 0) {
      out.printf(
          java.util.Locale.ROOT,
          "%-22s %s%n",
          "ops.compaction_log",
          "recorded " + result.compactionsLogged() + " compacted partitions");
    }
    out.println(result.isNoop() ? "Nothing to do: the lake is up to date." : "Done.");
    return result;
  }

  private static void printTables(PrintWriter out, TableInitializer.Plan plan, boolean dryRun) {
    for (var ns : plan.namespacesToCreate()) {
      out.printf(
          java.util.Locale.ROOT,
          "%-22s %s%n",
          ns,
          dryRun ? "would create namespace" : "created namespace");
    }
    for (TableInitializer.TablePlan t : plan.tables()) {
      String what =
          switch (t.action()) {
            case CREATE -> dryRun ? "would create" : "created";
            case EVOLVE ->
                (dryRun ? "would evolve: " : "evolved: ") + String.join(", ", t.changes());
            case NONE -> "unchanged";
            case RECREATE ->
                (dryRun ? "would drop and recreate (" : "dropped and recreated (")
                    + String.join("; ", t.changes())
                    + "); run `ticklake compact` to rebuild it";
          };
      out.printf(java.util.Locale.ROOT, "%-22s %s%n", t.contract().name(), what);
    }
  }
}
