package io.ticklake.cli;

import io.ticklake.bronze.ingest.IngestJob;
import io.ticklake.bronze.ingest.IngestResult;
import io.ticklake.bronze.ingest.IngestSummary;
import io.ticklake.bronze.ingest.InputFiles;
import io.ticklake.bronze.ingest.VendorReaders;
import io.ticklake.bronze.sample.BundledSamples;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.dim.DimSymbolTable;
import io.ticklake.catalog.dim.SymbolLoader;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.PartitionResult;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ticklake demo}: builds a fresh demo warehouse and shows what is in it. Later stages of the
 * pipeline (ingest, compaction, bars) join the demo as they are built.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Build a fresh demo warehouse (default ./demo-warehouse, or --warehouse DIR) and",
      "show its tables. An existing demo warehouse is replaced; any other non-empty",
      "directory is left alone and is an error."
    })
final class DemoCommand implements Callable<Integer> {
  static final String MARKER = ".ticklake-demo";
  static final String DEFAULT_DIR = "demo-warehouse";

  @ParentCommand TicklakeCommand root;

  @Option(
      names = "--keep",
      description = "Keep an existing demo warehouse instead of starting afresh.")
  boolean keep;

  @Override
  public Integer call() throws IOException {
    CliContext ctx = root.context();
    PrintWriter out = ctx.out();
    WarehouseConfig config =
        ctx.warehouseGiven()
            ? ctx.config()
            : WarehouseConfig.resolve(DEFAULT_DIR, null, java.util.Map.of());
    Path dir = config.warehouse();
    prepare(dir, keep);
    out.println("== ticklake demo: warehouse " + dir);
    try (Warehouse warehouse = Warehouse.open(config)) {
      Files.writeString(dir.resolve(MARKER), "created by 'ticklake demo'\n");
      out.println();
      out.println("== 1. init: create the tables from their contracts, seed exchange calendars");
      InitCommand.run(warehouse, out, false);
      out.println();
      out.println("== 2. dims: load the bundled symbol reference data into ref.dim_symbol");
      SymbolLoader.Result symbols =
          new SymbolLoader(
                  SymbolLoader.references(Optional.empty(), Optional.empty(), Optional.empty()),
                  LocalDate.now(ZoneOffset.UTC),
                  Clock.systemUTC())
              .commit(DimSymbolTable.open(warehouse), DimSymbolTable.Retry.DEFAULT);
      out.println("  ref.dim_symbol at version " + symbols.version());
      out.println();
      Path samples = BundledSamples.extractTo(dir.resolve("samples"));
      out.println("== 3. ingest: bundled real vendor files (" + samples + ")");
      ExchangeCalendars calendars = ExchangeTable.load(warehouse.catalog());
      for (String vendor : java.util.List.of("lean", "tardis")) {
        IngestSummary s =
            new IngestJob(
                    warehouse,
                    VendorReaders.forVendor(vendor, null),
                    calendars,
                    VendorReaders.defaultExchange(vendor),
                    2,
                    null,
                    Clock.systemUTC())
                .run(InputFiles.expand(java.util.List.of(samples.resolve(vendor).toString())));
        for (IngestResult f : s.files()) {
          out.printf(
              java.util.Locale.ROOT,
              "  %-7s file %d %s: %s%n",
              vendor,
              f.fileId(),
              samples.relativize(Path.of(f.path())),
              f.message());
        }
      }
      out.println();
      out.println("== 4. compact: validate, dedup and sort Bronze into Silver");
      for (SilverTable kind : SilverTable.values()) {
        SilverCompactor compactor =
            new SilverCompactor(warehouse, kind, CompactOptions.defaults(), Clock.systemUTC());
        for (PartitionResult r : compactor.commit(compactor.plan())) {
          out.printf(
              java.util.Locale.ROOT,
              "  %s %s: %,d in, %,d duplicates, %,d quarantined, %,d out%n",
              kind.silver().name(),
              r.key(),
              r.rowsIn(),
              r.duplicates(),
              r.quarantined(),
              r.rowsOut());
        }
      }
      out.println();
      out.println("== 5. the tables");
      TablesCommand.print(warehouse, ctx, ResultFormat.TABLE);
    }
    out.println();
    out.println("Try:");
    String wh = " --warehouse " + dir;
    out.println(
        "  bin/ticklake sql"
            + wh
            + " -c \"select exchange_id, time_zone, name from ref.exchange\"");
    out.println("  bin/ticklake snapshots" + wh + " ref.exchange");
    out.println(
        "  bin/ticklake sql"
            + wh
            + " -c \"select exchange, symbol, trading_date, count(*) trades, sum(size) volume"
            + " from bronze.trades group by all order by all\"");
    out.println("  bin/ticklake manifest" + wh);
    out.println("  bin/ticklake dims history BAC" + wh);
    out.println(
        "  bin/ticklake sql"
            + wh
            + " -c \"select symbol, trading_date, count(*), min(price), max(price) from silver.trades"
            + " group by all\"");
    out.println("  bin/ticklake snapshots" + wh + " silver.trades");
    return ExitCodes.OK;
  }

  private static void prepare(Path dir, boolean keep) throws IOException {
    if (!Files.exists(dir) || keep) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw TicklakeException.of(
          Kind.CONFIGURATION, "Cannot build the demo in %s: it is a file", dir);
    }
    boolean empty;
    try (Stream<Path> s = Files.list(dir)) {
      empty = s.findAny().isEmpty();
    }
    if (empty) {
      return;
    }
    if (!Files.exists(dir.resolve(MARKER))) {
      throw TicklakeException.of(
          Kind.CONFIGURATION,
          "Cannot build the demo in %s: the directory is not empty and was not made by"
              + " 'ticklake demo'; choose another with --warehouse",
          dir);
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
