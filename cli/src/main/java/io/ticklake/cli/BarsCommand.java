package io.ticklake.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ticklake.catalog.Warehouse;
import io.ticklake.gold.bars.BarInterval;
import io.ticklake.gold.bars.BarJob;
import io.ticklake.gold.bars.BarOptions;
import io.ticklake.gold.bars.BarPlan;
import io.ticklake.gold.bars.BarResult;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ticklake bars}: rebuild the gold.bars partitions whose Silver trades changed. */
@Command(
    name = "bars",
    header = "Build OHLCV bars (gold.bars) from silver.trades.",
    mixinStandardHelpOptions = true,
    description = {
      "Build OHLCV bars (gold.bars) from silver.trades at 1s, 1m, 5m, 1h and 1d per exchange,",
      "symbol and trading date, with the vendor's sale-condition eligibility rules.",
      "Only partitions whose Silver content changed since their bars were built are rebuilt,",
      "each replaced atomically and pinned to a Silver snapshot; a run with nothing new says so."
    })
final class BarsCommand implements Callable<Integer>, StorageWriting {
  @Override
  public String doing() {
    return "build bars";
  }

  @Override
  public String rerun() {
    return "then run the same bars again: it builds only the partitions this run did not commit";
  }

  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  @Mixin PartitionSelection days;

  @Option(
      names = "--interval",
      paramLabel = "LIST",
      description = "Intervals, comma-separated: 1s, 1m, 5m, 1h, 1d (default: all).")
  String intervals;

  @Option(
      names = "--all",
      description = "Rebuild every selected partition, even those Silver has not changed.")
  boolean all;

  @Option(names = "--dry-run", description = "List what would be built; write nothing.")
  boolean dryRun;

  @Option(names = "--json", description = "Print the result as JSON.")
  boolean json;

  @Mixin DuckDbResources duckdb;

  @Override
  public Integer call() {
    CliContext ctx = root.context();
    BarOptions options = options();
    try (Warehouse warehouse = ctx.openWarehouse()) {
      days.checkExchange(warehouse, "build bars of");
      BarJob job = new BarJob(warehouse, options);
      BarPlan plan = job.plan();
      if (plan.isEmpty()) {
        if (json) {
          printJson(ctx, plan, plan.partitions(), List.of());
        } else if (plan.silverSnapshotId() < 0) {
          ctx.out().println("gold.bars: nothing to build, silver.trades is empty");
        } else {
          ctx.out()
              .printf(
                  Locale.ROOT,
                  "gold.bars: nothing to build, bars are up to date with Silver snapshot %d%n",
                  plan.silverSnapshotId());
        }
        return ExitCodes.OK;
      }
      if (dryRun) {
        if (json) {
          printJson(ctx, plan, plan.partitions(), List.of());
        } else {
          for (BarPlan.Task t : plan.partitions()) {
            ctx.out()
                .printf(
                    Locale.ROOT,
                    "gold.bars %s: would build %s (%s) from %,d Silver rows%n",
                    t.partition(),
                    labels(t.intervals()),
                    t.reason(),
                    t.silverRows());
          }
        }
        return ExitCodes.OK;
      }
      boolean terminal = System.console() != null && !json;
      // the task of each partition, from the plan (first or re-planned) that built it
      Map<String, BarPlan.Task> planned = new LinkedHashMap<>();
      plan.partitions().forEach(t -> planned.put(t.partition(), t));
      BarJob.Progress report =
          (r, done, total) -> {
            if (json) {
              return;
            }
            if (terminal) {
              ctx.err().print("\r" + " ".repeat(60) + "\r");
            }
            ctx.out()
                .printf(
                    Locale.ROOT,
                    "gold.bars %s: %,d rows in, %,d bars out (%s) in %.2f s, Silver snapshot"
                        + " %d%n",
                    r.partition(),
                    r.rowsIn(),
                    r.totalBars(),
                    r.barsOut().entrySet().stream()
                        .map(e -> e.getKey().label() + " " + e.getValue())
                        .collect(Collectors.joining(", ")),
                    r.seconds(),
                    r.silverSnapshotId());
            ctx.out().flush();
            if (terminal && done < total) {
              ctx.err().printf(Locale.ROOT, "\rpartitions %d/%d ...", done, total);
              ctx.err().flush();
            }
          };
      // a run that overlaps another (the next cron tick) plans again and builds what is left
      List<BarResult> results =
          job.commitResolvingConflicts(
              plan,
              3,
              report,
              again -> {
                again.partitions().forEach(t -> planned.put(t.partition(), t));
                if (!json) {
                  ctx.out()
                      .printf(
                          Locale.ROOT,
                          "gold.bars: another build committed some of these partitions"
                              + " meanwhile; %s%n",
                          again.isEmpty()
                              ? "nothing is left to build"
                              : "building the " + again.partitions().size() + " left");
                }
              });
      List<BarPlan.Task> built = results.stream().map(r -> planned.get(r.partition())).toList();
      if (json) {
        printJson(ctx, plan, built, results);
      } else {
        long bars = results.stream().mapToLong(BarResult::totalBars).sum();
        long rows = results.stream().mapToLong(BarResult::rowsIn).sum();
        double secs = results.stream().mapToDouble(BarResult::seconds).sum();
        ctx.out()
            .printf(
                Locale.ROOT,
                "gold.bars: %d partitions, %,d rows in, %,d bars out in %.2f s%n",
                results.size(),
                rows,
                bars,
                secs);
      }
    }
    return ExitCodes.OK;
  }

  private BarOptions options() {
    List<BarInterval> list;
    try {
      list = intervals == null ? List.of(BarInterval.values()) : BarInterval.parseList(intervals);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Optional<LocalDate> first = days.first();
    Optional<LocalDate> last = days.last();
    try {
      return new BarOptions(
          list, days.exchange(), first, last, all, duckdb.threads(), duckdb.memoryLimit());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private static String labels(List<BarInterval> intervals) {
    return intervals.stream().map(BarInterval::label).collect(Collectors.joining(","));
  }

  /**
   * Prints the plan's Silver snapshot and {@code tasks}, each with its result when built: after a
   * lost commit the partitions this run committed, whichever plan they were in.
   */
  private void printJson(
      CliContext ctx, BarPlan plan, List<BarPlan.Task> tasks, List<BarResult> results) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("silver_snapshot_id", plan.silverSnapshotId());
    out.put("dry_run", dryRun);
    out.put("up_to_date", plan.isEmpty());
    List<Map<String, Object>> parts = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      BarPlan.Task t = tasks.get(i);
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("partition", t.partition());
      p.put("intervals", t.intervals().stream().map(BarInterval::label).toList());
      p.put("reason", t.reason());
      p.put("silver_rows", t.silverRows());
      if (i < results.size()) {
        BarResult r = results.get(i);
        p.put("rows_in", r.rowsIn());
        p.put("rows_outside_sessions", r.rowsOutsideSessions());
        Map<String, Long> bars = new LinkedHashMap<>();
        r.barsOut().forEach((k, v) -> bars.put(k.label(), v));
        p.put("bars_out", bars);
        p.put("seconds", r.seconds());
        p.put("gold_snapshot_id", r.goldSnapshotId());
      }
      parts.add(p);
    }
    out.put("partitions", parts);
    ObjectMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    try {
      ctx.out().println(mapper.writeValueAsString(out));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    ctx.out().flush();
  }
}
