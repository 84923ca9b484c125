package io.ticklake.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ticklake.catalog.Warehouse;
import io.ticklake.quarantine.Severity;
import io.ticklake.silver.SilverTable;
import io.ticklake.silver.ValidationRule;
import io.ticklake.silver.ValidationSettings;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.exceptions.CommitFailedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ticklake rules}: the compactor's validation rules of each Silver table, and {@code
 * ticklake rules set} to change them. The settings live in the Silver table's properties, so every
 * compactor of the warehouse uses the same ones, and each compaction records which it used.
 */
@Command(
    name = "rules",
    header = "Show or change the validation rules of the Silver tables.",
    mixinStandardHelpOptions = true,
    description = {
      "Show each validation rule the compactor runs on silver.trades and silver.quotes: the",
      "field it checks, its severity (error: the row goes to ops.quarantine; warn: the row is",
      "kept in Silver and logged in quarantine), whether it runs, and the thresholds.",
      "'ticklake rules set' changes them; the settings are stored in the Silver table's",
      "properties (ticklake.rules.*), so every compactor of the warehouse uses the same ones.",
      "Each compaction records the settings it used: after a change, the next",
      "'ticklake compact' rebuilds the partitions built under other settings (reason rules)."
    },
    synopsisSubcommandLabel = "[COMMAND]",
    subcommands = {RulesCommand.SetRules.class})
final class RulesCommand implements Callable<Integer> {
  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  @Option(
      names = "--table",
      paramLabel = "TABLE",
      description = "trades or quotes (default: both).")
  String table;

  @Option(names = "--json", description = "Print the settings as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = root.context();
    List<SilverTable> kinds = kinds(spec, table);
    try (Warehouse warehouse = ctx.openWarehouse()) {
      Map<SilverTable, ValidationSettings> current = new LinkedHashMap<>();
      for (SilverTable k : kinds) {
        current.put(k, stored(warehouse, k));
      }
      if (json) {
        List<Map<String, Object>> tables = new ArrayList<>();
        current.forEach((k, v) -> tables.add(jsonOf(k, v)));
        ObjectMapper mapper =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        ctx.out().println(mapper.writeValueAsString(Map.of("tables", tables)));
        ctx.out().flush();
        return ExitCodes.OK;
      }
      List<List<Object>> rows = new ArrayList<>();
      current.forEach(
          (k, v) -> {
            for (Row r : rows(k, v)) {
              rows.add(
                  List.of(
                      r.table,
                      r.rule,
                      r.field,
                      r.severity,
                      r.builtIn,
                      r.runs ? "yes" : "no",
                      r.checks));
            }
          });
      ResultFormat.TABLE.print(
          ctx.out(),
          List.of("table", "rule", "field", "severity", "built-in", "runs", "rejects or flags"),
          rows);
      current.forEach((k, v) -> ctx.out().println(thresholds(k, v)));
      ctx.out().flush();
    }
    return ExitCodes.OK;
  }

  /** One rule of a table as shown. */
  private record Row(
      String table,
      String rule,
      String field,
      String severity,
      String builtIn,
      boolean runs,
      String checks) {}

  /** Every built-in rule of the table (disabled ones too) under the settings' thresholds. */
  private static List<Row> rows(SilverTable kind, ValidationSettings v) {
    List<ValidationRule> builtIn = ValidationSettings.defaults().rules(kind);
    List<ValidationRule> all =
        new ValidationSettings(
                v.severities(),
                java.util.Set.of(),
                v.sessionTolerance(),
                v.spikePercent(),
                v.spikeWindow(),
                v.spikeMinPoints())
            .rules(kind);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < builtIn.size(); i++) {
      ValidationRule d = builtIn.get(i);
      ValidationRule r = all.get(i);
      out.add(
          new Row(
              kind.silver().name(),
              r.name(),
              r.field(),
              r.severity().label(),
              d.severity().label(),
              !v.disabled().contains(r.name()),
              r.description()));
    }
    return out;
  }

  private static String thresholds(SilverTable kind, ValidationSettings v) {
    String s =
        kind.silver().name()
            + ": session_window tolerance "
            + v.sessionTolerance()
            + " around the trading date's sessions";
    if (kind == SilverTable.TRADES) {
      s +=
          "; price_spike: more than "
              + v.spikePercent().toPlainString()
              + "% from the median of the previous "
              + v.spikeWindow()
              + " valid trades of the symbol, once there are "
              + v.spikeMinPoints();
    }
    return s;
  }

  private static Map<String, Object> jsonOf(SilverTable kind, ValidationSettings v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("table", kind.silver().name());
    m.put("session_tolerance", v.sessionTolerance().toString());
    if (kind == SilverTable.TRADES) {
      m.put("spike_percent", v.spikePercent());
      m.put("spike_window", v.spikeWindow());
      m.put("spike_min_points", v.spikeMinPoints());
    }
    m.put("key", v.key(kind));
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Row r : rows(kind, v)) {
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put("rule", r.rule);
      rule.put("field", r.field);
      rule.put("severity", r.severity);
      rule.put("built_in_severity", r.builtIn);
      rule.put("runs", r.runs);
      rule.put("checks", r.checks);
      rules.add(rule);
    }
    m.put("rules", rules);
    return m;
  }

  /** The tables {@code --table} names (default: both). */
  static List<SilverTable> kinds(CommandSpec spec, String table) {
    if (OptionValues.notBlank(spec, "--table", table, "trades or quotes") == null) {
      return List.of(SilverTable.TRADES, SilverTable.QUOTES);
    }
    try {
      return List.of(SilverTable.parse(table));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Cannot use --table " + table + ": use trades or quotes");
    }
  }

  /** The {@code ticklake.rules.*} properties of {@code metadata}, sorted. */
  private static Map<String, String> rulesProperties(TableMetadata metadata) {
    Map<String, String> rules = new TreeMap<>();
    metadata.properties().entrySet().stream()
        .filter(e -> e.getKey().startsWith(ValidationSettings.PROPERTY_PREFIX))
        .forEach(e -> rules.put(e.getKey(), e.getValue()));
    return rules;
  }

  /** The settings the table's properties hold; a malformed property is a configuration error. */
  static ValidationSettings stored(Warehouse warehouse, SilverTable kind) {
    return stored(kind, warehouse.table(kind.silver().id()).properties());
  }

  /** The settings {@code properties} hold; a malformed property is a configuration error. */
  static ValidationSettings stored(SilverTable kind, Map<String, String> properties) {
    try {
      return ValidationSettings.fromProperties(kind, properties);
    } catch (IllegalArgumentException e) {
      throw new io.ticklake.catalog.TicklakeException(
          io.ticklake.catalog.TicklakeException.Kind.CONFIGURATION,
          e.getMessage() + "; fix it with `ticklake rules set` (--reset restores the defaults)",
          e);
    }
  }

  /** {@code ticklake rules set}. */
  @Command(
      name = "set",
      header = "Change the validation rules of the Silver tables.",
      mixinStandardHelpOptions = true,
      description = {
        "Change rule severities, turn rules off and on, or change the thresholds, for the",
        "tables of --table (default: both; a rule or threshold goes to the tables that have",
        "it). Stored in the Silver table's properties in one atomic commit per table.",
        "unknown_symbol cannot be relaxed (Silver requires a symbol_id).",
        "The next 'ticklake compact' rebuilds the partitions built under other settings;",
        "'ticklake compact --dry-run' lists them (reason rules)."
      })
  static final class SetRules implements Callable<Integer> {
    @ParentCommand RulesCommand rules;

    @Spec CommandSpec spec;

    @Option(
        names = "--table",
        paramLabel = "TABLE",
        description = "trades or quotes (default: both).")
    String table;

    @Option(
        names = "--severity",
        split = ",",
        paramLabel = "RULE=SEVERITY",
        description =
            "Give a rule another severity: error (row to quarantine) or warn (row kept and"
                + " logged), e.g. price_spike=error. Repeatable; comma lists too.")
    List<String> severityArgs;

    /** {@code --severity} by rule name as given; a rule given twice is a usage error. */
    Map<String, String> severities;

    @Option(
        names = "--disable",
        split = ",",
        paramLabel = "RULE",
        description = "Stop running a rule. Repeatable; comma lists too.")
    List<String> disable;

    @Option(
        names = "--enable",
        split = ",",
        paramLabel = "RULE",
        description = "Run a disabled rule again. Repeatable; comma lists too.")
    List<String> enable;

    @Option(
        names = "--session-tolerance",
        paramLabel = "DURATION",
        description =
            "How far outside the trading date's sessions an event may lie: 0s, 90s, 2m, PT1M"
                + " (built in: 1m).")
    String sessionTolerance;

    @Option(
        names = "--spike-percent",
        paramLabel = "PERCENT",
        description = "price_spike threshold in percent, e.g. 10 or 2.5 (built in: 10).")
    String spikePercentArg;

    /** {@code --spike-percent} as a number, checked. */
    BigDecimal spikePercent;

    @Option(
        names = "--spike-window",
        paramLabel = "N",
        description = "Preceding trades the spike reference (median) uses (built in: 50).")
    Integer spikeWindow;

    @Option(
        names = "--spike-min-points",
        paramLabel = "N",
        description = "Fewest preceding trades before price_spike judges (built in: 5).")
    Integer spikeMinPoints;

    @Option(
        names = "--reset",
        description = "Start from the built-in settings instead of the stored ones.")
    boolean reset;

    @Option(names = "--dry-run", description = "Show what would change; store nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      CliContext ctx = rules.root.context();
      List<SilverTable> kinds = kinds(spec, table);
      severities = severityArgs == null ? null : severities(severityArgs);
      checkNames(kinds);
      Duration tolerance = sessionTolerance == null ? null : tolerance(sessionTolerance);
      spikePercent = spikePercentArg == null ? null : spikePercent(spikePercentArg);
      if (spikeWindow != null && spikeWindow < 1) {
        throw usage("Cannot use --spike-window " + spikeWindow + ": give 1 or more trades");
      }
      if (spikeMinPoints != null && spikeMinPoints < 1) {
        throw usage("Cannot use --spike-min-points " + spikeMinPoints + ": give 1 or more trades");
      }
      if ((spikePercent != null || spikeWindow != null || spikeMinPoints != null)
          && !kinds.contains(SilverTable.TRADES)) {
        throw usage("Cannot set the price_spike thresholds of silver.quotes: only trades have it");
      }
      boolean anything =
          reset
              || severities != null
              || disable != null
              || enable != null
              || tolerance != null
              || spikePercent != null
              || spikeWindow != null
              || spikeMinPoints != null;
      if (!anything) {
        throw usage(
            "Cannot set rules: give --severity, --disable, --enable, a threshold or --reset"
                + " (see 'ticklake rules set --help')");
      }
      try (Warehouse warehouse = ctx.openWarehouse()) {
        // every table's new settings first: a change refused for one table stores nothing in any
        record Change(
            SilverTable kind,
            TableOperations ops,
            TableMetadata base,
            Map<String, String> oldProps,
            Map<String, String> newProps) {}
        List<Change> changes = new ArrayList<>();
        for (SilverTable kind : kinds) {
          Table t = warehouse.table(kind.silver().id());
          // the metadata the settings are read from is the one the change is committed against
          TableOperations ops = ((HasTableOperations) t).operations();
          TableMetadata base = ops.current();
          ValidationSettings before =
              reset ? ValidationSettings.defaults() : stored(kind, base.properties());
          ValidationSettings after;
          try {
            after = apply(kind, before, tolerance);
          } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
          }
          Map<String, String> oldProps = rulesProperties(base);
          changes.add(new Change(kind, ops, base, oldProps, after.toProperties(kind)));
        }
        int changedTables = 0;
        List<String> stored = new ArrayList<>();
        for (Change c : changes) {
          SilverTable kind = c.kind();
          Map<String, String> oldProps = c.oldProps();
          Map<String, String> newProps = c.newProps();
          if (oldProps.equals(newProps)) {
            ctx.out().println(kind.silver().name() + ": unchanged");
            continue;
          }
          changedTables++;
          java.util.Set<String> keys = new TreeSet<>(oldProps.keySet());
          keys.addAll(newProps.keySet());
          for (String k : keys) {
            String o = oldProps.get(k);
            String n = newProps.get(k);
            if (o == null || !o.equals(n)) {
              ctx.out()
                  .println(
                      kind.silver().name()
                          + ": "
                          + k
                          + " "
                          + (o == null ? "(built in)" : o)
                          + " -> "
                          + (n == null ? "(built in)" : n));
            }
          }
          if (!dryRun) {
            // compare-and-swap against the metadata read: a concurrent change of the table's
            // properties fails this one instead of being overwritten (UpdateProperties would
            // re-apply these values on top of it)
            java.util.Set<String> removed = new TreeSet<>(oldProps.keySet());
            removed.removeAll(newProps.keySet());
            TableMetadata base = c.base();
            for (int attempt = 1; ; attempt++) {
              try {
                c.ops()
                    .commit(
                        base,
                        TableMetadata.buildFrom(base)
                            .setProperties(newProps)
                            .removeProperties(removed)
                            .build());
                stored.add(kind.silver().name());
                break;
              } catch (CommitFailedException e) {
                // another commit changed the table (a compaction's, most often): while the rules
                // it holds are still the ones read, the change applies to it unaltered
                // a random pause, growing, before reading the table again, so that a busy
                // committer cannot win every race
                try {
                  Thread.sleep(
                      java.util.concurrent.ThreadLocalRandom.current()
                          .nextLong(1, 2 + Math.min(200, 5L << attempt)));
                } catch (InterruptedException ie) {
                  Thread.currentThread().interrupt();
                  throw new io.ticklake.catalog.TicklakeException(
                      io.ticklake.catalog.TicklakeException.Kind.FAILURE,
                      "Cannot store the rules of " + kind.silver().name() + ": interrupted",
                      ie);
                }
                TableMetadata now = c.ops().refresh();
                if (attempt < 20 && rulesProperties(now).equals(oldProps)) {
                  base = now;
                  continue;
                }
                throw new io.ticklake.catalog.TicklakeException(
                    io.ticklake.catalog.TicklakeException.Kind.CONFLICT,
                    "Cannot store the rules of "
                        + kind.silver().name()
                        + ": they changed since they were read (another 'rules set'?);"
                        + (stored.isEmpty()
                            ? " nothing stored; rerun"
                            : " the change of "
                                + String.join(" and ", stored)
                                + " is stored; rerun to apply the rest"),
                    e);
              }
            }
          }
        }
        if (changedTables > 0) {
          ctx.out()
              .println(
                  dryRun
                      ? "dry run: nothing stored"
                      : "stored; the next 'ticklake compact' rebuilds the partitions built under"
                          + " other rules ('ticklake compact --dry-run' lists them)");
        }
        ctx.out().flush();
      }
      return ExitCodes.OK;
    }

    /** {@code before} with this command's changes, for one table (what concerns it). */
    private ValidationSettings apply(
        SilverTable kind, ValidationSettings before, Duration tolerance) {
      java.util.Set<String> names = ValidationSettings.ruleNames(kind);
      Map<String, Severity> sev = new TreeMap<>(before.severities());
      java.util.Set<String> off = new TreeSet<>(before.disabled());
      if (severities != null) {
        for (Map.Entry<String, String> e : severities.entrySet()) {
          String rule = e.getKey().strip().toLowerCase(Locale.ROOT);
          if (names.contains(rule)) {
            sev.put(rule, severity(e.getKey(), e.getValue()));
          }
        }
      }
      if (disable != null) {
        disable.stream().map(RulesCommand::name).filter(names::contains).forEach(off::add);
      }
      if (enable != null) {
        enable.stream().map(RulesCommand::name).forEach(off::remove);
      }
      int window =
          spikeWindow != null && kind == SilverTable.TRADES ? spikeWindow : before.spikeWindow();
      int minPoints =
          spikeMinPoints != null && kind == SilverTable.TRADES
              ? spikeMinPoints
              : before.spikeMinPoints();
      if (kind == SilverTable.TRADES && minPoints > window) {
        throw usage(
            "Cannot use --spike-min-points "
                + minPoints
                + " with --spike-window "
                + window
                + ": the minimum points must not exceed the window");
      }
      return new ValidationSettings(
          sev,
          off,
          tolerance != null ? tolerance : before.sessionTolerance(),
          spikePercent != null && kind == SilverTable.TRADES ? spikePercent : before.spikePercent(),
          spikeWindow != null && kind == SilverTable.TRADES ? spikeWindow : before.spikeWindow(),
          spikeMinPoints != null && kind == SilverTable.TRADES
              ? spikeMinPoints
              : before.spikeMinPoints());
    }

    /** Every rule named must belong to one of the selected tables, and not appear twice. */
    private void checkNames(List<SilverTable> kinds) {
      java.util.Set<String> known = new TreeSet<>();
      kinds.forEach(k -> known.addAll(ValidationSettings.ruleNames(k)));
      List<String> named = new ArrayList<>();
      if (severities != null) {
        severities.keySet().forEach(named::add);
      }
      if (disable != null) {
        named.addAll(disable);
      }
      if (enable != null) {
        named.addAll(enable);
      }
      for (String n : named) {
        if (!known.contains(name(n))) {
          throw usage(
              "Cannot change rule "
                  + n
                  + ": "
                  + (table == null
                      ? "no Silver table has that"
                      : "silver." + table + " has no such")
                  + " rule; rules are "
                  + String.join(", ", known));
        }
      }
      if (disable != null && enable != null) {
        for (String n : disable) {
          if (enable.stream().map(RulesCommand::name).anyMatch(name(n)::equals)) {
            throw usage("Cannot both --disable and --enable rule " + n);
          }
        }
      }
    }

    private Map<String, String> severities(List<String> args) {
      Map<String, String> out = new LinkedHashMap<>();
      java.util.Set<String> seen = new TreeSet<>();
      for (String a : args) {
        int eq = a.indexOf('=');
        if (eq <= 0) {
          throw usage("Cannot use --severity " + a + ": give RULE=error or RULE=warn");
        }
        String rule = a.substring(0, eq);
        if (!seen.add(name(rule))) {
          throw usage("Cannot give rule " + name(rule) + " two severities");
        }
        out.put(rule, a.substring(eq + 1));
      }
      return out;
    }

    private Severity severity(String rule, String text) {
      try {
        return Severity.ofLabel(text);
      } catch (IllegalArgumentException e) {
        throw usage("Cannot give rule " + rule + " severity '" + text + "': " + e.getMessage());
      }
    }

    private Duration tolerance(String text) {
      String s = text.strip();
      if (s.matches("[+]?0+(ms|s|m|h|d)?") || s.equalsIgnoreCase("PT0S")) {
        return Duration.ZERO;
      }
      try {
        return WriterCommand.duration(s);
      } catch (IllegalArgumentException e) {
        throw usage(
            "Cannot use --session-tolerance '"
                + text
                + "': give a duration with a unit, e.g. 0s, 90s, 2m or PT1M");
      }
    }

    /** {@code --spike-percent}: a positive number of percent the compactor can compute with. */
    private BigDecimal spikePercent(String arg) {
      String hint =
          ": give a number of percent above 0 and at most "
              + ValidationSettings.MAX_SPIKE_PERCENT.toPlainString()
              + " with at most 9 decimals, e.g. 10 or 2.5";
      BigDecimal p;
      try {
        p = new BigDecimal(arg.strip());
      } catch (NumberFormatException e) {
        throw usage("Cannot use --spike-percent '" + arg + "'" + hint);
      }
      if (p.signum() <= 0
          || p.compareTo(ValidationSettings.MAX_SPIKE_PERCENT) > 0
          || p.stripTrailingZeros().scale() > 9) {
        throw usage("Cannot use --spike-percent " + arg + hint);
      }
      return p;
    }

    private CommandLine.ParameterException usage(String message) {
      return new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }

  private static String name(String rule) {
    return rule.strip().toLowerCase(Locale.ROOT);
  }
}
