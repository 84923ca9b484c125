package io.ticklake.cli;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.calendar.ExchangeCalendar;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.dim.DimSymbolSnapshot;
import io.ticklake.catalog.dim.DimSymbolTable;
import io.ticklake.catalog.dim.SymbolLoader;
import io.ticklake.catalog.dim.SymbolReference;
import io.ticklake.catalog.dim.SymbolResolver;
import io.ticklake.catalog.dim.SymbolVersion;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ticklake dims}: the dimension tables. {@code load-symbols} loads reference data into
 * {@code ref.dim_symbol}; {@code show} prints the version of a ticker valid at a time; {@code
 * history} prints every version of the instruments that ever had a ticker.
 */
@Command(
    name = "dims",
    mixinStandardHelpOptions = true,
    description = {
      "Dimension tables: load and look up ref.dim_symbol (symbols as SCD2 versions).",
      "A ticker can be reused by another instrument (GOOG before and after April 2014),",
      "so lookups by ticker are always point-in-time."
    },
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      DimsCommand.LoadSymbols.class,
      DimsCommand.Show.class,
      DimsCommand.History.class
    })
final class DimsCommand implements Callable<Integer> {
  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  /** No subcommand given: the usage on stderr and exit 2, like {@code ticklake} alone. */
  @Override
  public Integer call() {
    spec.commandLine().usage(root.context().err());
    return ExitCodes.USAGE;
  }

  /** {@code ticklake dims load-symbols}. */
  @Command(
      name = "load-symbols",
      mixinStandardHelpOptions = true,
      description = {
        "Load symbols into ref.dim_symbol as SCD2 versions.",
        "Sources: Lean map files (ticker histories, renames), Lean's symbol-properties",
        "database (tick size, lot size, multiplier, currency) and a crypto symbol CSV.",
        "Without --lean-map-files and --crypto-csv the bundled lists are loaded (AIG,",
        "BAC, GOOG, GOOGL, IBM, SPY; Binance, Binance futures and Coinbase BTC and ETH);",
        "without --lean-symbol-properties the bundled trimmed database is used.",
        "Loading the same data again changes nothing; a changed attribute closes the",
        "current version and opens a new one at --effective-date."
      })
  static final class LoadSymbols implements Callable<Integer>, StorageWriting {
    @Override
    public String doing() {
      return "load symbols";
    }

    @Override
    public String rerun() {
      return "then run the same load-symbols again: a version is committed whole or not at all";
    }

    @ParentCommand DimsCommand dims;

    @Option(
        names = "--lean-map-files",
        paramLabel = "DIR",
        description = "Directory of Lean map files (<ticker>.csv), or one map file.")
    Path mapFiles;

    @Option(
        names = "--lean-symbol-properties",
        paramLabel = "FILE",
        description = "Lean symbol-properties-database.csv.")
    Path symbolProperties;

    @Option(
        names = "--crypto-csv",
        paramLabel = "FILE",
        description =
            "Crypto symbols: exchange,symbol,base,quote,tick_size,lot_size,multiplier,aliases.")
    Path cryptoCsv;

    @Option(
        names = "--effective-date",
        paramLabel = "DATE",
        description =
            "Date from which changed attributes apply, at midnight in each exchange's time zone"
                + " (default: today in each exchange's time zone).")
    LocalDate effectiveDate;

    @Option(names = "--dry-run", description = "Show what would change, change nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the outcome as JSON.")
    boolean json;

    @Override
    public Integer call() {
      CliContext ctx = dims.root.context();
      List<SymbolReference> refs =
          SymbolLoader.references(
              Optional.ofNullable(mapFiles),
              Optional.ofNullable(symbolProperties),
              Optional.ofNullable(cryptoCsv));
      SymbolLoader loader =
          effectiveDate != null
              ? new SymbolLoader(refs, effectiveDate, Clock.systemUTC())
              : SymbolLoader.effectiveToday(refs, Clock.systemUTC());
      try (Warehouse warehouse = ctx.openWarehouse()) {
        // a symbol of an exchange ref.exchange does not know could never be used: events of
        // that exchange are quarantined at ingest (a typo in the CSV, most likely)
        ExchangeCalendars calendars = ExchangeTable.load(warehouse.catalog());
        for (SymbolReference r : refs) {
          if (calendars.find(r.exchange()).isEmpty()) {
            throw TicklakeException.of(
                Kind.INPUT,
                "Cannot load symbol %s of %s (%s): exchange %s is not in ref.exchange (%s)",
                r.canonicalId(),
                r.exchange(),
                r.source(),
                r.exchange(),
                calendars.knownIdsFor(r.exchange()));
          }
        }
        DimSymbolTable table = DimSymbolTable.open(warehouse);
        SymbolLoader.Plan plan;
        String version;
        int attempts;
        if (dryRun) {
          DimSymbolSnapshot current = table.read();
          plan = loader.plan(current);
          DimSymbolTable.validated(current, plan.changes()); // refused as the load would be
          version = plan.base().toString();
          attempts = 0;
        } else {
          SymbolLoader.Result result = loader.commit(table, DimSymbolTable.Retry.DEFAULT);
          plan = result.plan();
          version = result.version().toString();
          attempts = result.attempts();
        }
        print(ctx.out(), plan, version, attempts);
      }
      return ExitCodes.OK;
    }

    private void print(PrintWriter out, SymbolLoader.Plan plan, String version, int attempts) {
      if (json) {
        ResultFormat.JSON.print(
            out,
            List.of(
                "table",
                "dry_run",
                "instruments",
                "new",
                "changed",
                "unchanged",
                "auto_registered_replaced",
                "rows_added",
                "rows_removed",
                "base_version",
                "version",
                "attempts"),
            List.of(
                List.of(
                    DimSymbolTable.NAME,
                    dryRun,
                    plan.instruments(),
                    plan.newInstruments(),
                    plan.changedInstruments(),
                    plan.unchangedInstruments(),
                    plan.autoReplaced(),
                    plan.changes().added().size(),
                    plan.changes().removed().size(),
                    plan.base().toString(),
                    version,
                    attempts)));
        return;
      }
      String verb = dryRun ? "would be " : "";
      out.printf(
          Locale.ROOT,
          "%-14s %d instruments: %d new, %d changed, %d unchanged%s%n",
          DimSymbolTable.NAME,
          plan.instruments(),
          plan.newInstruments(),
          plan.changedInstruments(),
          plan.unchangedInstruments(),
          plan.autoReplaced() == 0
              ? ""
              : ", " + plan.autoReplaced() + " auto-registered " + verb + "replaced");
      out.printf(
          Locale.ROOT,
          "%-14s %d %sadded, %d %sremoved%n",
          "versions",
          plan.changes().added().size(),
          verb,
          plan.changes().removed().size(),
          verb);
      if (plan.isNoop()) {
        out.println("Nothing to do: ref.dim_symbol is up to date (version " + version + ").");
      } else if (dryRun) {
        out.println("Dry run: nothing was committed (table at version " + version + ").");
      } else {
        out.println(
            "Committed version "
                + version
                + " (based on "
                + plan.base()
                + (attempts > 1 ? ", after " + attempts + " attempts" : "")
                + ").");
      }
    }
  }

  private static final List<String> COLUMNS =
      List.of(
          "symbol_id",
          "exchange",
          "ticker",
          "canonical_id",
          "valid_from",
          "valid_until",
          "is_current",
          "asset_class",
          "currency",
          "base_currency",
          "tick_size",
          "lot_size",
          "multiplier",
          "aliases",
          "exchange_code",
          "auto_registered",
          "source",
          "updated_at");

  private static List<Object> row(SymbolVersion v) {
    List<Object> row = new ArrayList<>();
    row.add(v.symbolId());
    row.add(v.exchange());
    row.add(v.ticker());
    row.add(v.canonicalId());
    row.add(v.validFrom());
    row.add(v.validUntil().orElse(null));
    row.add(v.current());
    row.add(v.attributes().assetClass());
    row.add(v.attributes().currency());
    row.add(v.attributes().baseCurrency());
    row.add(
        v.attributes().tickSize() == null ? null : v.attributes().tickSize().stripTrailingZeros());
    row.add(
        v.attributes().lotSize() == null ? null : v.attributes().lotSize().stripTrailingZeros());
    row.add(
        v.attributes().multiplier() == null
            ? null
            : v.attributes().multiplier().stripTrailingZeros());
    row.add(v.attributes().aliasList());
    row.add(v.exchangeCode());
    row.add(v.autoRegistered());
    row.add(v.source());
    row.add(v.updatedAt());
    return row;
  }

  private static DimSymbolSnapshot read(Warehouse warehouse) {
    return DimSymbolTable.open(warehouse).read();
  }

  /** Refuses a blank TICKER or --exchange of {@code dims show} and {@code dims history}. */
  private static void checkNames(CommandSpec spec, String ticker, String exchange) {
    OptionValues.notBlank(spec, "TICKER", ticker, "a ticker or alias, e.g. IBM");
    OptionValues.notBlank(spec, "--exchange", exchange, OptionValues.EXCHANGE);
  }

  private static TicklakeException unknown(DimSymbolSnapshot dim, String ticker, String exchange) {
    String where = exchange == null ? "" : " on " + exchange;
    if (dim.isEmpty()) {
      return TicklakeException.of(
          Kind.INPUT,
          "Cannot find symbol %s%s: ref.dim_symbol is empty (run 'ticklake dims load-symbols')",
          ticker,
          where);
    }
    return TicklakeException.of(
        Kind.INPUT,
        "Cannot find symbol %s%s in ref.dim_symbol version %s",
        ticker,
        where,
        dim.version());
  }

  /** {@code ticklake dims show}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Print the version of a ticker valid at a time, with its symbol_id.",
        "TICKER is a ticker or an alias, in any case. Without --exchange every exchange",
        "that knows it is searched."
      })
  static final class Show implements Callable<Integer> {
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    @ParentCommand DimsCommand dims;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TICKER", description = "Ticker or alias, any case.")
    String ticker;

    @Option(names = "--exchange", paramLabel = "EXCHANGE", description = "e.g. us-equity.")
    String exchange;

    @Option(
        names = "--as-of",
        paramLabel = "WHEN",
        description =
            "A date (2014-04-03: the start of that date in the exchange's time zone) or an"
                + " ISO-8601 time with a zone (2014-04-03T14:30:00Z); default: now.")
    String asOf;

    @Option(names = "--json", description = "Print a JSON array of the matching versions.")
    boolean json;

    @Override
    public Integer call() {
      checkNames(spec, ticker, exchange);
      CliContext ctx = dims.root.context();
      try (Warehouse warehouse = ctx.openWarehouse()) {
        DimSymbolSnapshot dim = read(warehouse);
        SymbolResolver resolver = SymbolResolver.of(dim);
        List<String> exchanges =
            exchange != null ? List.of(exchange) : resolver.exchangesOf(ticker);
        if (exchanges.isEmpty() || !resolver.isKnown(exchanges.get(0), ticker)) {
          throw unknown(dim, ticker, exchange);
        }
        List<SymbolVersion> found = new ArrayList<>();
        List<String> misses = new ArrayList<>();
        for (String ex : exchanges) {
          Instant at = instant(ex);
          Optional<SymbolVersion> v = resolver.resolve(ex, ticker, at);
          if (v.isPresent()) {
            found.add(v.get());
          } else {
            misses.add(ex + " at " + at);
          }
        }
        if (found.isEmpty()) {
          throw TicklakeException.of(
              Kind.INPUT,
              "Cannot find a version of %s valid %s (%s); see 'ticklake dims history %s'",
              ticker,
              asOf == null ? "now" : "at " + asOf,
              String.join(", ", misses),
              ticker);
        }
        if (json) {
          ResultFormat.JSON.print(
              ctx.out(), COLUMNS, found.stream().map(DimsCommand::row).toList());
        } else {
          printVertical(ctx.out(), found);
        }
      }
      return ExitCodes.OK;
    }

    private Instant instant(String ex) {
      if (asOf == null || asOf.isBlank()) {
        return Instant.now();
      }
      String s = asOf.strip();
      try {
        if (DATE.matcher(s).matches()) {
          return LocalDate.parse(s).atStartOfDay(zone(ex)).toInstant();
        }
        return OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeException e) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot use --as-of '%s': expected a date (2014-04-03) or an ISO-8601 time with a"
                + " zone (2014-04-03T14:30:00Z)",
            s);
      }
    }

    private static ZoneId zone(String ex) {
      return ExchangeCalendars.bundled()
          .find(ex)
          .map(ExchangeCalendar::zone)
          .orElse(ZoneOffset.UTC);
    }

    private static void printVertical(PrintWriter out, List<SymbolVersion> versions) {
      int width = COLUMNS.stream().mapToInt(String::length).max().orElse(0);
      for (int i = 0; i < versions.size(); i++) {
        if (i > 0) {
          out.println();
        }
        List<Object> row = row(versions.get(i));
        for (int c = 0; c < COLUMNS.size(); c++) {
          Object v = row.get(c);
          String line =
              String.format(
                  Locale.ROOT,
                  "%-" + width + "s  %s",
                  COLUMNS.get(c),
                  v == null ? "" : ResultFormat.text(v));
          out.println(line.stripTrailing());
        }
      }
      out.flush();
    }
  }

  /** {@code ticklake dims history}. */
  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = {
        "Print every version of the instruments that ever had a ticker.",
        "Includes their versions under other tickers (a rename shows whole), oldest",
        "first per instrument."
      })
  static final class History implements Callable<Integer> {
    private static final List<String> SHORT_COLUMNS =
        List.of(
            "symbol_id",
            "exchange",
            "ticker",
            "canonical_id",
            "valid_from",
            "valid_until",
            "is_current",
            "tick_size",
            "auto_registered");

    @ParentCommand DimsCommand dims;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TICKER", description = "Ticker or alias, any case.")
    String ticker;

    @Option(names = "--exchange", paramLabel = "EXCHANGE", description = "e.g. us-equity.")
    String exchange;

    @Option(names = "--json", description = "Print a JSON array with every column.")
    boolean json;

    @Override
    public Integer call() {
      checkNames(spec, ticker, exchange);
      CliContext ctx = dims.root.context();
      try (Warehouse warehouse = ctx.openWarehouse()) {
        DimSymbolSnapshot dim = read(warehouse);
        List<SymbolVersion> versions = SymbolResolver.of(dim).history(exchange, ticker);
        if (versions.isEmpty()) {
          throw unknown(dim, ticker, exchange);
        }
        List<List<Object>> rows = versions.stream().map(DimsCommand::row).toList();
        if (json) {
          ResultFormat.JSON.print(ctx.out(), COLUMNS, rows);
        } else {
          List<List<Object>> narrow = new ArrayList<>();
          for (List<Object> r : rows) {
            List<Object> n = new ArrayList<>();
            for (String c : SHORT_COLUMNS) {
              n.add(r.get(COLUMNS.indexOf(c)));
            }
            narrow.add(n);
          }
          ResultFormat.TABLE.print(ctx.out(), SHORT_COLUMNS, narrow);
        }
      }
      return ExitCodes.OK;
    }
  }
}
