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
import io.ticklake.catalog.write.LocalTrees;
import io.ticklake.gold.bars.BarJob;
import io.ticklake.gold.bars.BarOptions;
import io.ticklake.gold.bars.BarResult;
import io.ticklake.gold.export.ExportJob;
import io.ticklake.gold.export.ExportProfile;
import io.ticklake.gold.export.ExportReceipt;
import io.ticklake.gold.export.ExportRequest;
import io.ticklake.gold.quality.QualityJob;
import io.ticklake.gold.quality.QualityOptions;
import io.ticklake.gold.quality.QualityReport;
import io.ticklake.gold.quality.QualityRow;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ticklake demo}: builds a fresh demo warehouse and runs the whole pipeline on the bundled
 * samples: init, symbols, ingest, compaction, bars, quality report and one export.
 */
@Command(
    name = "demo",
    header = "Build a demo warehouse from the bundled sample data and show it.",
    mixinStandardHelpOptions = true,
    description = {
      "Build a fresh demo warehouse (default ./demo-warehouse, or --warehouse DIR) and",
      "show its tables. An existing demo warehouse is replaced; any other non-empty",
      "directory is left alone and is an error."
    })
final class DemoCommand implements Callable<Integer> {
  static final String MARKER = ".ticklake-demo";
  static final String DEFAULT_DIR = "demo-warehouse";

  /** The folder under {@code <warehouse>/exports} the demo exports to. */
  static final String EXPORT_NAME = "ibm-1m-pandas";

  /** The trading date of the bundled Lean sample. */
  static final LocalDate SAMPLE_DAY = LocalDate.of(2013, 10, 11);

  @ParentCommand TicklakeCommand root;

  @Option(
      names = "--keep",
      description = "Keep an existing demo warehouse instead of starting afresh.")
  boolean keep;

  @Override
  public Integer call() throws IOException {
    CliContext ctx = root.context();
    PrintWriter out = ctx.out();
    WarehouseConfig config = ctx.config(DEFAULT_DIR, null);
    Path dir = config.warehouse();
    Path embedded = dir.resolve(WarehouseConfig.SQLITE_CATALOG_FILE);
    if (!config.sqliteFile().map(embedded::equals).orElse(false)) {
      // the demo deletes and rebuilds its folder: a catalog elsewhere (a PostgreSQL database)
      // would go on naming the deleted tables, and the next demo would fail on them
      throw TicklakeException.of(
          Kind.CONFIGURATION,
          "Cannot build the demo with catalog %s: the demo replaces its warehouse folder whole,"
              + " with the SQLite catalog inside it (%s), and a catalog elsewhere would go on"
              + " naming the deleted tables; run it without --catalog-uri and"
              + " TICKLAKE_CATALOG_URI, and run init, ingest, compact … on that catalog instead",
          config.displayUri(),
          embedded);
    }
    prepare(dir, keep);
    out.println("== ticklake demo: warehouse " + dir);
    Path report = dir.resolve("quality.html");
    Path exportDir = dir.resolve("exports").resolve(EXPORT_NAME);
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
      out.println("== 5. bars: OHLCV at 1s, 1m, 5m, 1h and 1d from Silver trades");
      for (BarResult r : new BarJob(warehouse, BarOptions.defaults()).run()) {
        out.printf(
            java.util.Locale.ROOT,
            "  gold.bars %s: %,d trades in, %,d bars out %s%n",
            r.partition(),
            r.rowsIn(),
            r.totalBars(),
            r.barsOut());
      }
      out.println();
      out.println("== 6. quality: gold.quality_daily and an HTML report");
      new QualityJob(warehouse, QualityOptions.defaults()).run();
      List<QualityRow> quality =
          QualityJob.read(warehouse, QualityOptions.defaults(), Optional.empty());
      for (QualityRow q : quality) {
        out.printf(
            java.util.Locale.ROOT,
            "  %s %s %s: grade %s (score %s, %.1f %% of session minutes, %d gap(s), %d quarantined)%n",
            q.exchange(),
            q.symbol(),
            q.tradingDate(),
            q.grade(),
            q.score(),
            q.coverage() == null ? 0.0 : q.coverage().movePointRight(2).doubleValue(),
            q.gaps().size(),
            q.quarantined());
      }
      new QualityReport(warehouse).write(quality, report, 100, QualityReport.Progress.NONE);
      out.println("  report: " + report);
      out.println();
      out.println("== 7. export: IBM 1m bars for pandas, pinned to the current snapshot");
      ExportReceipt receipt =
          new ExportJob(
                  warehouse,
                  new ExportRequest(
                      ExportProfile.parse("pandas"),
                      "gold.bars",
                      "us-equity",
                      List.of("IBM"),
                      SAMPLE_DAY,
                      SAMPLE_DAY,
                      "1m",
                      exportDir,
                      null))
              .commit();
      for (ExportReceipt.TableRead t : receipt.tables()) {
        out.printf(
            java.util.Locale.ROOT,
            "  %s at snapshot %d: %,d rows -> %s (receipt %s)%n",
            t.table(),
            t.snapshotId(),
            t.rows(),
            exportDir,
            ExportReceipt.FILE_NAME);
      }
      out.println();
      out.println("== 8. the tables");
      TablesCommand.print(warehouse, ctx, ResultFormat.TABLE);
    }
    out.println();
    out.println("Try:");
    String wh = " --warehouse " + shellWord(dir.toString());
    String launcher = launcher();
    out.println(
        "  "
            + launcher
            + " sql"
            + wh
            + " -c \"select exchange_id, time_zone, name from ref.exchange\"");
    out.println("  " + launcher + " snapshots" + wh + " ref.exchange");
    out.println(
        "  "
            + launcher
            + " sql"
            + wh
            + " -c \"select exchange, symbol, trading_date, count(*) trades, sum(size) volume"
            + " from bronze.trades group by all order by all\"");
    out.println("  " + launcher + " manifest" + wh);
    out.println("  " + launcher + " dims history BAC" + wh);
    out.println(
        "  "
            + launcher
            + " sql"
            + wh
            + " -c \"select symbol, trading_date, count(*), min(price), max(price) from silver.trades"
            + " group by all\"");
    out.println("  " + launcher + " snapshots" + wh + " silver.trades");
    out.println(
        "  "
            + launcher
            + " sql"
            + wh
            + " -c \"select bar_start, open, high, low, close, volume, vwap, trade_count"
            + " from gold.bars where symbol = 'IBM' and interval = '1m' and session = 'regular'"
            + " order by bar_start limit 10\"");
    out.println(
        "  "
            + launcher
            + " sql"
            + wh
            + " -c \"select interval, count(*) bars, sum(volume) volume from gold.bars"
            + " group by all order by all\"");
    out.println(
        "  "
            + launcher
            + " sql"
            + wh
            + " -c \"select rule, severity, count(*) from ops.quarantine group by all\"");
    out.println("  " + launcher + " quarantine" + wh);
    out.println("  " + launcher + " export verify" + wh + " " + shellWord(exportDir.toString()));
    out.println("  open " + shellWord(report.toString()));
    return ExitCodes.OK;
  }

  private static void prepare(Path dir, boolean keep) throws IOException {
    if (!Files.exists(dir)) {
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
      // also with --keep: adopting a foreign directory would load the samples into it and mark
      // it as a demo, so that the next run without --keep would delete it whole
      throw TicklakeException.of(
          Kind.CONFIGURATION,
          "Cannot build the demo in %s: the directory is not empty and was not made by"
              + " 'ticklake demo'; choose another with --warehouse",
          dir);
    }
    if (keep) {
      // the kept demo's own export is replaced: an export never writes into a non-empty folder
      LocalTrees.deleteTree(dir.resolve("exports").resolve(EXPORT_NAME));
      return;
    }
    LocalTrees.deleteTree(dir);
  }

  /**
   * How to call the CLI in the hints: {@code bin/ticklake} when the launcher is that path from the
   * current directory (the repository root), else the launcher's absolute path, or {@code ticklake}
   * when not started through it.
   */
  private static String launcher() {
    String path = System.getProperty("ticklake.launcher");
    if (path == null) {
      return "ticklake";
    }
    java.nio.file.Path p = java.nio.file.Path.of(path).toAbsolutePath().normalize();
    java.nio.file.Path cwd = java.nio.file.Path.of("").toAbsolutePath().normalize();
    String shown = p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
    // a bare name would be looked up in PATH, not in the current folder
    return shellWord(shown.contains("/") ? shown : "./" + shown);
  }

  /** {@code s} as one shell word: as is when it has no special characters, else single-quoted. */
  static String shellWord(String s) {
    return s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
