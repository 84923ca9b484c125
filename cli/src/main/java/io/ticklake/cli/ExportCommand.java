package io.ticklake.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.gold.export.ExportJob;
import io.ticklake.gold.export.ExportPlan;
import io.ticklake.gold.export.ExportProfile;
import io.ticklake.gold.export.ExportProgress;
import io.ticklake.gold.export.ExportReceipt;
import io.ticklake.gold.export.ExportRequest;
import io.ticklake.gold.export.ExportVerifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ticklake export}: write table rows, pinned to a snapshot, in a tool's format. */
@Command(
    name = "export",
    header = "Export bars, trades or quotes for a tool, pinned to one snapshot.",
    mixinStandardHelpOptions = true,
    customSynopsis = {
      "ticklake export --profile=P --table=T --symbols=A,B --from=DATE --to=DATE",
      "                       --out=DIR [--exchange=EXCHANGE] [--interval=I] [--as-of=WHEN]",
      "                       [--json] [--warehouse=DIR] [--catalog-uri=JDBC_URL] [-hV]",
      "       ticklake export verify [--json] DIR",
      ""
    },
    description = {
      "Export gold.bars, silver.trades or silver.quotes for some symbols and trading dates",
      "into a new folder, in the format of a tool (profile), pinned to one snapshot. The",
      "folder gets a receipt.json (request, snapshot id, row counts, sha256 of every file,",
      "pandas and R loader snippets); 'ticklake export verify DIR' checks it later.",
      "",
      "Profiles: pandas (Parquet, snappy, ns UTC times), r (CSV), excel (CSV, UTF-8 BOM,",
      "CRLF), arrow (Arrow IPC file = Feather v2), postgres (CSV + schema.sql + load.sql),",
      "lean (Lean minute/second trade-bar zips; gold.bars at 1m/1s), parquet-partitioned",
      "(symbol=…/date=…/part-0.parquet).",
      "",
      "Files are written into a hidden sibling folder and renamed into place at the end:",
      "a failed export leaves nothing under DIR."
    },
    subcommands = {ExportCommand.Verify.class})
final class ExportCommand implements Callable<Integer>, StorageWriting {
  @Override
  public String doing() {
    return "export to " + out;
  }

  @Override
  public String rerun() {
    return "then run the same export again (a failed export leaves nothing under " + out + ")";
  }

  @Override
  public Path writesTo() {
    return out;
  }

  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  @Option(
      names = "--profile",
      paramLabel = "P",
      description = "Output profile (see above). Required.")
  String profile;

  @Option(
      names = "--table",
      paramLabel = "T",
      description = "gold.bars, silver.trades or silver.quotes. Required.")
  String table;

  @Option(
      names = "--symbols",
      paramLabel = "A,B",
      split = ",",
      description = {
        "Symbols to export, comma-separated. Required. A symbol the table holds only in another"
            + " case is matched ignoring case (ibm exports IBM, with a note)."
      })
  List<String> symbols;

  @Option(
      names = "--from",
      paramLabel = "DATE",
      description = "First trading date (yyyy-mm-dd). Required.")
  String from;

  @Option(
      names = "--to",
      paramLabel = "DATE",
      description = "Last trading date (inclusive). Required.")
  String to;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Folder to create; it must not exist or must be empty. Required.")
  Path out;

  @Option(
      names = "--as-of",
      paramLabel = "WHEN",
      description = {
        "Read the table as of a snapshot id, an ISO-8601 time with zone or a tag",
        "(default: the latest snapshot). The receipt records the snapshot id."
      })
  String asOf;

  @Option(
      names = "--interval",
      paramLabel = "I",
      description = "Bar interval for gold.bars: 1s, 1m, 5m, 1h, 1d (default: 1m).")
  String interval;

  @Option(names = "--exchange", paramLabel = "EXCHANGE", description = "Only this exchange.")
  String exchange;

  @Option(names = "--json", description = "Print the receipt as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> required = new LinkedHashMap<>();
    required.put("--profile=P", profile);
    required.put("--table=T", table);
    required.put("--symbols=A,B", symbols);
    required.put("--from=DATE", from);
    required.put("--to=DATE", to);
    required.put("--out=DIR", out);
    requireAll(required);
    OptionValues.notBlank(spec, "--table", table, "gold.bars, silver.trades or silver.quotes");
    OptionValues.noneBlank(spec, "--symbols", symbols, "comma-separated symbols, e.g. IBM,AAPL");
    OptionValues.notBlank(spec, "--exchange", exchange, OptionValues.EXCHANGE);
    LocalDate first = date("--from", from);
    LocalDate last = date("--to", to);
    if (first.isAfter(last)) {
      // a usage error, as for compact and bars
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Cannot export: --from " + first + " is after --to " + last);
    }
    ExportRequest request =
        new ExportRequest(
            ExportProfile.parse(profile),
            table.strip(),
            exchange,
            symbols,
            first,
            last,
            interval,
            out,
            asOf);
    CliContext ctx = root.context();
    PrintWriter o = ctx.out();
    try (Warehouse warehouse = ctx.openWarehouse()) {
      PartitionSelection.checkExchange(warehouse, exchange, "export");
      ExportJob job = new ExportJob(warehouse, request);
      ExportPlan plan = job.plan();
      for (Path left : ExportJob.removeInterrupted(plan.out())) {
        ctx.err().printf("Removed %s, left by an interrupted export%n", left);
      }
      boolean terminal = System.console() != null && !json;
      long start = System.nanoTime();
      PrintWriter err = ctx.err();
      ExportProgress progress =
          !terminal
              ? ExportProgress.NONE
              : (done, total) -> {
                double secs = Math.max((System.nanoTime() - start) / 1e9, 1e-3);
                err.printf(
                    Locale.ROOT,
                    "\rexporting %,d rows of %s at snapshot %d: files %d/%d  %.1f s   ",
                    plan.rows(),
                    request.describeTable(),
                    plan.snapshotId(),
                    done,
                    total,
                    secs);
                err.flush();
              };
      boolean perDay =
          request.profile() == ExportProfile.LEAN
              || request.profile() == ExportProfile.PARQUET_PARTITIONED;
      progress.filesWritten(0, perDay ? plan.symbolDays() : 1);
      ExportReceipt receipt = job.commit(plan, progress);
      if (terminal) {
        err.print("\r" + " ".repeat(100) + "\r");
        err.flush();
      }
      plan.symbolsRespelled()
          .forEach(
              (given, stored) ->
                  err.printf(
                      Locale.ROOT,
                      "Note: symbol %s is exported as %s, the table's spelling%n",
                      given,
                      stored));
      if (!plan.symbolsRespelled().isEmpty()) {
        err.flush();
      }
      if (!plan.symbolsWithoutRows().isEmpty()) {
        err.printf(
            Locale.ROOT,
            "Note: no rows for %s from %s to %s; the export holds the other symbols%n",
            String.join(", ", plan.symbolsWithoutRows()),
            request.from(),
            request.to());
        err.flush();
      }
      if (json) {
        o.print(receipt.toJson());
        return ExitCodes.OK;
      }
      o.printf(
          Locale.ROOT,
          "Exported %,d rows of %s at snapshot %d (committed %s) as %s to %s%n",
          plan.rows(),
          request.describeTable(),
          plan.snapshotId(),
          plan.committedAt(),
          request.profile().cliName(),
          plan.out());
      for (ExportReceipt.FileEntry f : receipt.files()) {
        o.printf(
            Locale.ROOT,
            "  %-48s %12s %,12d bytes  sha256 %s%n",
            f.path(),
            f.rows() == null ? "" : String.format(Locale.ROOT, "%,d rows", f.rows()),
            f.bytes(),
            f.sha256().substring(0, 16));
      }
      o.printf(
          Locale.ROOT,
          "Receipt %s; check it with: ticklake export verify %s%n",
          plan.out().resolve(ExportReceipt.FILE_NAME),
          DemoCommand.shellWord(plan.out().toString()));
    }
    return ExitCodes.OK;
  }

  /** Names every missing option at once, as picocli does for the options it checks itself. */
  private void requireAll(Map<String, Object> required) {
    List<String> missing =
        required.entrySet().stream()
            .filter(e -> e.getValue() == null)
            .map(e -> "'" + e.getKey() + "'")
            .toList();
    if (!missing.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          (missing.size() == 1 ? "Missing required option: " : "Missing required options: ")
              + String.join(", ", missing));
    }
  }

  private LocalDate date(String option, String text) {
    try {
      return LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          String.format(
              Locale.ROOT, "Cannot export: %s '%s' is not a date (yyyy-mm-dd)", option, text));
    }
  }

  /** {@code ticklake export verify DIR}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      header = "Check an export folder against its receipt.json and the pinned snapshot.",
      description = {
        "Check an export folder against its receipt.json: the sha256 and size of every file,",
        "the rows in every data file (read back), no missing or extra files, and that the",
        "pinned snapshot still exists and still selects the same rows (count and content",
        "digest). Exits 6 and names each differing file when anything differs. Hidden and",
        "OS files not in the receipt (.DS_Store, ._name, Thumbs.db) are named in a note.",
        "Without --warehouse or TICKLAKE_WAREHOUSE it uses the warehouse the receipt names."
      })
  static final class Verify implements Callable<Integer> {
    @ParentCommand ExportCommand parent;

    @Parameters(paramLabel = "DIR", description = "The export folder.")
    Path dir;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = parent.root.context();
      ExportVerifier.Report report;
      try (Warehouse warehouse = ctx.openExisting(config(ctx, ExportReceipt.read(dir)))) {
        report = new ExportVerifier(warehouse).verify(dir);
      }
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dir", dir.toString());
        m.put("ok", report.ok());
        m.put("files_checked", report.filesChecked());
        m.put("rows", report.rows());
        m.put("problems", report.problems());
        m.put("notes", report.notes());
        ctx.out()
            .println(
                new ObjectMapper()
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(m));
      } else if (report.ok()) {
        ExportReceipt.TableRead t = report.receipt().tables().get(0);
        ctx.out()
            .printf(
                Locale.ROOT,
                "OK: %d file%s and %,d rows in %s match the receipt and snapshot %d of %s%n",
                report.filesChecked(),
                report.filesChecked() == 1 ? "" : "s",
                report.rows(),
                dir,
                t.snapshotId(),
                t.table());
        report.notes().forEach(n -> ctx.out().println("note: " + n));
      } else {
        report.notes().forEach(n -> ctx.err().println("ticklake: note: " + n));
        for (String p : report.problems()) {
          ctx.err().println("ticklake: " + p);
        }
        ctx.err()
            .printf(
                Locale.ROOT,
                "ticklake: Cannot verify %s: %d difference%s%n",
                dir,
                report.problems().size(),
                report.problems().size() == 1 ? "" : "s");
      }
      return report.ok() ? ExitCodes.OK : ExitCodes.INPUT;
    }

    /**
     * The warehouse to verify against: the one given by {@code --warehouse} or {@code
     * TICKLAKE_WAREHOUSE}, else the one the receipt records (it must still exist), else the default
     * {@code ./warehouse} when it exists. Says on stderr which one it uses when none was given.
     */
    private WarehouseConfig config(CliContext ctx, ExportReceipt receipt) {
      if (ctx.warehouseGiven()) {
        return ctx.config();
      }
      if (receipt.warehouse() == null) {
        WarehouseConfig fallback = ctx.config();
        if (!Files.isDirectory(fallback.warehouse())) {
          throw TicklakeException.of(
              Kind.CONFIGURATION,
              "Cannot verify %s: its receipt names no warehouse (an export from an older"
                  + " version) and %s does not exist; give --warehouse DIR or set %s",
              dir,
              fallback.warehouse(),
              WarehouseConfig.ENV_WAREHOUSE);
        }
        ctx.err()
            .printf(
                Locale.ROOT,
                "ticklake: note: the receipt names no warehouse; verifying against %s"
                    + " (give --warehouse DIR for another)%n",
                fallback.warehouse());
        return fallback;
      }
      Path recorded = Path.of(receipt.warehouse());
      if (!Files.isDirectory(recorded)) {
        throw TicklakeException.of(
            Kind.CONFIGURATION,
            "Cannot verify %s: the warehouse its receipt names, %s, does not exist; give"
                + " --warehouse DIR or set %s",
            dir,
            recorded,
            WarehouseConfig.ENV_WAREHOUSE);
      }
      String catalog =
          receipt.catalog() == null || receipt.catalog().contains("***") ? null : receipt.catalog();
      if (catalog == null && receipt.catalog() != null && !ctx.catalogGiven()) {
        // the receipt keeps no password: without one the embedded SQLite catalog of the
        // recorded folder would be opened, which is not the catalog the export read
        throw TicklakeException.of(
            Kind.CONFIGURATION,
            "Cannot verify %s: its receipt names catalog %s, whose password it does not keep;"
                + " give it with --catalog-uri (or TICKLAKE_CATALOG_URI, with the password in"
                + " TICKLAKE_CATALOG_PASSWORD)",
            dir,
            receipt.catalog());
      }
      WarehouseConfig config = ctx.config(recorded.toString(), catalog);
      ctx.err()
          .printf(
              Locale.ROOT,
              "ticklake: note: verifying against the warehouse the receipt names, %s"
                  + " (give --warehouse DIR for another)%n",
              config.warehouse());
      return config;
    }
  }
}
