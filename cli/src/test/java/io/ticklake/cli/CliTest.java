package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.write.PartitionedRecordWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI run in-process, as a user runs it, against real warehouses. */
class CliTest {
  @TempDir Path dir;

  CliRun run(Map<String, String> env, String... args) {
    return CliRun.run(env, args);
  }

  CliRun run(String... args) {
    return CliRun.in(dir.resolve("wh"), args);
  }

  @Test
  void initTwiceIsANoop() {
    CliRun first = run("init");
    assertThat(first.code()).isZero();
    assertThat(first.out()).contains("silver.trades          created", "seeded: 10 added");
    Map<String, String> before = metadataLocations();

    CliRun second = run("init");
    assertThat(second.code()).isZero();
    assertThat(second.out())
        .contains("silver.trades          unchanged", "Nothing to do: the lake is up to date.")
        .doesNotContain("created");
    assertThat(metadataLocations()).isEqualTo(before);
  }

  @Test
  void freshWarehouseCountsZeroSilverTrades() {
    assertThat(run("init").code()).isZero();
    CliRun r = run("sql", "--format", "csv", "-c", "select count(*) as n from silver.trades");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("n\r\n0\r\n");
    // µs times keep their trailing zeros (whole groups of 3 digits), in UTC
    CliRun times =
        run(
            "sql",
            "--format",
            "csv",
            "-c",
            "SELECT TIMESTAMPTZ '2020-02-22 00:00:02.41842+00' AS a, TIMESTAMPTZ '2020-02-22"
                + " 01:00:00+01' AS b");
    assertThat(times.out())
        .isEqualTo("a,b\r\n2020-02-22T00:00:02.418420Z,2020-02-22T00:00:00Z\r\n");
    CliRun folder = run("sql", "-f", dir.toString());
    assertThat(folder.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(folder.err())
        .isEqualTo("ticklake: Cannot read SQL file " + dir + ": it is a folder\n");
  }

  /**
   * A query file that is not UTF-8 text (a Latin-1 file, or a binary file given by mistake) is bad
   * input named as such, not an internal error: it was {@code internal error:
   * MalformedInputException: Input length = 1}, exit 1.
   */
  @Test
  void aQueryFileThatIsNotUtf8IsBadInputNotAnInternalError() throws Exception {
    assertThat(run("init").code()).isZero();
    Path latin1 = dir.resolve("latin1.sql");
    Files.write(latin1, new byte[] {'s', 'e', 'l', 'e', 'c', 't', ' ', '\'', (byte) 0xe9, '\''});
    CliRun r = run("sql", "-f", latin1.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err())
        .isEqualTo(
            "ticklake: Cannot read SQL file "
                + latin1
                + ": it is not UTF-8 text (save it as UTF-8)\n");
  }

  @Test
  void sqlAsOfSnapshotIdAndTimeSeeOnlyTheFirstCommit() throws Exception {
    assertThat(run("init").code()).isZero();
    long first;
    long second;
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      Table trades = w.catalog().loadTable(TableContracts.BRONZE_TRADES.id());
      first = append(trades, trade(trades, "IBM", "181.52", 283));
      Thread.sleep(10);
      second = append(trades, trade(trades, "BAC", "14.01", 100), trade(trades, "AIG", "48.5", 7));
      assertThat(second).isNotEqualTo(first);
    }
    String query = "select symbol, price, size from bronze.trades order by symbol";

    CliRun latest = run("sql", "--format", "csv", "-c", query);
    assertThat(latest.out())
        .isEqualTo(
            "symbol,price,size\r\nAIG,48.500000000,7.00000000\r\nBAC,14.010000000,100.00000000\r\n"
                + "IBM,181.520000000,283.00000000\r\n");

    CliRun byId = run("sql", "--format", "csv", "--as-of", Long.toString(first), "-c", query);
    assertThat(byId.err()).isEmpty();
    assertThat(byId.out()).isEqualTo("symbol,price,size\r\nIBM,181.520000000,283.00000000\r\n");

    long firstMillis;
    long secondMillis;
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      Table trades = w.catalog().loadTable(TableContracts.BRONZE_TRADES.id());
      firstMillis = trades.snapshot(first).timestampMillis();
      secondMillis = trades.snapshot(second).timestampMillis();
    }
    Instant between = Instant.ofEpochMilli((firstMillis + secondMillis) / 2);
    assertThat(between.toEpochMilli()).isGreaterThanOrEqualTo(firstMillis).isLessThan(secondMillis);
    CliRun byTime = run("sql", "--format", "csv", "--as-of", between.toString(), "-c", query);
    assertThat(byTime.out()).isEqualTo("symbol,price,size\r\nIBM,181.520000000,283.00000000\r\n");

    CliRun json = run("sql", "--format", "json", "--as-of", Long.toString(first), "-c", query);
    assertThat(json.out()).contains("\"price\" : 181.520000000", "\"symbol\" : \"IBM\"");
  }

  @Test
  void sqlAsOfATimeWhoseSnapshotWasExpiredIsAnErrorNotAnEmptyTable() throws Exception {
    assertThat(run("init").code()).isZero();
    long first;
    long second;
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      Table trades = w.catalog().loadTable(TableContracts.BRONZE_TRADES.id());
      first = append(trades, trade(trades, "IBM", "181.52", 283));
      Thread.sleep(10);
      second = append(trades, trade(trades, "BAC", "14.01", 100));
    }
    long firstMillis;
    long secondMillis;
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      Table trades = w.catalog().loadTable(TableContracts.BRONZE_TRADES.id());
      firstMillis = trades.snapshot(first).timestampMillis();
      secondMillis = trades.snapshot(second).timestampMillis();
    }
    Instant between = Instant.ofEpochMilli((firstMillis + secondMillis) / 2);
    String query = "select count(*) as n from bronze.trades";
    assertThat(run("sql", "--format", "csv", "--as-of", between.toString(), "-c", query).out())
        .isEqualTo("n\r\n1\r\n");

    Thread.sleep(10);
    CliRun expire = run("expire", "bronze.trades", "--older-than", "1ms");
    assertThat(expire.code()).isZero();
    assertThat(expire.out()).contains("Expired 1 snapshots");

    // the table held one row then; after the expiry that is unknown, and never an empty table
    CliRun expired = run("sql", "--format", "csv", "--as-of", between.toString(), "-c", query);
    assertThat(expired.out()).isEmpty();
    assertThat(expired.code()).isEqualTo(ExitCodes.INPUT);
    // ticklake's own sentence, not wrapped in DuckDB's ("Cannot run query: Invalid Input Error:
    // Cannot read bronze.trades …", as it was)
    assertThat(expired.err())
        .startsWith("ticklake: Cannot read bronze.trades as of " + between)
        .contains("expired", Long.toString(second));
    // the expired snapshot by its id: the error says it may have been expired
    CliRun byExpiredId =
        run("sql", "--format", "csv", "--as-of", Long.toString(first), "-c", query);
    assertThat(byExpiredId.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(byExpiredId.err())
        .contains("Cannot find snapshot " + first)
        .contains("expired")
        .contains("ticklake snapshots");
    // only a query that reads that table fails: the others are read as of that time as before
    CliRun other =
        run(
            "sql",
            "--format",
            "csv",
            "--as-of",
            between.toString(),
            "-c",
            "select count(*) as n from bronze.quotes");
    assertThat(other.err()).isEmpty();
    assertThat(other.out()).isEqualTo("n\r\n0\r\n");
    // from the oldest snapshot left on, time travel works as before
    CliRun kept =
        run(
            "sql",
            "--format",
            "csv",
            "--as-of",
            Instant.ofEpochMilli(secondMillis).toString(),
            "-c",
            "select symbol from bronze.trades order by symbol");
    assertThat(kept.err()).isEmpty();
    assertThat(kept.out()).isEqualTo("symbol\r\nBAC\r\nIBM\r\n");
  }

  @Test
  void sqlAsOfAnExpiredTimeFailsAlsoWhenTheQueryFiltersTheTable() throws Exception {
    assertThat(run("init").code()).isZero();
    long first;
    long second;
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      Table trades = w.catalog().loadTable(TableContracts.BRONZE_TRADES.id());
      first = append(trades, trade(trades, "IBM", "181.52", 283));
      Thread.sleep(10);
      second = append(trades, trade(trades, "BAC", "14.01", 100));
    }
    Instant between;
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      Table trades = w.catalog().loadTable(TableContracts.BRONZE_TRADES.id());
      between =
          Instant.ofEpochMilli(
              (trades.snapshot(first).timestampMillis() + trades.snapshot(second).timestampMillis())
                  / 2);
    }
    Thread.sleep(10);
    assertThat(run("expire", "bronze.trades", "--older-than", "1ms").code()).isZero();

    // IBM's trade was there at that time: a WHERE on the table's columns must not turn the
    // unknown state into an empty answer (the view's NULL columns make DuckDB fold the filter to
    // false and drop the error() with it)
    for (String query :
        List.of(
            "select count(*) as n from bronze.trades where symbol = 'IBM'",
            "select symbol from bronze.trades where price > 0",
            "select count(*) as n from bronze.trades where symbol is not null")) {
      CliRun expired = run("sql", "--format", "csv", "--as-of", between.toString(), "-c", query);
      assertThat(expired.out()).as(query).isEmpty();
      assertThat(expired.code()).as(query).isEqualTo(ExitCodes.INPUT);
      assertThat(expired.err()).as(query).contains("Cannot read bronze.trades as of " + between);
    }
  }

  @Test
  void tablesAndSnapshotsListWhatIsThere() {
    assertThat(run("init").code()).isZero();
    CliRun tables = run("tables", "--format", "csv");
    assertThat(tables.code()).isZero();
    assertThat(tables.out())
        .startsWith("table,rows,files,bytes,snapshot,metadata\r\n")
        .contains("ref.exchange,10,1,")
        .contains("silver.trades,0,0,0,,");
    // JSON: an empty table's snapshot is null, not an empty string
    CliRun json = run("tables", "--format", "json");
    assertThat(json.out())
        .containsPattern("\"table\" *: *\"silver.trades\"[^}]*\"snapshot\" *: *null");
    CliRun snapshots = run("snapshots", "ref.exchange", "--format", "csv");
    assertThat(snapshots.code()).isZero();
    assertThat(snapshots.out()).contains("append", "added-records=10");
    CliRun missing = run("snapshots", "bronze.nope");
    assertThat(missing.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(missing.err())
        .startsWith(
            "ticklake: Cannot find table bronze.nope: ticklake's tables are bronze.trades,"
                + " bronze.quotes, silver.trades,")
        .contains("ops.quarantine");
  }

  @Test
  void noCommandIsAUsageError() {
    CliRun none = run();
    assertThat(none.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).startsWith("Usage: ticklake").contains("compact", "ingest");
  }

  @Test
  void aMissingWarehouseIsAnErrorAndIsNotCreated() {
    for (String[] args :
        List.of(
            new String[] {"compact"},
            new String[] {"quarantine"},
            new String[] {"tables"},
            new String[] {"sql", "-c", "select 1"})) {
      CliRun r = run(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(ExitCodes.INPUT);
      assertThat(r.err())
          .isEqualTo(
              "ticklake: Cannot open warehouse "
                  + dir.resolve("wh")
                  + ": it has no catalog (catalog.db); create it with 'ticklake init' or try"
                  + " 'ticklake demo'\n");
      assertThat(dir.resolve("wh")).doesNotExist();
    }
    // a dry run of init creates nothing either
    CliRun dry = run("init", "--dry-run");
    assertThat(dry.code()).isZero();
    assertThat(dry.out()).contains("The warehouse does not exist yet: init would create it");
    assertThat(dir.resolve("wh")).doesNotExist();
    assertThat(run("sql", "--threads", "-1", "-c", "select 1").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("init").code()).isZero();
    assertThat(run("tables").code()).isZero();
  }

  @Test
  void unknownOptionIsAUsageError() {
    CliRun r = run("init", "--frobnicate");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).startsWith("ticklake: Unknown option: '--frobnicate'");
    assertThat(r.err()).contains("Try 'ticklake init --help' for usage.");
  }

  @Test
  void unknownCommandSuggestsTheNearestOne() {
    CliRun r = run("sqll");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("Did you mean", "sql");
  }

  @Test
  void unwritableWarehouseIsAConfigurationErrorWithoutStackTrace() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    CliRun r = run(Map.of(), "--warehouse", file.resolve("wh").toString(), "init");
    assertThat(r.code()).isEqualTo(ExitCodes.CONFIGURATION);
    assertThat(r.err())
        .isEqualTo(
            "ticklake: Cannot create warehouse directory "
                + file.resolve("wh")
                + ": not a directory; move "
                + file
                + " out of the way (ticklake needs a directory there), then run the command"
                + " again\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void corruptCatalogIsAConfigurationErrorWithoutStackTrace() throws Exception {
    Path wh = Files.createDirectories(dir.resolve("wh"));
    Files.write(
        wh.resolve("catalog.db"),
        new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
    CliRun r = run("tables");
    assertThat(r.code()).isEqualTo(ExitCodes.CONFIGURATION);
    assertThat(r.err())
        .isEqualTo(
            "ticklake: Cannot open catalog "
                + wh.resolve("catalog.db")
                + ": the file is not an SQLite database (corrupt or overwritten)\n");
  }

  @Test
  void sqlPrintsTheStoredInstantsWhateverTheJvmTimeZone() throws Exception {
    assertThat(run("init").code()).isZero();
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      Table trades = w.catalog().loadTable(TableContracts.BRONZE_TRADES.id());
      // a 24/7 market trades through the DST changes: 06:30Z is the second 01:30 in New York on
      // the fall-back day, 07:30Z the first hour after the spring-forward gap
      Record fallBack = trade(trades, "BTCUSDT", "9682.1", 1);
      fallBack.setField("ts_event", OffsetDateTime.parse("2013-11-03T06:30:00.000001Z"));
      Record springForward = trade(trades, "ETHUSDT", "271.5", 2);
      springForward.setField("ts_event", OffsetDateTime.parse("2013-03-10T07:30:00Z"));
      append(trades, fallBack, springForward);
    }
    java.util.TimeZone jvmZone = java.util.TimeZone.getDefault();
    java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("America/New_York"));
    try {
      CliRun r =
          run(
              "sql",
              "--format",
              "csv",
              "-c",
              "select symbol, ts_event, epoch_us(ts_event) as us, ts_event::timestamp as wall"
                  + " from bronze.trades order by symbol");
      assertThat(r.err()).isEmpty();
      // the same instants as epoch_us, whatever the zone of the JVM that prints them
      assertThat(r.out())
          .isEqualTo(
              "symbol,ts_event,us,wall\r\n"
                  + "BTCUSDT,2013-11-03T06:30:00.000001Z,1383460200000001,2013-11-03T06:30:00.000001"
                  + "\r\n"
                  + "ETHUSDT,2013-03-10T07:30:00Z,1362900600000000,2013-03-10T07:30:00\r\n");
      // a TIMESTAMP (no zone) is wall-clock time: printed as it is, also in the JVM zone's gap
      CliRun gap =
          run(
              "sql",
              "--format",
              "csv",
              "-c",
              "select timestamp '2020-03-08 02:30:00' as wall,"
                  + " '2020-03-08 02:30:00.123456789'::timestamp_ns as ns,"
                  + " map {'open': timestamp '2013-10-11 09:30:00'} as m");
      assertThat(gap.out())
          .isEqualTo(
              "wall,ns,m\r\n2020-03-08T02:30:00,2020-03-08T02:30:00.123456789,"
                  + "open=2013-10-11 09:30:00.0\r\n");
    } finally {
      java.util.TimeZone.setDefault(jvmZone);
    }
  }

  @Test
  void sqlJsonNeverDropsAColumnWhoseNameComesTwice() throws Exception {
    assertThat(run("init").code()).isZero();
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      Table trades = w.catalog().loadTable(TableContracts.BRONZE_TRADES.id());
      append(trades, trade(trades, "IBM", "181.52", 283));
      append(trades, trade(trades, "BAC", "14.01", 100));
    }
    String query =
        "select a.symbol, a.price, b.symbol, b.price from bronze.trades a, bronze.trades b"
            + " where a.symbol = 'IBM' and b.symbol = 'BAC'";
    // csv and table keep both columns
    assertThat(run("sql", "--format", "csv", "-c", query).out())
        .isEqualTo("symbol,price,symbol,price\r\nIBM,181.520000000,BAC,14.010000000\r\n");
    // a JSON object cannot hold a name twice: an error, not IBM's price silently replaced
    CliRun json = run("sql", "--format", "json", "-c", query);
    assertThat(json.out()).doesNotContain("14.01");
    assertThat(json.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(json.err())
        .isEqualTo(
            "ticklake: Cannot print the result as JSON: more than one column is named symbol,"
                + " price; give them distinct names (AS ...)\n");
  }

  @Test
  void sqlPrintsBlobsAsDuckDbDoes() {
    assertThat(run("init").code()).isZero();
    String query =
        "select from_hex('5c41ff0022277e7f') as b, from_hex('5c41ff0022277e7f')::varchar as s";
    CliRun r = run("sql", "--format", "csv", "-c", query);
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .isEqualTo("b,s\r\n\\x5CA\\xFF\\x00\\x22\\x27~\\x7F,\\x5CA\\xFF\\x00\\x22\\x27~\\x7F\r\n");
    assertThat(run("sql", "--format", "json", "-c", query).out())
        .contains("\"b\" : \"\\\\x5CA\\\\xFF");
  }

  @Test
  void sqlReadsOnlyTheTablesTheQueryNames() {
    assertThat(run("init").code()).isZero();
    // a table another Iceberg engine added, with a column type the DuckDB bridge cannot read:
    // it must not make every query fail, only those that read it (or that DuckDB's parse cannot
    // tell apart from one that might, such as SHOW TABLES)
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      w.catalog()
          .createTable(
              TableIdentifier.of("ops", "foreign_lists"),
              new Schema(
                  Types.NestedField.required(
                      1, "tags", Types.ListType.ofRequired(2, Types.StringType.get()))));
    }
    for (String query :
        List.of(
            "select 1 as n",
            "select count(*) > 0 as n from ref.exchange",
            "with x as (select 1 as n from silver.trades) select count(*) + 1 as n from x",
            "select (select 1 from bronze.quotes limit 1) is null as n")) {
      CliRun r = run("sql", "--format", "csv", "-c", query);
      assertThat(r.err()).as(query).isEmpty();
      assertThat(r.code()).as(query).isZero();
      assertThat(r.out()).as(query).isIn("n\r\n1\r\n", "n\r\ntrue\r\n");
    }
    for (String query :
        List.of(
            "explain select count(*) from ref.exchange",
            "explain analyze select count(*) from ref.exchange")) {
      CliRun r = run("sql", "--format", "csv", "-c", query);
      assertThat(r.err()).as(query).isEmpty();
      assertThat(r.code()).as(query).isZero();
      assertThat(r.out()).as(query).contains("READ_PARQUET");
    }
    for (String query : List.of("select * from ops.foreign_lists", "show tables")) {
      CliRun r = run("sql", "-c", query);
      assertThat(r.code()).as(query).isEqualTo(ExitCodes.UNSUPPORTED);
      assertThat(r.err())
          .as(query)
          .isEqualTo(
              "ticklake: Cannot read column tags: type list<string> is not supported by the"
                  + " DuckDB bridge yet\n");
    }
  }

  @Test
  void badQueryIsAnInputErrorNamingTheProblem() {
    assertThat(run("init").code()).isZero();
    CliRun r = run("sql", "-c", "select * from silver.nope");
    assertThat(r.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(r.err())
        .startsWith(
            "ticklake: Cannot run query: Catalog Error: Table with name nope does not exist");
  }

  @Test
  void helpAndVersionWork() {
    CliRun help = run("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out())
        .contains("init", "tables", "snapshots", "sql", "demo", "version", "Exit codes");
    CliRun sqlHelp = run("sql", "--help");
    assertThat(sqlHelp.out()).contains("--as-of", "--format");
    CliRun version = run("version");
    assertThat(version.out()).contains("iceberg  1.12.0", "duckdb   v2.0.0");
  }

  /**
   * Every command's --help reads as sentences: no option description breaks off mid-sentence to go
   * on at the column where it began (picocli wraps a description line longer than the width and
   * then starts the next given line at the description column: {@code sql --as-of} showed "pins its
   * table to" / "that snapshot"), and every subcommand listed under "Commands:" has a summary
   * ending in a full stop (export's verify showed a line ending in "of every file,").
   */
  @Test
  void everyHelpTextReadsAsWholeSentences() {
    List<String> problems = new java.util.ArrayList<>();
    java.util.Deque<picocli.CommandLine> todo = new java.util.ArrayDeque<>();
    todo.add(
        Main.commandLine(
            new java.io.PrintWriter(new java.io.StringWriter()),
            new java.io.PrintWriter(new java.io.StringWriter()),
            Map.of()));
    while (!todo.isEmpty()) {
      picocli.CommandLine cmd = todo.poll();
      todo.addAll(cmd.getSubcommands().values());
      String name = cmd.getCommandSpec().qualifiedName();
      String[] lines = cmd.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF).split("\n");
      for (int i = 1; i < lines.length; i++) {
        String before = lines[i - 1];
        String line = lines[i];
        int indent = line.length() - line.stripLeading().length();
        int beforeIndent = before.length() - before.stripLeading().length();
        boolean continues = !line.isBlank() && Character.isLowerCase(line.strip().charAt(0));
        if (indent > 0 && beforeIndent == indent + 2 && continues) {
          problems.add(name + ": '" + before.strip() + "' / '" + line.strip() + "'");
        }
      }
      for (var sub : cmd.getSubcommands().entrySet()) {
        String[] header = sub.getValue().getCommandSpec().usageMessage().header();
        String[] description = sub.getValue().getCommandSpec().usageMessage().description();
        String summary =
            header.length > 0 ? header[0] : description.length > 0 ? description[0] : "";
        if (!summary.strip().endsWith(".")) {
          problems.add(name + " " + sub.getKey() + ": summary '" + summary + "'");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  /**
   * An empty --warehouse or --catalog-uri (a script's unset variable: {@code --warehouse "$WH"}) is
   * a usage error, not a silent switch to $TICKLAKE_WAREHOUSE or ./warehouse in the current folder,
   * where 'init' would have made a warehouse nobody asked for.
   */
  @Test
  void anEmptyWarehouseOrCatalogOptionIsAUsageError() {
    Path cwdWarehouse = Path.of("warehouse").toAbsolutePath();
    assertThat(cwdWarehouse).doesNotExist();
    Map<String, String> env = Map.of(WarehouseConfig.ENV_WAREHOUSE, dir.resolve("wh").toString());
    assertThat(run("init").code()).isZero();

    CliRun blank = run(env, "tables", "--warehouse", "");
    assertThat(blank.code()).as(blank.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(blank.err())
        .startsWith(
            "ticklake: Cannot use an empty --warehouse: give a directory, or leave the option out"
                + " for $TICKLAKE_WAREHOUSE or ./warehouse\n");
    assertThat(blank.out()).isEmpty();

    CliRun blankInit = run(Map.of(), "--warehouse", " ", "init");
    assertThat(blankInit.code()).as(blankInit.err()).isEqualTo(ExitCodes.USAGE);

    CliRun blankUri = run(env, "tables", "--catalog-uri", "");
    assertThat(blankUri.code()).as(blankUri.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(blankUri.err())
        .startsWith(
            "ticklake: Cannot use an empty --catalog-uri: give a JDBC URL, or leave the option"
                + " out for $TICKLAKE_CATALOG_URI or the warehouse's catalog.db\n");
    assertThat(cwdWarehouse).doesNotExist();
  }

  /**
   * A --warehouse that names a file (a mistyped path: the catalog.db itself, a README) is refused
   * by every command as 'init' refuses it; 'tables' said the file "has no catalog (catalog.db);
   * create it with 'ticklake init'", and init then refused it.
   */
  @Test
  void aWarehousePathThatIsAFileIsRefusedAsSuchByEveryCommand() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "not a warehouse\n");
    for (String[] command :
        List.of(new String[] {"tables"}, new String[] {"init"}, new String[] {"compact"})) {
      String[] args = new String[command.length + 2];
      args[0] = "--warehouse";
      args[1] = file.toString();
      System.arraycopy(command, 0, args, 2, command.length);
      CliRun r = run(Map.of(), args);
      assertThat(r.code()).as(command[0] + ": " + r.err()).isEqualTo(ExitCodes.CONFIGURATION);
      assertThat(r.err())
          .as(command[0])
          .isEqualTo(
              "ticklake: Cannot use warehouse " + file + ": it is a file, not a directory\n");
    }
    assertThat(Files.readString(file)).isEqualTo("not a warehouse\n");
  }

  @Test
  void demoBuildsAFreshWarehouseAndRefusesForeignDirectories() throws Exception {
    Path demo = dir.resolve("demo");
    CliRun r = run(Map.of(), "--warehouse", demo.toString(), "demo");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("ref.exchange", "Try:", "gold.bars us-equity/2013-10-11", "grade", "receipt");
    assertThat(demo.resolve(DemoCommand.MARKER)).exists();
    assertThat(demo.resolve("quality.html")).isNotEmptyFile();
    Path export = demo.resolve("exports").resolve("ibm-1m-pandas");
    assertThat(export.resolve("receipt.json")).isNotEmptyFile();
    CliRun verify =
        run(Map.of(), "--warehouse", demo.toString(), "export", "verify", export.toString());
    assertThat(verify.code()).as(verify.err()).isZero();
    // a second run starts afresh
    assertThat(run(Map.of(), "--warehouse", demo.toString(), "demo").code()).isZero();

    Path foreign = Files.createDirectories(dir.resolve("precious"));
    Files.writeString(foreign.resolve("data.txt"), "mine");
    CliRun refused = run(Map.of(), "--warehouse", foreign.toString(), "demo");
    assertThat(refused.code()).isEqualTo(ExitCodes.CONFIGURATION);
    assertThat(refused.err()).contains("was not made by 'ticklake demo'");
    assertThat(foreign.resolve("data.txt")).hasContent("mine");
  }

  @Test
  void aWarehousePathWithGlobAndQueryCharactersWorks() throws Exception {
    // '?' started the SQLite JDBC URL's parameters (init made the catalog, every later command
    // found none) and '[' made ingest read the demo's own sample folder as a glob pattern
    Path odd = dir.resolve("run[1]?x");
    CliRun r = run(Map.of(), "--warehouse", odd.toString(), "demo");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(odd.resolve("catalog.db")).isNotEmptyFile();
    CliRun q =
        run(
            Map.of(),
            "--warehouse",
            odd.toString(),
            "sql",
            "--format",
            "csv",
            "-c",
            "select count(*) > 0 from silver.trades");
    assertThat(q.code()).as(q.err()).isZero();
    assertThat(q.out()).contains("true");
  }

  @Test
  void demoHintsCanBePastedWhereTheUserIs() throws Exception {
    Path demo = dir.resolve("my demo");
    Path cwd = Path.of("").toAbsolutePath();
    String before = System.getProperty("ticklake.launcher");
    try {
      // started as ./ticklake from the bin folder: a bare 'ticklake' would be looked up in PATH
      System.setProperty("ticklake.launcher", cwd.resolve("ticklake").toString());
      CliRun r = run(Map.of(), "--warehouse", demo.toString(), "demo");
      assertThat(r.code()).as(r.err()).isZero();
      String hint =
          r.out()
              .lines()
              .dropWhile(l -> !l.equals("Try:"))
              .skip(1)
              .findFirst()
              .orElseThrow()
              .strip();
      List<String> words = shellWords(hint);
      assertThat(words.get(0)).as(hint).isEqualTo("./ticklake");
      assertThat(words.subList(1, 4))
          .as(hint)
          .containsExactly("sql", "--warehouse", demo.toString());
      // a launcher in a folder whose name has a space is one word too
      Path spaced = dir.resolve("my repo").resolve("bin").resolve("ticklake");
      System.setProperty("ticklake.launcher", spaced.toString());
      java.lang.reflect.Method launcher = DemoCommand.class.getDeclaredMethod("launcher");
      launcher.setAccessible(true);
      assertThat(shellWords((String) launcher.invoke(null))).containsExactly(spaced.toString());
    } finally {
      if (before == null) {
        System.clearProperty("ticklake.launcher");
      } else {
        System.setProperty("ticklake.launcher", before);
      }
    }
  }

  /** The words bash makes of {@code line}. */
  private static List<String> shellWords(String line) throws Exception {
    Process p =
        new ProcessBuilder("bash", "-c", "eval \"set -- $1\"; printf '%s\\0' \"$@\"", "_", line)
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return List.of(out.split("\0"));
  }

  @Test
  void demoKeepRerunsOnItsOwnWarehouseAndNeverAdoptsAForeignDirectory() throws Exception {
    Path demo = dir.resolve("demo");
    assertThat(run(Map.of(), "--warehouse", demo.toString(), "demo").code()).isZero();
    // --keep on the demo's own warehouse runs again to the end (its export folder is its own)
    CliRun kept = run(Map.of(), "--warehouse", demo.toString(), "demo", "--keep");
    assertThat(kept.err()).isEmpty();
    assertThat(kept.code()).isZero();
    assertThat(kept.out()).contains("== 8. the tables", "Try:");
    Path export = demo.resolve("exports").resolve("ibm-1m-pandas");
    CliRun verify =
        run(Map.of(), "--warehouse", demo.toString(), "export", "verify", export.toString());
    assertThat(verify.code()).as(verify.err()).isZero();

    // --keep never adopts a directory the demo did not make: that would load the samples into
    // it and mark it as a demo, and the next plain 'demo' would delete it whole
    Path foreign = Files.createDirectories(dir.resolve("precious"));
    Files.writeString(foreign.resolve("data.txt"), "mine");
    CliRun refused = run(Map.of(), "--warehouse", foreign.toString(), "demo", "--keep");
    assertThat(refused.code()).isEqualTo(ExitCodes.CONFIGURATION);
    assertThat(refused.err()).contains("was not made by 'ticklake demo'");
    assertThat(foreign.resolve(DemoCommand.MARKER)).doesNotExist();
    assertThat(run(Map.of(), "--warehouse", foreign.toString(), "demo").code())
        .isEqualTo(ExitCodes.CONFIGURATION);
    assertThat(foreign.resolve("data.txt")).hasContent("mine");
  }

  @Test
  void ingestManifestAndOrphansFromTheCommandLine() throws Exception {
    assertThat(run("init").code()).isZero();
    Path samples = io.ticklake.bronze.sample.BundledSamples.extractTo(dir.resolve("samples"));
    CliRun first =
        run("ingest", "--vendor", "tardis", "--json", samples.resolve("tardis").toString());
    assertThat(first.err()).isEmpty();
    assertThat(first.code()).isZero();
    assertThat(first.out())
        .contains("\"ingested\" : 2", "\"rows_written\" : 19998", "\"failed\" : 0");

    CliRun again = run("ingest", "--vendor", "tardis", samples.resolve("tardis").toString());
    assertThat(again.code()).isZero();
    assertThat(again.out())
        .contains(": already ingested as file 1", "2 skipped")
        .doesNotContain("skipped: skipped");

    CliRun manifest = run("manifest", "--format", "csv", "--status", "ingested");
    assertThat(manifest.out()).contains("1,ingested,tardis,", "2,ingested,tardis,");

    CliRun orphans = run("orphans", "--older-than", "0");
    assertThat(orphans.code()).isZero();
    assertThat(orphans.out()).contains("0 orphaned files");
    CliRun future = run("orphans", "--older-than", "-3");
    assertThat(future.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(future.err()).contains("give --older-than 0 or more minutes");

    Path bad = Files.writeString(dir.resolve("bad.csv"), "not,a,tardis,header\n1,2,3,4\n");
    CliRun failed = run("ingest", "--vendor", "tardis", bad.toString());
    assertThat(failed.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(failed.out()).contains("failed", "1 failed");
  }

  @Test
  void ingestRejectsUnknownVendorsAndMissingPaths() {
    assertThat(run("init").code()).isZero();
    // a wrong option value is a usage error (exit 2), as for every other option
    for (String v : new String[] {"bloomberg", ""}) {
      CliRun vendor = run("ingest", "--vendor", v, dir.toString());
      assertThat(vendor.code()).as(v).isEqualTo(ExitCodes.USAGE);
      assertThat(vendor.err())
          .as(v)
          .contains(
              "Cannot use --vendor '" + v + "': give lean, tardis or csv (with --mapping FILE)");
    }
    CliRun noMapping = run("ingest", "--vendor", "csv", dir.toString());
    assertThat(noMapping.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(noMapping.err()).contains("Cannot use --vendor csv without --mapping FILE");
    CliRun missing = run("ingest", "--vendor", "lean", dir.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(missing.err())
        .isEqualTo(
            "ticklake: Cannot find " + dir.resolve("nope") + ": no such file or directory\n");
  }

  @Test
  void ingestRefusesAnUnknownExchangeAndBadOptionsBeforeReadingAnything() throws Exception {
    assertThat(run("init").code()).isZero();
    Path samples = io.ticklake.bronze.sample.BundledSamples.extractTo(dir.resolve("samples"));
    String ibm = samples.resolve("lean/equity/usa/tick/ibm/20131011_trade.zip").toString();

    CliRun typo = run("ingest", "--vendor", "lean", "--exchange", "nasdaq-xx", ibm);
    assertThat(typo.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(typo.err())
        .startsWith(
            "ticklake: Cannot ingest with --exchange nasdaq-xx: it is not in ref.exchange (known:")
        .contains("us-equity");
    assertThat(run("manifest", "--format", "csv").out()).doesNotContain("lean");

    CliRun parallel = run("ingest", "--vendor", "lean", "--parallel", "0", ibm);
    assertThat(parallel.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(parallel.err()).contains("Cannot parse 0 files at once: give --parallel 1 or more");
    CliRun mapping =
        run("ingest", "--vendor", "lean", "--mapping", dir.resolve("m.json").toString(), ibm);
    assertThat(mapping.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(mapping.err()).contains("only --vendor csv reads a mapping");

    // the right exchange then ingests the file: nothing of the refused runs is in the way
    CliRun ok = run("ingest", "--vendor", "lean", "--exchange", "us-equity", ibm);
    assertThat(ok.code()).isZero();
    assertThat(ok.out()).contains("1 ingested");
  }

  @Test
  void ingestCsvWhoseMappingGivesNoKnownExchangeIsRefusedBeforeReadingAnything() throws Exception {
    assertThat(run("init").code()).isZero();
    // docs/generic-mapping.md, "headerless CSV in exchange-local time": the mapping has no exchange
    Path csv =
        Files.writeString(
            dir.resolve("ll.csv"), "IBM,2013-10-07 04:00:30.270,1815200,283,P,20002020,0\n");
    String fields =
        "\"symbol\": 1, \"ts_event\": {\"column\": 2, \"unit\": \"iso\", \"time_zone\":"
            + " \"America/New_York\"}, \"price\": {\"column\": 3, \"implied_decimals\": 4},"
            + " \"size\": 4";
    Path noExchange =
        Files.writeString(
            dir.resolve("ll.json"),
            "{\"name\": \"lean-like\", \"data_type\": \"trades\", \"header\": false,"
                + " \"fields\": {"
                + fields
                + "}}");
    CliRun missing =
        run("ingest", "--vendor", "csv", "--mapping", noExchange.toString(), csv.toString());
    assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).contains("ll.json", "exchange", "--exchange");
    assertThat(run("manifest", "--format", "csv").out()).doesNotContain("ll.csv");

    Path unknown =
        Files.writeString(
            dir.resolve("nyse.json"),
            "{\"name\": \"lean-like\", \"data_type\": \"trades\", \"header\": false,"
                + " \"fields\": {\"exchange\": {\"value\": \"nyse\"}, "
                + fields
                + "}}");
    CliRun typo = run("ingest", "--vendor", "csv", "--mapping", unknown.toString(), csv.toString());
    assertThat(typo.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(typo.err()).contains("nyse", "not in ref.exchange", "us-equity");
    assertThat(run("manifest", "--format", "csv").out()).doesNotContain("ll.csv");

    // the refused runs left nothing in the way: with --exchange the file is ingested
    CliRun ok =
        run(
            "ingest",
            "--vendor",
            "csv",
            "--mapping",
            noExchange.toString(),
            "--exchange",
            "us-equity",
            csv.toString());
    assertThat(ok.code()).isZero();
    assertThat(ok.out()).contains("1 ingested", "1 rows written, 0 quarantined");
  }

  private Map<String, String> metadataLocations() {
    Map<String, String> m = new TreeMap<>();
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      for (var c : TableContracts.all()) {
        m.put(
            c.name(),
            ((HasTableOperations) w.catalog().loadTable(c.id()))
                .operations()
                .current()
                .metadataFileLocation());
      }
    }
    return m;
  }

  private static Record trade(Table table, String symbol, String price, long size) {
    GenericRecord r = GenericRecord.create(table.schema());
    r.setField("exchange", "us-equity");
    r.setField("trading_date", LocalDate.of(2013, 10, 7));
    r.setField("symbol", symbol);
    r.setField("ts_event", OffsetDateTime.of(2013, 10, 7, 13, 30, 0, 0, ZoneOffset.UTC));
    r.setField("price", new BigDecimal(price).setScale(9));
    r.setField("size", BigDecimal.valueOf(size).setScale(8));
    r.setField("vendor", "test");
    r.setField("ingested_at", OffsetDateTime.now(ZoneOffset.UTC));
    return r;
  }

  private static long append(Table table, Record... rows) {
    try (PartitionedRecordWriter w = new PartitionedRecordWriter(table)) {
      w.writeAll(List.of(rows));
      var append = table.newAppend();
      w.complete().forEach(append::appendFile);
      append.commit();
    }
    table.refresh();
    return table.currentSnapshot().snapshotId();
  }
}
