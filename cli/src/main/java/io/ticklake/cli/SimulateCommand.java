package io.ticklake.cli;

import io.ticklake.catalog.TicklakeException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ticklake simulate}: a deterministic stream of trades and quotes in the writer's JSONL. */
@Command(
    name = "simulate",
    header = "Print a deterministic stream of trades and quotes for 'ticklake writer'.",
    mixinStandardHelpOptions = true,
    description = {
      "Print a deterministic stream of trades and quotes as JSONL for 'ticklake writer':",
      "random-walk prices on a tick grid, bursts of activity, occasional one-sided quotes.",
      "Event times are simulated (starting at --start), so the same --seed gives the same bytes.",
      "Every event carries a seq unique and increasing within the stream; a re-delivered",
      "duplicate repeats its original's seq. With every probability at 0 the stream is clean."
    })
final class SimulateCommand implements Callable<Integer> {
  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  @Option(
      names = "--symbols",
      defaultValue = "BTCUSDT,ETHUSDT",
      split = ",",
      paramLabel = "SYMBOLS",
      description = "Comma-separated symbols (default: ${DEFAULT-VALUE}).")
  List<String> symbols;

  @Option(
      names = "--exchange",
      defaultValue = "binance-futures",
      paramLabel = "EXCHANGE",
      description = "Exchange of every event (default: ${DEFAULT-VALUE}).")
  String exchange;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      paramLabel = "EVENTS_PER_S",
      description = "Mean events per simulated second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--duration",
      defaultValue = "10s",
      paramLabel = "DURATION",
      description = "Simulated time span, e.g. 10s, 2m (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--start",
      defaultValue = "2020-02-22T00:00:00Z",
      paramLabel = "INSTANT",
      description = "Time of the first event (default: ${DEFAULT-VALUE}).")
  String startText;

  /** The parsed {@code --start}. */
  Instant start;

  @Option(
      names = "--duplicates",
      defaultValue = "0",
      paramLabel = "P",
      description = "Probability that an event is re-delivered later (same seq).")
  double duplicates;

  @Option(
      names = "--out-of-order",
      defaultValue = "0",
      paramLabel = "P",
      description =
          "Probability that an event's time lies before its predecessor's (by up to 5 ms).")
  double outOfOrder;

  @Option(
      names = "--late",
      defaultValue = "0",
      paramLabel = "P",
      description = "Probability that an event's time lies 1-60 s in the past.")
  double late;

  @Option(
      names = "--invalid",
      defaultValue = "0",
      paramLabel = "P",
      description = "Probability that a line is malformed (bad JSON, missing or mistyped field).")
  double invalid;

  @Override
  public Integer call() {
    String[] names = {"--duplicates", "--out-of-order", "--late", "--invalid"};
    double[] values = {duplicates, outOfOrder, late, invalid};
    for (int i = 0; i < names.length; i++) {
      if (!(values[i] >= 0 && values[i] <= 1)) {
        throw usage("Cannot use %s %s: give a probability from 0 to 1", names[i], values[i]);
      }
    }
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw usage("Cannot use --rate %s: give a number of events per second above 0", rate);
    }
    // --symbols '' gives one empty symbol, 'A,,B' an empty one in the middle
    if (symbols.isEmpty() || symbols.stream().anyMatch(String::isBlank)) {
      throw usage(
          "Cannot use --symbols '%s': give comma-separated, non-empty symbols, e.g."
              + " BTCUSDT,ETHUSDT",
          String.join(",", symbols));
    }
    if (exchange.isBlank()) {
      throw usage("Cannot use --exchange '%s': give an exchange, e.g. binance-futures", exchange);
    }
    // the lines are JSON written by hand: a quote, backslash or control character would break them
    if (symbols.stream().anyMatch(SimulateCommand::notPlain)) {
      throw usage(
          "Cannot use --symbols '%s': a symbol may not hold quotes, backslashes or control"
              + " characters",
          String.join(",", symbols));
    }
    if (notPlain(exchange)) {
      throw usage(
          "Cannot use --exchange '%s': it may not hold quotes, backslashes or control characters",
          exchange);
    }
    try {
      start = Instant.parse(startText.trim());
    } catch (java.time.format.DateTimeParseException e) {
      throw usage(
          "Cannot use --start '%s': give an ISO-8601 time with a zone, e.g. 2020-02-22T00:00:00Z",
          startText);
    }
    Duration span = WriterCommand.durationOption(spec, "--duration", duration);
    PrintWriter out = root.context().out();
    long[] printed = {0};
    try {
      generate(
          span,
          line -> {
            out.println(line);
            // Java's print streams swallow a broken pipe: ask now and then whether the reader
            // (the writer, `head`) is still there, or a long --duration prints into nothing
            if (++printed[0] % CHECK_EVERY_LINES == 0 && out.checkError()) {
              throw new OutputClosed();
            }
          });
    } catch (OutputClosed e) {
      // reported below
    }
    if (out.checkError()) {
      throw TicklakeException.of(
          TicklakeException.Kind.FAILURE,
          "Cannot print the stream: standard output was closed (its reader exited) after %,d"
              + " lines; the stream stopped there",
          printed[0]);
    }
    return ExitCodes.OK;
  }

  /** Lines between two checks that standard output still has a reader. */
  private static final int CHECK_EVERY_LINES = 1024;

  /** Standard output lost its reader: generating more is pointless. */
  private static final class OutputClosed extends RuntimeException {
    OutputClosed() {
      super(null, null, false, false);
    }
  }

  private static boolean notPlain(String name) {
    return name.chars().anyMatch(c -> c == '"' || c == '\\' || c < 0x20);
  }

  private CommandLine.ParameterException usage(String format, Object... args) {
    return new CommandLine.ParameterException(
        spec.commandLine(), String.format(Locale.ROOT, format, args));
  }

  private static final double BURST_CHANCE = 0.002;

  /** Mean length of a burst: 20 + a uniform 0..199. */
  private static final double BURST_MEAN_EVENTS = 20 + 199 / 2.0;

  /**
   * The first trade id of the stream of {@code seed} and {@code start}: one of a million blocks of
   * 10^9 ids (a stream holds far fewer trades), so streams of other seeds or starts do not share
   * trade ids but for a one-in-a-million coincidence.
   */
  static long streamTradeIdBase(long seed, Instant start) {
    long block = Math.floorMod(seed * 1_000_003L + start.getEpochSecond(), 1_000_000L);
    return 1_000_000_000L * (block + 1);
  }

  /** Emits the stream's lines, deterministic in the options. */
  void generate(Duration span, Consumer<String> lines) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = symbols.size();
    BigDecimal[] mid = new BigDecimal[n];
    BigDecimal[] tick = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      // plausible levels: the first symbol near 9,600 with 0.1 ticks, the others lower and finer
      tick[i] = i == 0 ? new BigDecimal("0.10") : new BigDecimal("0.01");
      mid[i] = new BigDecimal(i == 0 ? "9600.00" : Integer.toString(250 / i)).setScale(2);
    }
    long startMicros = start.getEpochSecond() * 1_000_000L + start.getNano() / 1000;
    long endMicros = startMicros + span.toNanos() / 1000;
    // --rate is the mean over the whole stream, bursts included: a burst starts at a plain event
    // with probability BURST_CHANCE and holds BURST_MEAN_EVENTS events at a 20th of the gap, so
    // per start check the stream gives (1 - p) + p * L events in (1 - p) + p * L / 20 gaps
    double eventsPerCheck = (1 - BURST_CHANCE) + BURST_CHANCE * BURST_MEAN_EVENTS;
    double gapsPerCheck = (1 - BURST_CHANCE) + BURST_CHANCE * BURST_MEAN_EVENTS / 20;
    double meanGap = 1_000_000.0 / rate * eventsPerCheck / gapsPerCheck;
    List<String> recent = new ArrayList<>(); // the last 50 lines, for re-deliveries
    long t = startMicros;
    long prevTs = startMicros;
    long seq = 0;
    // trade ids of their own per seed and start: two simulated streams in one warehouse (another
    // seed, the next hour) would otherwise share ids, and Silver would take the second stream's
    // trades for re-sent ones with other content (conflicting_duplicate)
    long tradeId = streamTradeIdBase(seed, start);
    int burst = 0;
    while (true) {
      if (burst == 0 && rnd.nextDouble() < BURST_CHANCE) {
        burst = 20 + rnd.nextInt(200); // a burst: many events close together
      }
      double gap = -Math.log(1 - rnd.nextDouble()) * (burst > 0 ? meanGap / 20 : meanGap);
      if (burst > 0) {
        burst--;
      }
      t += Math.max(1, (long) gap);
      if (t >= endMicros) {
        break;
      }
      int s = rnd.nextInt(n);
      int steps = rnd.nextInt(3) - 1;
      mid[s] = mid[s].add(tick[s].multiply(BigDecimal.valueOf(steps)));
      if (mid[s].compareTo(tick[s].multiply(BigDecimal.TEN)) < 0) {
        mid[s] = tick[s].multiply(BigDecimal.TEN);
      }
      long ts = t;
      if (outOfOrder > 0 && rnd.nextDouble() < outOfOrder) {
        ts = prevTs - 1 - rnd.nextInt(5_000); // before its predecessor; seq still increases
      }
      prevTs = t;
      if (late > 0 && rnd.nextDouble() < late) {
        ts -= 1_000_000L * (1 + rnd.nextInt(60));
      }
      seq++;
      String line;
      if (rnd.nextDouble() < 0.3) {
        boolean buy = rnd.nextBoolean();
        BigDecimal price = buy ? mid[s].add(tick[s]) : mid[s];
        BigDecimal size =
            BigDecimal.valueOf(1 + rnd.nextInt(5000))
                .movePointLeft(3)
                .setScale(3, RoundingMode.UNNECESSARY);
        line =
            String.format(
                Locale.ROOT,
                "{\"type\":\"trade\",\"exchange\":\"%s\",\"symbol\":\"%s\",\"ts\":\"%s\","
                    + "\"price\":\"%s\",\"size\":\"%s\",\"side\":\"%s\",\"id\":\"%d\",\"seq\":%d}",
                exchange,
                symbols.get(s),
                Instant.ofEpochSecond(ts / 1_000_000L, (ts % 1_000_000L) * 1000L),
                price.toPlainString(),
                size.toPlainString(),
                buy ? "buy" : "sell",
                tradeId++,
                seq);
      } else {
        double r = rnd.nextDouble();
        String bid =
            r < 0.03
                ? ""
                : String.format(
                    Locale.ROOT,
                    "\"bid_price\":\"%s\",\"bid_size\":\"%s\",",
                    mid[s].toPlainString(),
                    BigDecimal.valueOf(1 + rnd.nextInt(20000)).movePointLeft(3).toPlainString());
        String ask =
            r >= 0.03 && r < 0.06
                ? ""
                : String.format(
                    Locale.ROOT,
                    "\"ask_price\":\"%s\",\"ask_size\":\"%s\",",
                    mid[s].add(tick[s]).toPlainString(),
                    BigDecimal.valueOf(1 + rnd.nextInt(20000)).movePointLeft(3).toPlainString());
        line =
            String.format(
                Locale.ROOT,
                "{\"type\":\"quote\",\"exchange\":\"%s\",\"symbol\":\"%s\",\"ts\":\"%s\",%s%s"
                    + "\"seq\":%d}",
                exchange,
                symbols.get(s),
                Instant.ofEpochSecond(ts / 1_000_000L, (ts % 1_000_000L) * 1000L),
                bid,
                ask,
                seq);
      }
      if (invalid > 0 && rnd.nextDouble() < invalid) {
        line =
            switch (rnd.nextInt(3)) {
              case 0 -> line.substring(0, line.length() / 2);
              case 1 -> line.replace("\"symbol\":\"" + symbols.get(s) + "\",", "");
              default -> line.replaceFirst("\"ts\":\"[^\"]*\"", "\"ts\":true");
            };
      }
      lines.accept(line);
      recent.add(line);
      if (recent.size() > 50) {
        recent.remove(0);
      }
      if (duplicates > 0 && rnd.nextDouble() < duplicates) {
        lines.accept(recent.get(rnd.nextInt(recent.size())));
      }
    }
  }
}
