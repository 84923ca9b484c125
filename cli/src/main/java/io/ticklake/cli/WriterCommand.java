package io.ticklake.cli;

import io.ticklake.bronze.live.BronzeWriter;
import io.ticklake.bronze.live.BronzeWriterOptions;
import io.ticklake.bronze.live.EventBatcher;
import io.ticklake.bronze.live.EventLineException;
import io.ticklake.bronze.live.EventLineParser;
import io.ticklake.bronze.wal.FsyncPolicy;
import io.ticklake.bronze.wal.WalOptions;
import io.ticklake.bronze.wal.WalStorageErrors;
import io.ticklake.bronze.wal.WalTable;
import io.ticklake.bronze.wal.WalWriter;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.TableContracts;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ticklake writer}: events from stdin through the WAL into Bronze, exactly once. */
@Command(
    name = "writer",
    header = "Run a live writer: events from stdin through the WAL into Bronze.",
    mixinStandardHelpOptions = true,
    description = {
      "Run a live writer: read events from stdin (or --input) as JSONL or CSV lines, log them in",
      "the write-ahead log <warehouse>/wal/<writer-id>/ and flush them to bronze.trades /",
      "bronze.quotes every --flush-interval or --flush-events. On start, whatever the WAL holds",
      "above the Bronze watermark is committed first; input lines whose seq is at or below the",
      "highest seq this writer had committed for their table when it started are skipped, so a",
      "feed may resend from its last ack (a duplicate re-sent within one run is written again;",
      "Silver dedups it). Bad lines go to ops.quarantine (stage writer, rule parse_error, source",
      "table from their type, bronze.trades when unreadable). End of input or SIGTERM: flush,",
      "commit, exit 0. A second SIGTERM or SIGINT while that flush runs (or one while the end of",
      "the input is being flushed) exits at once with 1: the WAL keeps what was not committed and",
      "a restart with the same --writer-id commits it. A WAL or --ack-log that cannot be written",
      "(full or read-only disk) stops the writer with exit 3, also when a signal comes meanwhile."
    })
final class WriterCommand implements Callable<Integer> {
  /** The longest input line read whole (as ingest's 1 MiB); longer lines are bad lines. */
  static final int MAX_LINE_CHARS = 1 << 20;

  /** How much of an overlong line its quarantine row keeps. */
  private static final int MAX_RAW_LINE = 4096;

  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  @Option(
      names = "--writer-id",
      defaultValue = "writer",
      paramLabel = "ID",
      description = "Writer id, [A-Za-z0-9._-]+ (default: ${DEFAULT-VALUE}).")
  String writerId;

  @Option(
      names = "--format",
      defaultValue = "jsonl",
      paramLabel = "FORMAT",
      description = "Input format: jsonl or csv (default: ${DEFAULT-VALUE}).")
  EventLineParser.Format format;

  @Option(
      names = "--fsync",
      defaultValue = "batch",
      paramLabel = "POLICY",
      description = "WAL fsync policy: os, batch or every (default: ${DEFAULT-VALUE}).")
  FsyncPolicy fsync;

  @Option(
      names = "--flush-interval",
      defaultValue = "5s",
      paramLabel = "DURATION",
      description =
          "Flush to Bronze at least this often, e.g. 5s, 500ms (default: ${DEFAULT-VALUE}).")
  String flushInterval;

  @Option(
      names = "--status-interval",
      defaultValue = "60s",
      paramLabel = "DURATION",
      description =
          "Print a status line (lines read, rows committed) on stderr this often while running,"
              + " e.g. 60s, 5m (default: ${DEFAULT-VALUE}).")
  String statusInterval;

  @Option(
      names = "--flush-events",
      defaultValue = "1000000",
      paramLabel = "N",
      description = "Flush as soon as N events are pending in a table (default: ${DEFAULT-VALUE}).")
  int flushEvents;

  @Option(
      names = "--batch",
      defaultValue = "10000",
      paramLabel = "N",
      description =
          "Lines appended to the WAL together at most; a batch is also appended as soon as no"
              + " more input is waiting (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--input", paramLabel = "FILE", description = "Read this file instead of stdin.")
  Path input;

  @Option(
      names = "--ack-log",
      paramLabel = "FILE",
      description =
          "Append 'ack <seq>' to FILE each time every line up to input seq <seq> is durable.")
  Path ackLog;

  private final ReentrantLock appendLock = new ReentrantLock();
  private volatile boolean stopped;
  // a stop (flush and commit) has begun, on a signal or at the end of the input
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile boolean stopDone;
  // why the writer stops without a flush (its WAL or ack log failed, reading failed), once known:
  // a signal from then on exits with this failure's code and sentence, not with 1
  private volatile Exception failure;
  private long lastAcked = -1; // guarded by appendLock
  private boolean warnedEarly; // guarded by appendLock
  private java.io.PrintWriter warnings = new java.io.PrintWriter(System.err, true);

  /**
   * Event times before this (1980-01-01) are kept but warned about once: no electronic tick feed
   * reaches back that far, while epoch milliseconds or seconds read as microseconds land there.
   */
  static final long EARLY_MICROS = 315_532_800_000_000L;

  @Override
  public Integer call() throws Exception {
    // every option and the input are checked before anything is opened or created
    if (!WalWriter.isValidWriterId(writerId)) {
      throw usage(
          "Cannot use --writer-id '%s': give letters, digits, '.', '_' or '-' (not '.' or '..')",
          writerId);
    }
    Duration interval = durationOption(spec, "--flush-interval", flushInterval);
    Duration status = durationOption(spec, "--status-interval", statusInterval);
    if (flushEvents < 1) {
      throw usage("Cannot use --flush-events %d: give 1 or more", flushEvents);
    }
    if (batch < 1) {
      throw usage("Cannot use --batch %d: give 1 or more", batch);
    }
    checkInput();
    checkAckLog();
    CliContext ctx = root.context();
    warnings = ctx.err();
    BronzeWriterOptions options =
        BronzeWriterOptions.of(writerId)
            .withWal(WalOptions.defaults().withFsyncPolicy(fsync))
            .withFlush(interval, flushEvents);
    Stats stats = new Stats();
    try (InputStream file = input == null ? null : openInput();
        Warehouse warehouse = ctx.openWarehouse();
        OutputStream acks =
            ackLog == null
                ? OutputStream.nullOutputStream()
                : Files.newOutputStream(
                    ackLog, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      BronzeWriter writer =
          BronzeWriter.open(warehouse, ExchangeTable.load(warehouse.catalog()), options);
      long tradesHigh = writer.vendorHighWater(WalTable.TRADES);
      long quotesHigh = writer.vendorHighWater(WalTable.QUOTES);
      // bad lines are skipped at or below the resume point and at or below the highest seq of a
      // bad line already quarantined: they are never acknowledged, so a feed resends them
      long tradesBadHigh = Math.max(tradesHigh, writer.badLineHighWater(WalTable.TRADES));
      long quotesBadHigh = Math.max(quotesHigh, writer.badLineHighWater(WalTable.QUOTES));
      ctx.err()
          .printf(
              Locale.ROOT,
              "writer %s: ready, resume after seq trades=%s quotes=%s%n",
              writerId,
              seqText(tradesHigh),
              seqText(quotesHigh));
      // SIGTERM/SIGINT: flush and commit what was acknowledged, then exit 0. A signal handler
      // rather than a shutdown hook: during shutdown Iceberg's worker pools are already gone.
      // The main thread may be blocked reading stdin and still holds its batchers, whose Arrow
      // buffers come from the WALs' allocators: the handler flushes but does not close the WALs
      // (closing them failed on those buffers, and the writer then never exited).
      // A signal while a stop is already under way (a second signal; or the first while the end of
      // the input is flushed) exits at once: a failing flush retries forever, and the WAL holds
      // every acknowledged event, so leaving without the flush loses nothing.
      onSignal(
          () -> {
            if (failure != null) {
              exitNow(writer, ctx); // on its way out already: with the failure's code
              return;
            }
            if (stopping.getAndSet(true)) {
              if (!stopDone) {
                exitNow(writer, ctx);
              }
              return;
            }
            ctx.err()
                .printf(
                    Locale.ROOT,
                    "writer %s: stopping: committing what was acknowledged (a second SIGTERM or"
                        + " SIGINT exits at once and leaves it in the WAL)%n",
                    writerId);
            ctx.err().flush();
            int code = ExitCodes.OK;
            try {
              stop(writer, ctx, stats, false);
            } catch (RuntimeException e) {
              ctx.err().println("ticklake: " + e.getMessage());
              ctx.err().flush();
              code = ExitCodes.FAILURE;
            }
            System.exit(code);
          });
      // a sign of life for whoever watches the log: what was read and committed so far
      ScheduledExecutorService statusLine =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "writer-status");
                t.setDaemon(true);
                return t;
              });
      statusLine.scheduleAtFixedRate(
          () -> printStatus(writer, ctx, stats),
          status.toMillis(),
          status.toMillis(),
          TimeUnit.MILLISECONDS);
      boolean stoppedCleanly = false;
      try {
        // two batchers: the main thread scans lines into one while the appender thread makes the
        // other durable in the WAL (and acknowledges it), so parsing overlaps the fsync
        ExecutorService appender =
            Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "writer-appender");
                  t.setDaemon(true);
                  return t;
                });
        InputStream in = file == null ? System.in : file;
        try (BoundedLineReader reader =
                new BoundedLineReader(
                    new InputStreamReader(
                        in,
                        StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE)
                            .replaceWith(EventLineParser.NOT_UTF8)),
                    MAX_LINE_CHARS,
                    MAX_RAW_LINE);
            EventBatcher b0 = new EventBatcher(writer, format, batch, tradesHigh, quotesHigh);
            EventBatcher b1 = new EventBatcher(writer, format, batch, tradesHigh, quotesHigh)) {
          try {
            EventBatcher batcher = b0;
            Future<Boolean> inFlight = null;
            long lineNo = 0;
            int lines = 0;
            for (String line; !stopped && (line = reader.readLine()) != null; ) {
              lineNo++;
              if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a UTF-8 byte-order mark, as ingest skips it
              }
              lines++;
              try {
                if (reader.overlong()) {
                  throw new EventLineException(
                      null,
                      null,
                      "Cannot read the line: longer than "
                          + MAX_LINE_CHARS
                          + " characters ("
                          + reader.length()
                          + ")");
                }
                switch (batcher.add(line, lineNo)) {
                  case TRADE -> stats.trades++;
                  case QUOTE -> stats.quotes++;
                  case ALREADY_COMMITTED -> stats.skipped++;
                  case SKIPPED -> {
                    // blank line or CSV header
                  }
                }
              } catch (EventLineException e) {
                if (e.seq() != null
                    && e.seq() <= resumePoint(e.table(), tradesBadHigh, quotesBadHigh)) {
                  // a resent bad line: quarantined when it was first sent, skipped like a good one
                  stats.skipped++;
                } else {
                  stats.bad++;
                  writer.quarantineLine(
                      sourceTable(e.table()),
                      line,
                      e.field(),
                      e.value(),
                      "line " + lineNo + ": " + e.getMessage(),
                      e.table(),
                      e.seq());
                }
              }
              if (lines >= batch || !reader.ready()) {
                // the previous batch is durable and acknowledged before this one is appended, so
                // appends and acks follow the input order
                if (inFlight != null && !await(inFlight)) {
                  inFlight = null;
                  break;
                }
                EventBatcher full = batcher;
                inFlight = appender.submit(() -> append(full, acks, stats));
                batcher = batcher == b0 ? b1 : b0;
                lines = 0;
              }
            }
            if (inFlight == null || await(inFlight)) {
              append(batcher, acks, stats);
            }
          } catch (Exception e) {
            failure =
                e; // known before the wait for the appender below: a signal then exits with it
            throw e;
          } finally {
            appender.shutdown();
            while (!appender.awaitTermination(1, TimeUnit.SECONDS)) {
              // the batch being appended still uses its batcher
            }
          }
        }
        stop(writer, ctx, stats, true);
        stoppedCleanly = true;
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        }
        throw e;
      } finally {
        statusLine.shutdownNow();
        if (!stoppedCleanly) {
          // the WAL failed (full, read-only) or reading did: exit at once, with no flush that
          // could not finish on a full disk; the WAL keeps what was acknowledged for a restart.
          // A signal from now on exits at once rather than flush a writer being abandoned.
          stopping.set(true);
          writer.abandon();
        }
      }
    }
    return ExitCodes.OK;
  }

  /** The periodic status line: lines read so far and rows committed since the writer opened. */
  private void printStatus(BronzeWriter writer, CliContext ctx, Stats stats) {
    if (stopped) {
      return;
    }
    long[] t = writer.committedRows(WalTable.TRADES);
    long[] q = writer.committedRows(WalTable.QUOTES);
    ctx.err()
        .printf(
            Locale.ROOT,
            "writer %s: running; read %,d trades, %,d quotes, %,d skipped, %,d bad lines;"
                + " committed %,d trade and %,d quote rows, %,d quarantined%n",
            writerId,
            stats.trades,
            stats.quotes,
            stats.skipped,
            stats.bad,
            t[0],
            q[0],
            t[1] + q[1]);
    ctx.err().flush();
  }

  /** A resume point as printed: the seq, or {@code none} before the first event with one. */
  private static String seqText(long seq) {
    return seq == BronzeWriter.NO_SEQ ? "none" : Long.toString(seq);
  }

  /**
   * The resume point a bad line's seq is compared with: its table's, or when its type cannot be
   * read the lower of both (skipped only when at or below what both tables hold).
   */
  static long resumePoint(WalTable table, long tradesHigh, long quotesHigh) {
    if (table == null) {
      return Math.min(tradesHigh, quotesHigh);
    }
    return table == WalTable.TRADES ? tradesHigh : quotesHigh;
  }

  /**
   * The quarantine {@code source_table} of a bad line: bronze.quotes for a quote, bronze.trades for
   * a trade and for a line whose type cannot be read.
   */
  static String sourceTable(WalTable table) {
    return (table == WalTable.QUOTES ? TableContracts.BRONZE_QUOTES : TableContracts.BRONZE_TRADES)
        .id()
        .toString();
  }

  /** Checks --input before anything is opened: an existing, readable regular file. */
  private void checkInput() {
    if (input == null) {
      return;
    }
    if (!Files.exists(input)) {
      throw usage("Cannot read --input %s: no such file", input);
    }
    if (Files.isDirectory(input)) {
      throw usage("Cannot read --input %s: it is a directory, give a file", input);
    }
    if (!Files.isReadable(input)) {
      throw usage("Cannot read --input %s: permission denied", input);
    }
  }

  private static String ioReason(IOException e) {
    return e instanceof java.nio.file.FileSystemException f && f.getReason() != null
        ? f.getReason()
        : String.valueOf(e.getMessage());
  }

  /** Checks --ack-log before anything is opened: not a directory, in an existing directory. */
  private void checkAckLog() {
    if (ackLog == null) {
      return;
    }
    if (Files.isDirectory(ackLog)) {
      throw usage("Cannot write --ack-log %s: it is a directory, give a file", ackLog);
    }
    Path parent = ackLog.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw usage("Cannot write --ack-log %s: directory %s does not exist", ackLog, parent);
    }
  }

  private InputStream openInput() {
    try {
      return Files.newInputStream(input);
    } catch (IOException e) {
      throw usage("Cannot read --input %s: %s", input, e.getMessage());
    }
  }

  private CommandLine.ParameterException usage(String format, Object... args) {
    return new CommandLine.ParameterException(
        spec.commandLine(), String.format(Locale.ROOT, format, args));
  }

  /** The result of an append on the appender thread, its exception rethrown. */
  private static boolean await(Future<Boolean> f) throws Exception {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** Appends the pending events and acknowledges them; false when stopped by a signal. */
  private boolean append(EventBatcher batcher, OutputStream acks, Stats stats) throws IOException {
    appendLock.lock();
    try {
      if (stopped) {
        return false;
      }
      int trades = batcher.pending(WalTable.TRADES);
      int quotes = batcher.pending(WalTable.QUOTES);
      batcher.appendPending();
      stats.appendedTrades += trades;
      stats.appendedQuotes += quotes;
      if (!warnedEarly && batcher.earliestEventMicros() < EARLY_MICROS) {
        warnedEarly = true;
        warnings.printf(
            Locale.ROOT,
            "writer %s: warning: an event time before 1980, %s, read from ts as epoch"
                + " microseconds: if the feed sends epoch milliseconds or seconds, convert them to"
                + " microseconds or ISO-8601 (the events are kept as given)%n",
            writerId,
            java.time.Instant.EPOCH.plus(batcher.earliestEventMicros(), ChronoUnit.MICROS));
        warnings.flush();
      }
      long lastSeq = batcher.lastSeq();
      if (lastSeq > lastAcked) {
        lastAcked = lastSeq;
        try {
          acks.write(("ack " + lastSeq + "\n").getBytes(StandardCharsets.UTF_8));
          acks.flush();
        } catch (IOException e) {
          // the events are durable in the WAL: a full or read-only disk is the operator's to fix
          Path dir = ackLog.toAbsolutePath().getParent();
          throw WalStorageErrors.error(
              dir, e, "Cannot write --ack-log %s: %s", ackLog, ioReason(e));
        }
      }
      return true;
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * Stops reading, flushes and commits what was acknowledged and, with {@code close}, closes the
   * writer (only once the batchers are closed). Idempotent.
   */
  private void stop(BronzeWriter writer, CliContext ctx, Stats stats, boolean close) {
    stopping.set(true);
    appendLock.lock();
    try {
      if (stopped) {
        return;
      }
      stopped = true;
      if (close) {
        writer.close();
      } else {
        writer.flush();
      }
      long[] t = writer.committedRows(WalTable.TRADES);
      long[] q = writer.committedRows(WalTable.QUOTES);
      ctx.err()
          .printf(
              Locale.ROOT,
              "writer %s: stopped; %d trades, %d quotes appended, %d skipped (already committed),"
                  + " %d bad lines quarantined; committed %d trade and %d quote rows,"
                  + " %d quarantined; watermark trades=%d quotes=%d%n",
              writerId,
              stats.appendedTrades,
              stats.appendedQuotes,
              stats.skipped,
              stats.bad,
              t[0],
              q[0],
              t[1] + q[1],
              writer.watermark(WalTable.TRADES),
              writer.watermark(WalTable.QUOTES));
      ctx.err().flush();
      stopDone = true;
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * Exits at once, without the flush: for a signal received while the writer is stopping. Safe:
   * every acknowledged event is durable in the WAL, and the next start with the same writer id
   * commits what Bronze does not hold yet. The exit code is {@link ExitCodes#FAILURE}, unless the
   * writer was stopping because of a failure (its WAL on a full or read-only disk: exit 3): then it
   * is that failure's, whose sentence is printed as it would have been (the signal came before the
   * failure reached the command line's handler). {@code halt}, not {@code exit}: shutdown hooks
   * (Iceberg's worker pools wait for their tasks) could wait on the very flush this leaves.
   */
  private void exitNow(BronzeWriter writer, CliContext ctx) {
    ctx.err()
        .printf(
            Locale.ROOT,
            "writer %s: exiting now without the flush; the WAL keeps every acknowledged event not"
                + " yet committed (above WAL seq trades=%d quotes=%d): restart with the same"
                + " --writer-id %s to commit them%n",
            writerId,
            writer.watermark(WalTable.TRADES),
            writer.watermark(WalTable.QUOTES),
            writerId);
    ctx.err().flush();
    Exception why = failure;
    int code = why == null ? ExitCodes.FAILURE : Main.report(why, spec.commandLine(), ctx);
    ctx.err().flush();
    Runtime.getRuntime().halt(code);
  }

  /** sun.misc.Signal (jdk.unsupported): javac warns, but the JDK has no public equivalent. */
  private static void onSignal(Runnable action) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> action.run());
      } catch (IllegalArgumentException e) {
        // the signal is not available on this platform (or reserved by the JVM)
      }
    }
  }

  /** Counts of the lines read; written by the reading thread, read by the status line. */
  private static final class Stats {
    // lines read and accepted (the status line)
    volatile long trades;
    volatile long quotes;
    // events made durable in the WAL (the stop summary): a line read while a signal stops the
    // writer is counted above but never appended
    volatile long appendedTrades;
    volatile long appendedQuotes;
    volatile long skipped;
    volatile long bad;
  }

  /**
   * The value of a duration option such as {@code --flush-interval}; a usage error (exit 2) naming
   * the option and the value when it is not a positive duration.
   */
  static Duration durationOption(CommandSpec spec, String option, String text) {
    try {
      return duration(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          String.format(
              Locale.ROOT,
              "Cannot use %s '%s': give a positive duration with a unit (ms, s, m, h or d),"
                  + " e.g. 7d, 12h, 30m, 5s, 500ms, or ISO-8601 such as PT1H",
              option,
              text));
    }
  }

  /**
   * Parses {@code 5s}, {@code 500ms}, {@code 2m}, {@code 3h}, {@code 7d} or an ISO-8601 duration
   * ({@code PT1H}).
   *
   * @throws IllegalArgumentException when {@code text} is none of these or not positive
   */
  static Duration duration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    Duration d;
    try {
      if (s.startsWith("p") || s.startsWith("-p") || s.startsWith("+p")) {
        d = Duration.parse(s.toUpperCase(Locale.ROOT));
      } else if (s.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      } else if (s.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
      } else if (s.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
      } else if (s.endsWith("h")) {
        d = Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
      } else if (s.endsWith("d")) {
        d = Duration.ofDays(Long.parseLong(s.substring(0, s.length() - 1)));
      } else {
        throw new IllegalArgumentException("Cannot read duration '" + text + "': no unit");
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Cannot read duration '" + text + "'", e);
    }
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("Cannot use duration '" + text + "': not positive");
    }
    return d;
  }
}
