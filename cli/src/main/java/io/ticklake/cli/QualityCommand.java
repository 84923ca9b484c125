package io.ticklake.cli;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.gold.quality.Gap;
import io.ticklake.gold.quality.GapRule;
import io.ticklake.gold.quality.QualityJob;
import io.ticklake.gold.quality.QualityOptions;
import io.ticklake.gold.quality.QualityPlan;
import io.ticklake.gold.quality.QualityReport;
import io.ticklake.gold.quality.QualityRow;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ticklake quality}: build gold.quality_daily and print it, or write the HTML report. */
@Command(
    name = "quality",
    header = "Build gold.quality_daily and print or render it as HTML.",
    mixinStandardHelpOptions = true,
    description = {
      "Build gold.quality_daily for the days whose Silver trades changed since the",
      "last build: per exchange, symbol and trading date the rows, duplicates,",
      "quarantine by rule, gaps, outliers, session coverage, score and grade.",
      "Then print the selected rows or, with --html, write one self-contained",
      "HTML report with charts."
    })
final class QualityCommand implements Callable<Integer>, StorageWriting {
  @Override
  public String doing() {
    return "check quality";
  }

  @Override
  public String rerun() {
    return "then run the same quality again: it checks only the days this run did not commit";
  }

  static final List<String> COLUMNS =
      List.of(
          "exchange",
          "trading_date",
          "symbol",
          "grade",
          "score",
          "coverage",
          "session_minutes",
          "covered_minutes",
          "gap_count",
          "max_gap_ms",
          "rows_bronze",
          "rows_silver",
          "duplicates",
          "quarantined",
          "outliers",
          "quarantined_by_rule",
          "gaps");

  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  @Mixin PartitionSelection days;

  @Option(
      names = "--symbol",
      paramLabel = "SYMBOL",
      description = "Print or report only this symbol (the build covers whole days).")
  String symbol;

  @Option(
      names = "--all",
      description = "Rebuild every selected day, even those whose Silver has not changed.")
  boolean all;

  @Option(names = "--json", description = "Print the rows as JSON (build messages on stderr).")
  boolean json;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description = "Write a self-contained HTML report of the selected rows to FILE.")
  Path html;

  @Option(
      names = "--max-charts",
      defaultValue = "100",
      paramLabel = "N",
      description = "At most N price and volume charts in the report (default ${DEFAULT-VALUE}).")
  int maxCharts;

  @Option(
      names = "--gap-multiple",
      defaultValue = "20",
      paramLabel = "K",
      description =
          "A gap is a pause longer than K times the usual one (default ${DEFAULT-VALUE}).")
  int gapMultiple;

  @Option(
      names = "--gap-floor-seconds",
      defaultValue = "60",
      paramLabel = "S",
      description = "A gap is also longer than S seconds (default ${DEFAULT-VALUE}).")
  long gapFloorSeconds;

  @Mixin DuckDbResources duckdb;

  @Override
  public Integer call() {
    CliContext ctx = root.context();
    QualityOptions options = options();
    PrintWriter log = json ? ctx.err() : ctx.out();
    try (Warehouse warehouse = ctx.openWarehouse()) {
      days.checkExchange(warehouse, "build quality of");
      QualityJob job = new QualityJob(warehouse, options);
      QualityPlan plan = job.plan();
      for (ExchangeDate key : plan.unfinished()) {
        log.printf(
            Locale.ROOT,
            "quality %s: skipped, its compaction is unfinished (rerun ticklake compact)%n",
            key);
      }
      if (plan.isEmpty()) {
        log.printf(
            Locale.ROOT,
            "quality: nothing to rebuild (silver.trades snapshot %d)%n",
            plan.silverSnapshotId());
      } else {
        List<QualityJob.DayResult> results;
        try (Progress progress = Progress.forTerminal(ctx.err())) {
          // a run that overlaps another (the next cron tick) plans again and builds what is left
          results =
              job.commitResolvingConflicts(
                  plan,
                  3,
                  progress,
                  again ->
                      log.printf(
                          Locale.ROOT,
                          "quality: another build committed some of these days meanwhile; %s%n",
                          again.isEmpty()
                              ? "nothing is left to build"
                              : "building the " + again.days().size() + " left"));
        }
        for (QualityJob.DayResult r : results) {
          log.printf(
              Locale.ROOT,
              "quality %s: %d %s (%s, from Silver snapshot %d, quality snapshot %d)%n",
              r.key(),
              r.rows(),
              r.rows() == 1 ? "symbol" : "symbols",
              r.reason(),
              r.compactionSnapshotId(),
              r.qualitySnapshotId());
        }
      }
      log.flush();

      Optional<String> only = Optional.ofNullable(symbol);
      List<QualityRow> rows = QualityJob.read(warehouse, options, only);
      if (rows.isEmpty() && (symbol != null || html != null)) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot %s: gold.quality_daily has no row%s%s%s",
            html != null ? "write report " + html : "show quality",
            symbol != null ? " for symbol " + symbol : "",
            days.exchange != null ? " on exchange " + days.exchange : "",
            describeDates());
      }
      if (html != null) {
        QualityReport.Written w;
        try (Progress progress = Progress.forTerminal(ctx.err())) {
          w =
              new QualityReport(warehouse)
                  .write(
                      rows, html, maxCharts, (done, total) -> progress.step("charts", done, total));
        }
        log.printf(
            Locale.ROOT,
            "wrote %s (%d symbol-days, %d charts, %,d bytes)%n",
            w.file(),
            w.rows(),
            w.charts(),
            w.bytes());
        log.flush();
        return ExitCodes.OK;
      }
      List<List<Object>> table = new ArrayList<>();
      for (QualityRow r : rows) {
        table.add(values(r, json));
      }
      (json ? ResultFormat.JSON : ResultFormat.TABLE)
          .print(ctx.out(), json ? COLUMNS : COLUMNS.subList(0, 15), table);
    }
    return ExitCodes.OK;
  }

  private QualityOptions options() {
    OptionValues.notBlank(spec, "--symbol", symbol, "a symbol, e.g. IBM");
    if (maxCharts < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Cannot use --max-charts " + maxCharts + ": give 0 or more");
    }
    if (gapMultiple < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Cannot use --gap-multiple " + gapMultiple + ": give 1 or more");
    }
    if (gapFloorSeconds < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot use --gap-floor-seconds " + gapFloorSeconds + ": give 1 or more seconds");
    }
    try {
      return new QualityOptions(
          days.exchange(),
          days.first(),
          days.last(),
          all,
          new GapRule(gapMultiple, java.time.Duration.ofSeconds(gapFloorSeconds)),
          duckdb.threads(),
          duckdb.memoryLimit());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private String describeDates() {
    if (days.date != null) {
      return " on " + days.date;
    }
    if (days.from != null || days.to != null) {
      return " from "
          + (days.from == null ? "the start" : days.from)
          + " to "
          + (days.to == null ? "now" : days.to);
    }
    return "";
  }

  private static List<Object> values(QualityRow r, boolean structured) {
    List<Object> v = new ArrayList<>();
    v.add(r.exchange());
    v.add(r.tradingDate().toString());
    v.add(r.symbol());
    v.add(r.grade());
    v.add(r.score());
    v.add(r.coverage());
    v.add(r.sessionMinutes());
    v.add(r.coveredMinutes());
    v.add(r.gapCount());
    v.add(r.maxGapMs());
    v.add(r.rowsBronze());
    v.add(r.rowsSilver());
    v.add(r.duplicates());
    v.add(r.quarantined());
    v.add(r.outliers());
    if (structured) {
      v.add(r.quarantinedByRule());
      List<Map<String, Object>> gaps = new ArrayList<>();
      for (Gap g : r.gaps()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", g.start().toString());
        m.put("end", g.end().toString());
        m.put("ms", g.millis());
        gaps.add(m);
      }
      v.add(gaps);
    }
    return v;
  }

  /** A one-line progress display on a terminal; silent when stderr is not a terminal. */
  static final class Progress implements QualityJob.Progress, AutoCloseable {
    private final PrintWriter err;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long lastPrint;

    private Progress(PrintWriter err, boolean enabled) {
      this.err = err;
      this.enabled = enabled;
    }

    static Progress forTerminal(PrintWriter err) {
      return new Progress(err, System.console() != null);
    }

    @Override
    public void dayDone(ExchangeDate key, int rows, int done, int total) {
      step("days", done, total);
    }

    void step(String what, int done, int total) {
      if (!enabled) {
        return;
      }
      long now = System.nanoTime();
      if (done < total && now - lastPrint < 250_000_000L) {
        return;
      }
      lastPrint = now;
      err.printf(Locale.ROOT, "\r%s %d/%d  %.1f s   ", what, done, total, (now - start) / 1e9);
      err.flush();
    }

    @Override
    public void close() {
      if (enabled) {
        err.print("\r" + " ".repeat(60) + "\r");
        err.flush();
      }
    }
  }
}
