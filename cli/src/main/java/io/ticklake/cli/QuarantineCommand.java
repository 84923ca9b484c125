package io.ticklake.cli;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.LakeQuery;
import io.ticklake.catalog.duckdb.PartitionFilter;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.silver.SilverTable;
import io.ticklake.silver.ValidationSettings;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ticklake quarantine}: inspect the rows validation rejected or flagged. */
@Command(
    name = "quarantine",
    header = "Show rejected and flagged rows of ops.quarantine.",
    mixinStandardHelpOptions = true,
    description = {
      "Show rows of ops.quarantine: rejected (severity error) or flagged (warn) rows with their",
      "rule, field, value, message and lineage, newest trading date first. Filters combine;",
      "--summary counts rows per table, stage, rule and severity instead (--limit applies to",
      "the summary rows)."
    })
final class QuarantineCommand implements Callable<Integer> {
  private static final String COLUMNS =
      "source_table, stage, rule, severity, exchange, trading_date, symbol, ts_event, field, value,"
          + " message, vendor, file_id, file_seq, writer_id, wal_seq";
  private static final String FULL_COLUMNS =
      COLUMNS + ", file, raw_line, row_json, bronze_snapshot_id, quarantined_at";

  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  @Option(
      names = "--rule",
      split = ",",
      paramLabel = "RULE",
      description = "Only these rules (comma-separated), e.g. price_positive,parse_error.")
  List<String> rules;

  @Option(names = "--severity", paramLabel = "SEVERITY", description = "error or warn.")
  String severity;

  @Option(
      names = "--table",
      paramLabel = "TABLE",
      description =
          "Only rows of this table: silver.trades, bronze.quotes, or trades/quotes (any tier).")
  String table;

  @Option(
      names = "--stage",
      paramLabel = "STAGE",
      description = "Only rows of this stage: ingest, writer or compact.")
  String stage;

  @Option(names = "--exchange", paramLabel = "EXCHANGE", description = "Only this exchange.")
  String exchange;

  @Option(names = "--date", paramLabel = "DATE", description = "Only this trading date.")
  LocalDate date;

  @Option(
      names = "--limit",
      defaultValue = "100",
      paramLabel = "N",
      description =
          "At most N rows, with --summary N summary rows (default: ${DEFAULT-VALUE}; 0 for all).")
  int limit;

  @Option(names = "--full", description = "Also the raw line, the whole row as JSON and snapshot.")
  boolean full;

  @Option(
      names = "--summary",
      description = "Counts per table, stage, rule and severity (at most --limit rows).")
  boolean summary;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ResultFormat format;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Invalid value for option '--limit': must be 0 or more");
    }
    if (summary && full) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot combine --summary with --full: a summary counts rows, it has no row to show");
    }
    OptionValues.notBlank(spec, "--exchange", exchange, OptionValues.EXCHANGE);
    OptionValues.notBlank(spec, "--table", table, "one of " + String.join(", ", TABLES));
    OptionValues.notBlank(spec, "--stage", stage, "one of " + String.join(", ", STAGES));
    OptionValues.notBlank(spec, "--severity", severity, "error or warn");
    OptionValues.noneBlank(spec, "--rule", rules, "a rule name, e.g. price_positive");
    severity = lower(severity);
    stage = lower(stage);
    table = lower(table);
    exchange = lower(exchange);
    if (rules != null) {
      rules = rules.stream().map(QuarantineCommand::lower).toList();
    }
    if (severity != null && !severity.equals("error") && !severity.equals("warn")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Invalid value for option '--severity': use error or warn");
    }
    if (stage != null && !STAGES.contains(stage)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Invalid value for option '--stage': " + stage + "; use " + String.join(", ", STAGES));
    }
    if (table != null && !TABLES.contains(table)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Invalid value for option '--table': "
              + table
              + "; quarantine holds rows of "
              + String.join(", ", TABLES));
    }
    List<String> where = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    if (rules != null && !rules.isEmpty()) {
      where.add("rule IN (" + String.join(", ", rules.stream().map(r -> "?").toList()) + ")");
      params.addAll(rules);
    }
    add(where, params, "severity = ?", severity);
    add(where, params, "stage = ?", stage);
    // exchanges outside ref.exchange keep the spelling of their rows (unknown_exchange: FooEx)
    add(where, params, "lower(exchange) = ?", exchange);
    if (date != null) {
      where.add("trading_date = CAST(? AS DATE)");
      params.add(date.toString());
    }
    if (table != null) {
      where.add(table.contains(".") ? "source_table = ?" : "source_table LIKE '%.' || ?");
      params.add(table);
    }
    String filter = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
    String summarySql =
        "SELECT source_table, stage, rule, severity, count(*) AS rows, min(trading_date) AS"
            + " first_date, max(trading_date) AS last_date FROM ops.quarantine"
            + filter
            + " GROUP BY ALL";
    String sql =
        summary
            ? summarySql
                + " ORDER BY source_table, stage, rule, severity"
                + (limit > 0 ? " LIMIT " + limit : "")
            : "SELECT "
                + (full ? FULL_COLUMNS : COLUMNS)
                // the path of the source file, from the ingest manifest (one path per file id)
                + (full
                    ? " FROM ops.quarantine LEFT JOIN (SELECT DISTINCT file_id, path AS file FROM"
                        + " ops.ingest_manifest) USING (file_id)"
                    : " FROM ops.quarantine")
                + filter
                + " ORDER BY trading_date DESC NULLS LAST, source_table, ts_event NULLS LAST,"
                + " file_id NULLS LAST, file_seq NULLS LAST, writer_id NULLS LAST, wal_seq NULLS"
                + " LAST, rule"
                + (limit > 0 ? " LIMIT " + limit : "");
    CliContext ctx = root.context();
    String countSql =
        summary
            ? "SELECT count(*) FROM (" + summarySql + ")"
            : "SELECT count(*) FROM ops.quarantine" + filter;
    try (Warehouse warehouse = ctx.openWarehouse()) {
      // the table as it is now; a concurrent expire that deletes the files planned before DuckDB
      // reads them makes it read the table again
      LakeQuery.read(
          () -> DuckDbBridge.open(warehouse.tempDir(), 0, null),
          AsOf.latest(),
          bridge -> register(bridge, warehouse),
          bridge -> {
            checkRules(bridge);
            checkExchange(bridge);
            long total = limit > 0 ? count(bridge, countSql, params) : 0;
            try (PreparedStatement s = prepare(bridge, sql, params);
                ResultSet rs = s.executeQuery()) {
              format.print(ctx.out(), rs); // reads every row, then prints
            }
            if (total > limit && limit > 0) {
              ctx.err()
                  .printf(
                      java.util.Locale.ROOT,
                      "showing the first %,d of %,d %s; --limit 0 shows all%n",
                      limit,
                      total,
                      summary ? "summary rows" : "matching rows");
            }
            return null;
          },
          e ->
              new TicklakeException(
                  Kind.FAILURE, "Cannot read ops.quarantine: " + e.getMessage().strip(), e));
    }
    return ExitCodes.OK;
  }

  /**
   * Registers ops.quarantine at its current snapshot, with the ingest manifest for --full's file
   * paths and the exchanges only to check --exchange.
   */
  private Map<TableIdentifier, PinnedScan> register(DuckDbBridge bridge, Warehouse warehouse) {
    bridge.execute("CREATE SCHEMA IF NOT EXISTS ops");
    bridge.execute("CREATE SCHEMA IF NOT EXISTS ref");
    List<io.ticklake.catalog.contract.TableContract> views = new ArrayList<>();
    views.add(TableContracts.QUARANTINE);
    if (full) {
      views.add(TableContracts.INGEST_MANIFEST);
    }
    if (exchange != null) {
      views.add(TableContracts.EXCHANGE);
    }
    Map<TableIdentifier, PinnedScan> scans = new LinkedHashMap<>();
    for (var contract : views) {
      org.apache.iceberg.Table t = warehouse.table(contract.id());
      scans.put(
          contract.id(),
          bridge.registerView(
              contract.name(), t, Optional.ofNullable(t.currentSnapshot()), PartitionFilter.all()));
    }
    return scans;
  }

  private static long count(DuckDbBridge bridge, String countSql, List<Object> params)
      throws SQLException {
    try (PreparedStatement s = prepare(bridge, countSql, params);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** {@code sql} prepared with the filter's parameters bound in order. */
  private static PreparedStatement prepare(DuckDbBridge bridge, String sql, List<Object> params)
      throws SQLException {
    PreparedStatement s = bridge.connection().prepareStatement(sql);
    try {
      for (int i = 0; i < params.size(); i++) {
        s.setObject(i + 1, params.get(i));
      }
      return s;
    } catch (SQLException e) {
      s.close();
      throw e;
    }
  }

  /** The stages that write quarantine rows. */
  private static final List<String> STAGES = List.of("ingest", "writer", "compact");

  /** The tables quarantine rows come from, qualified and short. */
  private static final List<String> TABLES =
      List.of(
          TableContracts.BRONZE_TRADES.name(),
          TableContracts.BRONZE_QUOTES.name(),
          TableContracts.SILVER_TRADES.name(),
          TableContracts.SILVER_QUOTES.name(),
          "trades",
          "quotes");

  /**
   * Refuses a {@code --rule} that is neither a rule ticklake has (the ingest rules and the
   * compactor's) nor one found in quarantine: a typo would otherwise read as "nothing rejected".
   */
  private void checkRules(DuckDbBridge bridge) {
    if (rules == null || rules.isEmpty()) {
      return;
    }
    java.util.SortedSet<String> known = new java.util.TreeSet<>(OTHER_RULES);
    for (SilverTable t : SilverTable.values()) {
      ValidationSettings.defaults().rules(t).forEach(r -> known.add(r.name()));
    }
    known.addAll(bridge.queryStrings("SELECT DISTINCT rule FROM ops.quarantine"));
    for (String r : rules) {
      if (!known.contains(r)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "Invalid value for option '--rule': " + r + "; rules are " + String.join(", ", known));
      }
    }
  }

  /**
   * Refuses an {@code --exchange} that is neither in ref.exchange nor found in quarantine (rows of
   * unknown exchanges carry theirs): a typo would otherwise read as "nothing rejected".
   */
  private void checkExchange(DuckDbBridge bridge) {
    if (exchange == null) {
      return;
    }
    java.util.SortedSet<String> known =
        new java.util.TreeSet<>(
            bridge.queryStrings(
                "SELECT lower(exchange_id) FROM ref.exchange UNION SELECT lower(exchange) FROM"
                    + " ops.quarantine WHERE exchange IS NOT NULL"));
    if (!known.contains(exchange)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Invalid value for option '--exchange': "
              + exchange
              + "; exchanges are "
              + String.join(", ", known));
    }
  }

  /** The rules that are not validation rules: ingest's and writer's, and the compactor's dedup. */
  private static final List<String> OTHER_RULES =
      List.of("parse_error", "unknown_exchange", "conflicting_duplicate");

  private static String lower(String s) {
    return s == null ? null : s.strip().toLowerCase(java.util.Locale.ROOT);
  }

  private static void add(List<String> where, List<Object> params, String condition, String v) {
    if (v != null) {
      where.add(condition);
      params.add(v);
    }
  }
}
