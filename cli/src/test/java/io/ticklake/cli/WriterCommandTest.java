package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.live.EventLineParser;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.snapshot.AsOf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ticklake simulate} and {@code ticklake writer} in-process. */
class WriterCommandTest {
  @TempDir Path dir;

  CliRun run(String... args) {
    return CliRun.in(dir.resolve("wh"), args);
  }

  long count(String sql) throws Exception {
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")));
        DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
      bridge.registerAll(w.catalog(), AsOf.latest());
      try (Statement s = bridge.connection().createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void aRunningWriterPrintsAStatusLineWhileItsInputStaysOpen() throws Exception {
    // a feed that stays open: the writer used to print nothing between "ready" and "stopped"
    assertThat(run("init").code()).isZero();
    Path fifo = dir.resolve("feed.fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Thread feed =
        new Thread(
            () -> {
              try (var out = Files.newBufferedWriter(fifo, StandardCharsets.UTF_8)) {
                out.write(
                    "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
                        + "\"ts\":1582329602111000,\"price\":1,\"size\":1,\"seq\":1}\n");
                out.flush();
                Thread.sleep(1_500);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    feed.start();
    CliRun r =
        run(
            "writer",
            "--writer-id",
            "s1",
            "--input",
            fifo.toString(),
            "--status-interval",
            "300ms",
            "--flush-interval",
            "200ms");
    feed.join();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("writer s1: running; read 1 trades, 0 quotes, 0 skipped, 0 bad lines;")
        .contains("committed 1 trade and 0 quote rows")
        .contains("writer s1: stopped");
    // the status line stops with the writer: the summary is the last line
    assertThat(r.err().strip().lines().reduce((a, b) -> b)).get().asString().contains("stopped");
    assertThat(r.err().lines().filter(l -> l.contains("running;")).count()).isBetween(2L, 8L);
  }

  @Test
  void twoSimulatedStreamsShareNoTradeIds() throws Exception {
    // both used to number their trades from 1,000,000: Silver then quarantined the second
    // stream's trades as conflicting_duplicate
    java.util.function.Function<CliRun, java.util.Set<String>> ids =
        r ->
            r.out()
                .lines()
                .filter(l -> l.contains("\"type\":\"trade\""))
                .map(l -> l.replaceAll(".*\"id\":\"?(\\d+).*", "$1"))
                .collect(java.util.stream.Collectors.toSet());
    java.util.Set<String> seed3 =
        ids.apply(run("simulate", "--rate", "500", "--duration", "4s", "--seed", "3"));
    java.util.Set<String> seed4 =
        ids.apply(run("simulate", "--rate", "500", "--duration", "4s", "--seed", "4"));
    java.util.Set<String> later =
        ids.apply(
            run(
                "simulate",
                "--rate",
                "500",
                "--duration",
                "4s",
                "--seed",
                "3",
                "--start",
                "2020-02-22T01:00:00Z"));
    assertThat(seed3).hasSizeGreaterThan(100).doesNotContainAnyElementsOf(seed4);
    assertThat(later).hasSizeGreaterThan(100).doesNotContainAnyElementsOf(seed3);
  }

  @Test
  void simulateIsDeterministicAndCleanByDefault() throws Exception {
    CliRun a = run("simulate", "--rate", "500", "--duration", "4s", "--seed", "3");
    CliRun b = run("simulate", "--rate", "500", "--duration", "4s", "--seed", "3");
    assertThat(a.code()).isZero();
    assertThat(a.out()).isEqualTo(b.out());
    assertThat(run("simulate", "--rate", "500", "--duration", "4s", "--seed", "4").out())
        .isNotEqualTo(a.out());
    List<String> lines = a.out().lines().toList();
    assertThat(lines).hasSizeGreaterThan(1000);
    EventLineParser parser = new EventLineParser(EventLineParser.Format.JSONL);
    long prev = 0;
    boolean oneSided = false;
    for (String line : lines) {
      Object e = parser.parse(line, 1);
      long seq =
          e instanceof io.ticklake.bronze.read.TradeRow t
              ? t.vendorSeq()
              : ((io.ticklake.bronze.read.QuoteRow) e).vendorSeq();
      assertThat(seq).isEqualTo(prev + 1);
      prev = seq;
      oneSided |=
          e instanceof io.ticklake.bronze.read.QuoteRow q
              && (q.bidPrice() == null || q.askPrice() == null);
    }
    assertThat(oneSided).isTrue();
  }

  @Test
  void simulateRateIsTheMeanNumberOfEventsPerSecondBurstsIncluded() {
    // --help and the README: --rate is the mean events per simulated second; the bursts used to
    // come on top of it (about 22 % more events than asked for)
    for (String seed : List.of("1", "2", "3")) {
      CliRun r = run("simulate", "--rate", "1000", "--duration", "60s", "--seed", seed);
      assertThat(r.code()).isZero();
      assertThat(r.out().lines().count()).as("seed " + seed).isBetween(57_000L, 63_000L);
    }
  }

  @Test
  void nanosecondEventTimesReachBronzeAndSilverWithTheirNanoseconds() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = dir.resolve("ns.jsonl");
    Files.writeString(
        in,
        "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
            + "\"ts\":\"2020-02-22T00:00:02.111222333Z\",\"price\":\"9682.00\","
            + "\"size\":\"0.132\",\"id\":\"1\",\"seq\":1}\n"
            + "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
            + "\"ts\":\"2020-02-22T00:00:02.111222001Z\",\"price\":\"9682.50\","
            + "\"size\":\"0.132\",\"id\":\"2\",\"seq\":2}\n",
        StandardCharsets.UTF_8);
    CliRun r = run("writer", "--writer-id", "ns", "--input", in.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(count("select count(*) from ops.quarantine")).isZero();
    assertThat(
            count(
                "select count(*) from bronze.trades where ts_event_ns = 1582329602111222333 and"
                    + " epoch_us(ts_event) = 1582329602111222"))
        .isEqualTo(1);
    assertThat(run("compact").code()).isZero();
    // one microsecond, two events: Silver orders them by their nanoseconds
    assertThat(
            count(
                "select count(*) from (select vendor_trade_id, row_number() over () n from"
                    + " silver.trades) where (n = 1 and vendor_trade_id = '2') or (n = 2 and"
                    + " vendor_trade_id = '1')"))
        .isEqualTo(2);
  }

  @Test
  void tardisEventsThroughTheWriterGiveTheSilverContentOfTheirFiles() throws Exception {
    // The bundled Tardis day as a feed handler would send it: trade ids as the JSON numbers
    // exchanges and Tardis give (Binance's "t", Tardis' id column), epoch-µs times, no seq. Every
    // trade was a bad line ("Cannot read id: not a string"); the quotes already matched.
    Path samples = io.ticklake.bronze.sample.BundledSamples.extractTo(dir.resolve("samples"));
    Path trades = samples.resolve("tardis/tardis_trades.csv");
    Path quotes = samples.resolve("tardis/tardis_quotes.csv");
    StringBuilder feed = new StringBuilder();
    List<String> t = Files.readAllLines(trades, StandardCharsets.UTF_8);
    for (String line : t.subList(1, t.size())) {
      String[] f =
          line.split(",", -1); // exchange,symbol,timestamp,local_timestamp,id,side,price,amount
      feed.append(
          String.format(
              "{\"type\":\"trade\",\"exchange\":\"%s\",\"symbol\":\"%s\",\"ts\":%s,"
                  + "\"price\":\"%s\",\"size\":\"%s\",\"side\":\"%s\",\"id\":%s}%n",
              f[0], f[1], f[2], f[6], f[7], f[5], f[4]));
    }
    List<String> q = Files.readAllLines(quotes, StandardCharsets.UTF_8);
    for (String line : q.subList(1, q.size())) {
      // exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount
      String[] f = line.split(",", -1);
      feed.append(
          String.format(
              "{\"type\":\"quote\",\"exchange\":\"%s\",\"symbol\":\"%s\",\"ts\":%s,"
                  + "\"bid_price\":%s,\"bid_size\":%s,\"ask_price\":%s,\"ask_size\":%s}%n",
              f[0], f[1], f[2], f[6], f[7], f[5], f[4]));
    }
    Path in = dir.resolve("tardis.jsonl");
    Files.writeString(in, feed, StandardCharsets.UTF_8);

    assertThat(run("init").code()).isZero();
    CliRun w = run("writer", "--writer-id", "tardis-feed", "--input", in.toString());
    assertThat(w.code()).as(w.err()).isZero();
    assertThat(w.err()).contains("0 bad lines quarantined");
    CliRun live = run("compact");
    assertThat(live.code()).as(live.err()).isZero();

    Path files = dir.resolve("files-wh");
    assertThat(CliRun.in(files, "init").code()).isZero();
    assertThat(
            CliRun.in(files, "ingest", "--vendor", "tardis", trades.toString(), quotes.toString())
                .code())
        .isZero();
    CliRun fromFiles = CliRun.in(files, "compact");
    assertThat(fromFiles.code()).as(fromFiles.err()).isZero();

    // the same events, one partition per table: the same counts and the same digest
    assertThat(partitionLines(live.out()))
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).contains("9,999 in, 0 duplicates, 0 quarantined"))
        .isEqualTo(partitionLines(fromFiles.out()));
    assertThat(count("select count(*) from silver.trades where vendor_trade_id = '42377944'"))
        .isEqualTo(1);
  }

  /** The compact output's per-partition lines without their snapshot ids and times. */
  private static List<String> partitionLines(String out) {
    return out.lines()
        .filter(l -> l.startsWith("silver."))
        .map(
            l ->
                l.replaceAll(" out in [0-9.]+ s", " out")
                    .replaceAll("\\(Bronze snapshot [0-9]+, Silver snapshot [0-9]+, ", "("))
        .sorted()
        .toList();
  }

  @Test
  void writerCommitsGoodLinesAndQuarantinesBadOnes() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = dir.resolve("in.jsonl");
    Path acks = dir.resolve("acks.log");
    Files.writeString(
        in,
        String.join(
            "\n",
            "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
                + "\"ts\":\"2020-02-22T00:00:02.111Z\",\"price\":\"9682.00\",\"size\":\"0.132\","
                + "\"side\":\"buy\",\"id\":\"1\",\"seq\":1}",
            "not json at all",
            "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"ts\":1,\"price\":1,\"size\":1,"
                + "\"seq\":3}",
            "{\"type\":\"quote\",\"exchange\":\"binance-futures\",\"symbol\":\"ETHUSDT\","
                + "\"ts\":1582329602111000,\"bid_price\":250.5,\"bid_size\":\"3\",\"seq\":4}",
            ""),
        StandardCharsets.UTF_8);
    CliRun r =
        run("writer", "--writer-id", "t1", "--input", in.toString(), "--ack-log", acks.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("writer t1: stopped", "2 bad lines quarantined");
    assertThat(Files.readAllLines(acks)).last().isEqualTo("ack 4");
    assertThat(count("select count(*) from bronze.trades where writer_id = 't1'")).isEqualTo(1);
    assertThat(count("select count(*) from bronze.quotes where bid_price = 250.5")).isEqualTo(1);
    assertThat(
            count(
                "select count(*) from ops.quarantine where stage = 'writer' and rule ="
                    + " 'parse_error' and (raw_line = 'not json at all' or message like"
                    + " '%Cannot read symbol: missing')"))
        .isEqualTo(2);

    // resending the same input commits nothing twice
    CliRun again = run("writer", "--writer-id", "t1", "--input", in.toString());
    assertThat(again.code()).isZero();
    // seq 1, 4 and the bad seq 3 (quarantined the first time) skipped; the line without a seq is
    // quarantined again
    assertThat(again.err())
        .contains("resume after seq trades=1 quotes=4", "3 skipped", "1 bad lines quarantined");
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(1);
    assertThat(count("select count(*) from bronze.quotes")).isEqualTo(1);
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void eventTimesBeyondTheYears1To9999AreBadLinesNotAFlushThatFailsForever() throws Exception {
    // such a time has no trading date Bronze can hold: once in the WAL, every flush failed
    // ("long overflow", or DuckDB on DATE '+10000-01-01'), the writer never exited, not even on
    // SIGTERM, and a restart with the same id failed replaying it (exit 1)
    assertThat(run("init").code()).isZero();
    Path in = dir.resolve("far.jsonl");
    String trade =
        "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
            + "\"ts\":%s,\"price\":\"1\",\"size\":\"1\",\"seq\":%d}";
    Files.writeString(
        in,
        String.join(
            "\n",
            String.format(trade, "9223372036854775807", 1),
            String.format(trade, "\"+10000-01-01T00:00:00Z\"", 2),
            String.format(trade, "\"-0001-06-01T00:00:00Z\"", 3),
            String.format(trade, "\"9999-12-31T23:59:59.999999Z\"", 4),
            String.format(trade, "\"0001-01-01T00:00:00Z\"", 5),
            ""),
        StandardCharsets.UTF_8);
    CliRun r = run("writer", "--writer-id", "far", "--input", in.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain("flush failed").contains("3 bad lines quarantined");
    assertThat(count("select count(*) from bronze.trades where writer_id = 'far'")).isEqualTo(2);
    assertThat(
            count(
                "select count(*) from ops.quarantine where writer_id = 'far' and rule ="
                    + " 'parse_error' and field = 'ts' and message like '%outside the years"
                    + " 1..9999'"))
        .isEqualTo(3);
  }

  @Test
  void aFreshWriterKeepsAnEventNumberedZero() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = dir.resolve("zero.jsonl");
    Files.writeString(
        in,
        "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
            + "\"ts\":\"2020-02-22T00:00:02.111Z\",\"price\":\"9682.00\",\"size\":\"0.132\","
            + "\"side\":\"buy\",\"id\":\"1\",\"seq\":0}\n",
        StandardCharsets.UTF_8);
    CliRun r = run("writer", "--writer-id", "z1", "--input", in.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("resume after seq trades=none quotes=none");
    assertThat(count("select count(*) from bronze.trades where writer_id = 'z1'")).isEqualTo(1);
    // a resend of seq 0 is then skipped
    CliRun again = run("writer", "--writer-id", "z1", "--input", in.toString());
    assertThat(again.err()).contains("resume after seq trades=0 quotes=none", "1 skipped");
    assertThat(count("select count(*) from bronze.trades where writer_id = 'z1'")).isEqualTo(1);
  }

  @Test
  void badOptionsAreUsageErrors() {
    CliRun r = run("writer", "--format", "xml");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--format");
    CliRun d = run("simulate", "--duration", "soon");
    assertThat(d.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(d.err()).startsWith("ticklake: Cannot use --duration 'soon': ");
  }

  static final String QUOTE =
      "{\"type\":\"quote\",\"exchange\":\"binance-futures\",\"symbol\":\"ETHUSDT\","
          + "\"ts\":1582329602111000,\"bid_price\":250.5,\"bid_size\":\"3\",\"seq\":%d}";
  static final String TRADE =
      "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
          + "\"ts\":\"2020-02-22T00:00:02.111Z\",\"price\":\"9682.00\",\"size\":\"0.132\","
          + "\"seq\":%d}";

  long quarantined(String sourceTable) throws Exception {
    return count(
        "select count(*) from ops.quarantine where stage = 'writer' and rule = 'parse_error'"
            + " and source_table = '"
            + sourceTable
            + "'");
  }

  @Test
  void aByteOrderMarkIsSkippedAndInvalidUtf8IsABadLineNotAReplacementCharacter() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = dir.resolve("in.jsonl");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    bytes.write((String.format(TRADE, 1) + "\n").getBytes(StandardCharsets.UTF_8));
    // a symbol holding the byte 0xFF: not UTF-8, so not an event (ingest rejects it too)
    bytes.write(
        (String.format(TRADE, 2).replace("BTCUSDT", "BTC\u00ffUSDT") + "\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    Files.write(in, bytes.toByteArray());
    CliRun r = run("writer", "--writer-id", "u1", "--input", in.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(count("select count(*) from bronze.trades where writer_id = 'u1'")).isEqualTo(1);
    assertThat(count("select count(*) from bronze.trades where symbol like '%\ufffd%'")).isZero();
    assertThat(
            count(
                "select count(*) from ops.quarantine where writer_id = 'u1'"
                    + " and message like 'line 2:%UTF-8%'"))
        .isEqualTo(1);
  }

  @Test
  void aHugeLineIsOneBadLineReadInBoundedMemory() throws Exception {
    // a line of a few hundred MB (binary input, a runaway producer) ended the writer with
    // OutOfMemoryError in BufferedReader.readLine; lines above 1 MiB are now bad lines
    assertThat(run("init").code()).isZero();
    Path in = dir.resolve("in.jsonl");
    String huge = "{\"type\":\"trade\",\"x\":\"" + "a".repeat(3 << 20) + "\"}";
    Files.writeString(
        in, String.join("\n", String.format(TRADE, 1), huge, String.format(TRADE, 3), ""));
    CliRun r = run("writer", "--writer-id", "h1", "--input", in.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(count("select count(*) from bronze.trades where writer_id = 'h1'")).isEqualTo(2);
    assertThat(
            count(
                "select count(*) from ops.quarantine where writer_id = 'h1' and message = 'line 2:"
                    + " Cannot read the line: longer than 1048576 characters (3145751)'"
                    + " and length(raw_line) <= 4096"))
        .isEqualTo(1);
  }

  @Test
  void badLinesAreQuarantinedUnderTheTableTheirTypeNames() throws Exception {
    assertThat(run("init").code()).isZero();
    String quote = String.format(QUOTE, 1);
    Path in = dir.resolve("in.jsonl");
    Files.writeString(
        in,
        String.join(
            "\n",
            quote.replace("\"symbol\":\"ETHUSDT\",", ""), // a quote without symbol
            quote.replace("1582329602111000", "true"), // a quote with a mistyped ts
            quote.substring(0, 60), // a quote cut off: its type is still readable
            String.format(TRADE, 4).replace("9682.00", "x"), // a trade with a bad price
            "not json at all", // no type: the documented default, bronze.trades
            "{\"type\":\"level2\",\"seq\":6}", // an unknown type: the default too
            ""),
        StandardCharsets.UTF_8);
    CliRun r = run("writer", "--writer-id", "q1", "--input", in.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("6 bad lines quarantined");
    assertThat(quarantined("bronze.quotes")).isEqualTo(3);
    assertThat(quarantined("bronze.trades")).isEqualTo(3);
  }

  @Test
  void resentBadLinesAtOrBelowTheResumePointAreSkippedLikeGoodOnes() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = dir.resolve("in.jsonl");
    List<String> first =
        List.of(
            String.format(TRADE, 1),
            String.format(QUOTE, 2).replace("1582329602111000", "true"), // bad, seq readable
            String.format(QUOTE, 3),
            "not json at all", // bad, no seq
            "{\"type\":\"level2\",\"seq\":4}", // bad, no table, seq readable
            String.format(TRADE, 5).replace("9682.00", "x"), // bad, seq readable
            String.format(TRADE, 6).replace(",\"seq\":6}", ",\"seq\":6"), // cut: seq unreadable
            String.format(TRADE, 7),
            String.format(QUOTE, 8));
    Files.write(in, first, StandardCharsets.UTF_8);
    CliRun r = run("writer", "--writer-id", "r1", "--input", in.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("0 skipped", "5 bad lines quarantined");
    assertThat(quarantined("bronze.trades") + quarantined("bronze.quotes")).isEqualTo(5);

    // the feed resends everything plus a new bad line above the resume point
    List<String> again = new java.util.ArrayList<>(first);
    again.add(String.format(TRADE, 9).replace("9682.00", "y"));
    Files.write(in, again, StandardCharsets.UTF_8);
    CliRun resend = run("writer", "--writer-id", "r1", "--input", in.toString());
    assertThat(resend.code()).as(resend.err()).isZero();
    assertThat(resend.err())
        .contains("resume after seq trades=7 quotes=8")
        // seq 1-5, 7 and 8 skipped; the two lines without a readable seq and seq 9 quarantined
        .contains("7 skipped (already committed), 3 bad lines quarantined");
    assertThat(quarantined("bronze.trades") + quarantined("bronze.quotes")).isEqualTo(8);
    assertThat(count("select count(*) from bronze.trades")).isEqualTo(2);
    assertThat(count("select count(*) from bronze.quotes")).isEqualTo(2);
  }

  @Test
  void resentBadLinesAboveTheResumePointAreNotQuarantinedASecondTime() throws Exception {
    // bad lines are never acknowledged (they are not in the WAL) and do not move the resume point,
    // so a feed resending from its last ack sent them again after a restart and each got a second
    // quarantine row: the same writer id and line twice in `ticklake quarantine` and its counts
    assertThat(run("init").code()).isZero();
    Path in = dir.resolve("in.jsonl");
    Path acks = dir.resolve("acks.log");
    List<String> first =
        List.of(
            String.format(TRADE, 1),
            String.format(QUOTE, 2),
            String.format(QUOTE, 3).replace("1582329602111000", "true"), // bad quote above quotes=2
            String.format(TRADE, 4),
            String.format(TRADE, 5).replace("9682.00", "x"), // bad trade above trades=4
            "{\"type\":\"level2\",\"seq\":6}"); // bad, no table, above both
    Files.write(in, first, StandardCharsets.UTF_8);
    CliRun r =
        run("writer", "--writer-id", "b1", "--input", in.toString(), "--ack-log", acks.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("3 bad lines quarantined");
    assertThat(Files.readAllLines(acks)).last().isEqualTo("ack 4");
    String rows = "select count(*) from ops.quarantine where writer_id = 'b1'";
    assertThat(count(rows)).isEqualTo(3);

    // the feed resends after its last ack (seq 5 and 6), then a new good and a new bad line
    List<String> resend =
        List.of(
            first.get(4),
            first.get(5),
            String.format(QUOTE, 7),
            String.format(TRADE, 8).replace("9682.00", "y"));
    Files.write(in, resend, StandardCharsets.UTF_8);
    CliRun again = run("writer", "--writer-id", "b1", "--input", in.toString());
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.err())
        .contains("resume after seq trades=4 quotes=2")
        .contains("1 quotes appended, 2 skipped (already committed), 1 bad lines quarantined");
    assertThat(count(rows)).isEqualTo(4);
    assertThat(
            count(
                "select count(*) from (select raw_line from ops.quarantine where writer_id = 'b1'"
                    + " group by raw_line having count(*) > 1)"))
        .isZero();

    // and the whole input once more, after a restart: nothing new anywhere
    List<String> all = new java.util.ArrayList<>(first);
    all.addAll(resend.subList(2, 4));
    Files.write(in, all, StandardCharsets.UTF_8);
    CliRun third = run("writer", "--writer-id", "b1", "--input", in.toString());
    assertThat(third.code()).as(third.err()).isZero();
    assertThat(third.err()).contains("8 skipped (already committed), 0 bad lines quarantined");
    assertThat(count(rows)).isEqualTo(4);
    assertThat(count("select count(*) from bronze.quotes where writer_id = 'b1'")).isEqualTo(2);
  }

  @Test
  void badWriterOptionsAndInputsAreUsageErrorsBeforeAnythingIsCreated() throws Exception {
    assertThat(run("init").code()).isZero();
    Path wal = dir.resolve("wh").resolve("wal");
    String missing = dir.resolve("none.jsonl").toString();
    String[][] cases = {
      {"--input", missing},
      {"--input", dir.toString()},
      {"--writer-id", "../../evil"},
      {"--writer-id", ".."},
      {"--flush-interval", "5"},
      {"--flush-interval", "0s"},
      {"--flush-events", "0"},
      {"--batch", "0"},
      {"--ack-log", dir.resolve("no/such/dir/acks.log").toString()},
    };
    String[] expected = {
      "Cannot read --input " + missing + ": no such file",
      "Cannot read --input " + dir + ": it is a directory",
      "Cannot use --writer-id '../../evil': ",
      "Cannot use --writer-id '..': ",
      "Cannot use --flush-interval '5': give a positive duration with a unit",
      "Cannot use --flush-interval '0s': ",
      "Cannot use --flush-events 0: ",
      "Cannot use --batch 0: ",
      "Cannot write --ack-log ",
    };
    for (int i = 0; i < cases.length; i++) {
      String[] args = new String[cases[i].length + 1];
      args[0] = "writer";
      System.arraycopy(cases[i], 0, args, 1, cases[i].length);
      CliRun r = run(args);
      assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).startsWith("ticklake: " + expected[i]).doesNotContain("ready");
      assertThat(r.err().lines().findFirst().orElseThrow()).doesNotContain("internal error");
      assertThat(wal).as(r.err()).doesNotExist();
      assertThat(dir.resolve("evil")).doesNotExist();
    }
  }

  @Test
  void badSimulateOptionsAreUsageErrors() {
    String[][] cases = {
      {"--rate", "0"},
      {"--rate", "-5"},
      {"--symbols", ""},
      {"--symbols", "BTCUSDT,,ETHUSDT"},
      {"--exchange", " "},
      {"--symbols", "BTC\"USDT"},
      {"--exchange", "bin\\ance"},
      {"--invalid", "1.5"},
      {"--duration", "10"},
      {"--start", "2020-02-22"},
      {"--start", "yesterday"},
    };
    for (String[] c : cases) {
      CliRun r = run("simulate", c[0], c[1]);
      assertThat(r.code()).as(String.join(" ", c)).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).startsWith("ticklake: Cannot use " + c[0] + " ");
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void durationsTakeAUnitOrIso8601() {
    assertThat(WriterCommand.duration("500ms")).isEqualTo(java.time.Duration.ofMillis(500));
    assertThat(WriterCommand.duration("5s")).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(WriterCommand.duration("2m")).isEqualTo(java.time.Duration.ofMinutes(2));
    assertThat(WriterCommand.duration("PT2S")).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(WriterCommand.duration("pt1m")).isEqualTo(java.time.Duration.ofMinutes(1));
    for (String bad : new String[] {"5", "0s", "-1s", "PT0S", "soon", ""}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> WriterCommand.duration(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  // a live writer restarted after routine `ticklake expire` took the Bronze snapshots holding
  // its watermark: its resume point must survive, and a resend must not double Bronze

  private static String binanceTrade(int seq, String writerTag) {
    return "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
        + "\"ts\":\"2020-02-22T00:00:0"
        + seq
        + ".111Z\",\"price\":\"9682.00\",\"size\":\"0.132\",\"side\":\"buy\",\"seq\":"
        + seq
        + "}";
  }

  @Test
  void eventTimesThatLookLikeMillisecondsAreKeptWithOneWarning() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = dir.resolve("ms.jsonl");
    // epoch milliseconds where microseconds are meant: 2020-02-22 becomes 1970-01-19
    StringBuilder feed = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      feed.append(
              "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
                  + "\"ts\":158232960211"
                  + i
                  + ",\"price\":\"9682.00\",\"size\":\"1\",\"id\":\"t"
                  + i
                  + "\"}")
          .append('\n');
    }
    Files.writeString(in, feed, StandardCharsets.UTF_8);
    CliRun r = run("writer", "--writer-id", "ms", "--input", in.toString());
    assertThat(r.code()).as(r.err()).isZero();
    // kept as given (the feed's format says microseconds), but the operator is told once
    assertThat(count("select count(*) from bronze.trades where writer_id = 'ms'")).isEqualTo(3);
    assertThat(r.err().lines().filter(l -> l.contains("warning")).toList())
        .singleElement()
        .asString()
        .contains("1970-01-19T07:32:09.602110Z")
        .contains("epoch microseconds")
        .contains("milliseconds");
    // a feed of today's times gets no warning
    CliRun ok = run("writer", "--writer-id", "ok", "--input", writeFeed(binanceTrade(1, "x")));
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.err()).doesNotContain("warning");
  }

  private String writeFeed(String lines) throws java.io.IOException {
    return Files.writeString(dir.resolve("feed-" + System.nanoTime() + ".jsonl"), lines + "\n")
        .toString();
  }

  @Test
  void expiringBronzeDoesNotMakeARestartedWriterCommitItsWalAgain() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = dir.resolve("in.jsonl");
    // a feed without trade ids or sequence numbers: identical prints are told apart by position
    String line =
        "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
            + "\"ts\":\"2020-02-22T00:00:02.111Z\",\"price\":\"9682.00\",\"size\":\"1\"}";
    Files.writeString(in, line + "\n" + line + "\n", StandardCharsets.UTF_8);
    assertThat(run("writer", "--writer-id", "w1", "--input", in.toString()).code()).isZero();
    Path other = dir.resolve("other.jsonl");
    Files.writeString(other, binanceTrade(7, "b") + "\n", StandardCharsets.UTF_8);
    assertThat(run("writer", "--writer-id", "w2", "--input", other.toString()).code()).isZero();
    assertThat(run("expire", "--older-than", "1ms").code()).isZero();

    // w1 restarts with nothing new to send
    Path none = Files.writeString(dir.resolve("none.jsonl"), "", StandardCharsets.UTF_8);
    assertThat(run("writer", "--writer-id", "w1", "--input", none.toString()).code()).isZero();
    assertThat(run("compact", "--table", "trades").code()).isZero();
    assertThat(count("select count(*) from silver.trades where writer_id = 'w1'")).isEqualTo(2);
  }

  @Test
  void expiringBronzeKeepsAWritersResumePoint() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = dir.resolve("in.jsonl");
    Files.writeString(
        in,
        binanceTrade(1, "a") + "\n" + binanceTrade(2, "a") + "\n" + binanceTrade(3, "a") + "\n",
        StandardCharsets.UTF_8);
    CliRun first = run("writer", "--writer-id", "w1", "--input", in.toString());
    assertThat(first.code()).as(first.err()).isZero();
    // another writer flushes after it (so w1's commit is not the last Bronze snapshot)
    Path other = dir.resolve("other.jsonl");
    Files.writeString(other, binanceTrade(7, "b") + "\n", StandardCharsets.UTF_8);
    assertThat(run("writer", "--writer-id", "w2", "--input", other.toString()).code()).isZero();
    assertThat(count("select count(*) from bronze.trades where writer_id = 'w1'")).isEqualTo(3);

    // routine maintenance, a week later (here: at once)
    CliRun expire = run("expire", "--older-than", "1ms");
    assertThat(expire.code()).as(expire.err()).isZero();

    // w1 restarts, its feed handler resends from the last ack it has
    CliRun again = run("writer", "--writer-id", "w1", "--input", in.toString());
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.err()).as(again.err()).contains("resume after seq trades=3 ");
    assertThat(count("select count(*) from bronze.trades where writer_id = 'w1'")).isEqualTo(3);
  }
}
