package io.ticklake.bronze.live;

import static java.util.Objects.requireNonNull;

import io.ticklake.bronze.ingest.BronzeHistory;
import io.ticklake.bronze.ingest.BronzeRowMapper;
import io.ticklake.bronze.ingest.CrashPoint;
import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.bronze.wal.SeqRange;
import io.ticklake.bronze.wal.WalRecord;
import io.ticklake.bronze.wal.WalTable;
import io.ticklake.bronze.wal.WalWriter;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.calendar.ExchangeCalendar;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.write.ArrayRow;
import io.ticklake.catalog.write.InternalRowWriter;
import io.ticklake.quarantine.QuarantineRecord;
import io.ticklake.quarantine.QuarantineWriter;
import io.ticklake.quarantine.Severity;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * The live writer: appends events to a write-ahead log per table ({@code
 * <warehouse>/wal/<writerId>/trades|quotes}) and flushes them to Bronze in the background.
 *
 * <p>Durability: {@code append…} returns once the events are durable in the WAL as the configured
 * {@link io.ticklake.bronze.wal.FsyncPolicy} promises. A background flusher turns pending events
 * into Bronze data files every {@link BronzeWriterOptions#flushInterval()} or {@link
 * BronzeWriterOptions#flushEvents()} events and commits one Iceberg append per table whose summary
 * names the writer id and the first and last WAL sequence it holds ({@link
 * BronzeHistory#WRITER_ID}, {@link BronzeHistory#WAL_FIRST_SEQ}, {@link
 * BronzeHistory#WAL_LAST_SEQ}); then WAL segments at or below that watermark are deleted. Appends
 * continue while a flush runs; at most {@link BronzeWriterOptions#maxPendingEvents()} events per
 * table are held in memory, beyond which appends wait (backpressure). Events whose exchange has no
 * calendar go to quarantine (stage {@code writer}, rule {@code unknown_exchange}) in the same
 * flush, committed before the Bronze append with the same markers.
 *
 * <p>Recovery: {@link #open} recovers each WAL, reads the writer's watermark from the Bronze
 * history and replays every record above it into Bronze before it returns, so each record lands
 * exactly once whatever the crash point.
 *
 * <p>Thread-safe: appends to one table are serialised (their sequence numbers follow call order).
 * Only one process may run a given writer id (the WAL directory lock).
 */
public final class BronzeWriter implements AutoCloseable {
  /** Lineage {@code vendor} of every live row. */
  public static final String VENDOR = "live";

  /** Quarantine stage of the writer's rejects. */
  public static final String STAGE = "writer";

  private static final long RETRY_MAX_MILLIS = 5_000;

  private final Warehouse warehouse;
  private final ExchangeCalendars calendars;
  private final BronzeWriterOptions options;
  private final Table quarantineTable;
  private final Lane trades;
  private final Lane quotes;
  private final Thread flusher;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // guarded by lock
  private final List<QuarantineRecord> badLines = new ArrayList<>();
  private boolean flushRequested;
  private boolean closing;
  private boolean closed;
  private long flushes;
  private RuntimeException lastError;

  /** One table's WAL, pending events and Bronze watermark. */
  private final class Lane {
    final WalTable kind;
    final Table table;
    final String tableName;
    final WalWriter wal;
    final ReentrantLock appendLock = new ReentrantLock();
    // guarded by the writer's lock
    List<WalRecord<?>> pending = new ArrayList<>();
    int inFlight;
    long committedSeq;
    long quarantineSeq;
    long vendorHigh;
    long appendedSeq;
    long rowsCommitted;
    long rowsQuarantined;

    Lane(WalTable kind, Table table, String tableName, WalWriter wal) {
      this.kind = kind;
      this.table = table;
      this.tableName = tableName;
      this.wal = wal;
    }
  }

  private BronzeWriter(
      Warehouse warehouse, ExchangeCalendars calendars, BronzeWriterOptions options) {
    this.warehouse = warehouse;
    this.calendars = calendars;
    this.options = options;
    this.quarantineTable = warehouse.table(TableContracts.QUARANTINE.id());
    Lane t = null;
    Lane q = null;
    try {
      t = openLane(WalTable.TRADES, TableContracts.BRONZE_TRADES.id().toString());
      q = openLane(WalTable.QUOTES, TableContracts.BRONZE_QUOTES.id().toString());
    } catch (RuntimeException e) {
      if (t != null) {
        t.wal.close();
      }
      throw e;
    }
    this.trades = t;
    this.quotes = q;
    this.flusher = new Thread(this::flushLoop, "bronze-flusher-" + options.writerId());
    this.flusher.setDaemon(true);
  }

  /**
   * Opens the writer: recovers both WALs, replays every record above the Bronze watermark of {@code
   * options.writerId()} into Bronze (committed before this returns) and starts the flusher.
   *
   * @throws TicklakeException when a WAL cannot be opened (another process holds it, corruption) or
   *     the replay cannot be committed
   */
  public static BronzeWriter open(
      Warehouse warehouse, ExchangeCalendars calendars, BronzeWriterOptions options) {
    requireNonNull(warehouse, "warehouse is null");
    requireNonNull(calendars, "calendars is null");
    requireNonNull(options, "options is null");
    BronzeWriter w = new BronzeWriter(warehouse, calendars, options);
    try {
      w.replay(w.trades);
      w.replay(w.quotes);
    } catch (RuntimeException e) {
      w.trades.wal.close();
      w.quotes.wal.close();
      throw e;
    }
    w.flusher.start();
    return w;
  }

  /** {@code <warehouse>/wal}: the root of every writer's WAL directories. */
  public static Path walRoot(Warehouse warehouse) {
    return warehouse.root().resolve("wal");
  }

  private Lane openLane(WalTable kind, String tableName) {
    Table table =
        warehouse.table(
            kind == WalTable.TRADES
                ? TableContracts.BRONZE_TRADES.id()
                : TableContracts.BRONZE_QUOTES.id());
    String id = options.writerId();
    Snapshot last = BronzeHistory.lastWriterSnapshot(table, id, null).orElse(null);
    long watermark =
        last == null ? 0 : BronzeHistory.summaryLong(last, BronzeHistory.WAL_LAST_SEQ, 0);
    long vendorHigh =
        last == null ? 0 : BronzeHistory.summaryLong(last, BronzeHistory.VENDOR_HIGH_SEQ, 0);
    Snapshot q = BronzeHistory.lastWriterSnapshot(quarantineTable, id, kind.dirName()).orElse(null);
    long quarantineSeq =
        q == null ? 0 : BronzeHistory.summaryLong(q, BronzeHistory.WAL_LAST_SEQ, 0);
    // an empty (lost or deleted) WAL continues after the watermark, never reusing a committed seq
    WalWriter wal =
        WalWriter.open(
            WalWriter.directory(walRoot(warehouse), id, kind),
            kind,
            options.wal().withFirstSeq(watermark + 1));
    Lane lane = new Lane(kind, table, tableName, wal);
    lane.committedSeq = watermark;
    lane.quarantineSeq = quarantineSeq;
    lane.vendorHigh = vendorHigh;
    lane.appendedSeq = Math.max(watermark, wal.lastSeq());
    return lane;
  }

  /** Commits every recovered record above the watermark, in chunks of the flush size. */
  private void replay(Lane lane) {
    List<WalRecord<?>> chunk = new ArrayList<>();
    java.util.function.Consumer<WalRecord<?>> sink =
        r -> {
          chunk.add(r);
          if (chunk.size() >= options.flushEvents()) {
            commit(lane, chunk, List.of());
            chunk.clear();
          }
        };
    if (lane.kind == WalTable.TRADES) {
      lane.wal.replayTrades(lane.committedSeq, sink::accept);
    } else {
      lane.wal.replayQuotes(lane.committedSeq, sink::accept);
    }
    if (!chunk.isEmpty()) {
      commit(lane, chunk, List.of());
    }
    lane.wal.deleteSegmentsUpTo(lane.committedSeq);
  }

  /**
   * Appends trades; returns their WAL sequence numbers once durable per the fsync policy. Waits
   * while the table's pending events are at {@link BronzeWriterOptions#maxPendingEvents()}.
   */
  public SeqRange appendTrades(List<TradeRow> rows) {
    return append(trades, rows);
  }

  /** Appends quotes, like {@link #appendTrades(List)}. */
  public SeqRange appendQuotes(List<QuoteRow> rows) {
    return append(quotes, rows);
  }

  @SuppressWarnings("unchecked")
  private SeqRange append(Lane lane, List<?> rows) {
    requireNonNull(rows, "rows is null");
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("Cannot append an empty batch");
    }
    lane.appendLock.lock();
    try {
      lock.lock();
      try {
        // backpressure: a batch larger than the bound is let through alone
        while (!closed
            && lane.pending.size() + lane.inFlight > 0
            && lane.pending.size() + lane.inFlight + rows.size() > options.maxPendingEvents()) {
          flushRequested = true;
          changed.signalAll();
          changed.awaitUninterruptibly();
        }
        checkOpen();
      } finally {
        lock.unlock();
      }
      Instant now = Instant.now();
      long recv = Math.multiplyExact(now.getEpochSecond(), 1_000_000L) + now.getNano() / 1000;
      SeqRange range =
          lane.kind == WalTable.TRADES
              ? lane.wal.appendTrades((List<TradeRow>) rows)
              : lane.wal.appendQuotes((List<QuoteRow>) rows);
      lock.lock();
      try {
        long seq = range.first();
        for (Object row : rows) {
          lane.pending.add(new WalRecord<>(seq++, recv, row));
        }
        lane.appendedSeq = range.last();
        if (lane.pending.size() >= options.flushEvents()) {
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
      return range;
    } finally {
      lane.appendLock.unlock();
    }
  }

  /**
   * Records an input line that could not be parsed as a quarantine row (stage {@code writer}, rule
   * {@code parse_error}), committed with the next flush. Not logged in the WAL: a crash before that
   * flush loses it.
   */
  public void quarantineLine(
      String sourceTable, String rawLine, String field, String value, String message) {
    requireNonNull(sourceTable, "sourceTable is null");
    requireNonNull(message, "message is null");
    QuarantineRecord r =
        new QuarantineRecord(
            sourceTable,
            STAGE,
            "parse_error",
            Severity.ERROR,
            message,
            field,
            value,
            null,
            null,
            null,
            null,
            VENDOR,
            null,
            null,
            options.writerId(),
            null,
            rawLine,
            null,
            null,
            Instant.now());
    lock.lock();
    try {
      checkOpen();
      badLines.add(r);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Flushes everything appended so far and waits until it is committed to Bronze.
   *
   * @throws TicklakeException when the flush failed (it is retried in the background)
   */
  public void flush() {
    lock.lock();
    try {
      checkOpen();
      awaitCommitted();
    } finally {
      lock.unlock();
    }
  }

  // lock held
  private void awaitCommitted() {
    long t = trades.appendedSeq;
    long q = quotes.appendedSeq;
    long start = flushes;
    flushRequested = true;
    changed.signalAll();
    while (trades.committedSeq < t
        || quotes.committedSeq < q
        || (flushes == start && !badLines.isEmpty())) {
      if (lastError != null && !flusher.isAlive()) {
        throw lastError;
      }
      try {
        changed.await(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TicklakeException(Kind.FAILURE, "Cannot flush the live writer: interrupted", e);
      }
      if (lastError != null && trades.committedSeq < t) {
        // keep waiting: the flusher retries with backoff
        flushRequested = true;
      }
    }
  }

  /** The Bronze watermark of a table: the last WAL sequence number committed there. */
  public long watermark(WalTable kind) {
    lock.lock();
    try {
      return lane(kind).committedSeq;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The highest vendor sequence number ({@code vendor_seq}) committed to Bronze for this table by
   * this writer, 0 if none. Right after {@link #open} every durable event is committed, so a feed
   * may resume after it.
   */
  public long vendorHighWater(WalTable kind) {
    lock.lock();
    try {
      return lane(kind).vendorHigh;
    } finally {
      lock.unlock();
    }
  }

  /** Rows committed to Bronze (kept) and quarantine (rejected) for a table since open. */
  public long[] committedRows(WalTable kind) {
    lock.lock();
    try {
      Lane l = lane(kind);
      return new long[] {l.rowsCommitted, l.rowsQuarantined};
    } finally {
      lock.unlock();
    }
  }

  /** Number of WAL segments on disk for a table. */
  public int segmentCount(WalTable kind) {
    return lane(kind).wal.segmentCount();
  }

  /** The writer's options. */
  public BronzeWriterOptions options() {
    return options;
  }

  private Lane lane(WalTable kind) {
    return kind == WalTable.TRADES ? trades : quotes;
  }

  private void checkOpen() {
    if (closing || closed) {
      throw new IllegalStateException("Cannot use live writer " + options.writerId() + ": closed");
    }
  }

  /** Flushes and commits everything appended, stops the flusher and closes the WALs. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed || closing) {
        return;
      }
      try {
        awaitCommitted();
      } finally {
        closing = true;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    try {
      flusher.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    trades.wal.close();
    quotes.wal.close();
  }

  private void flushLoop() {
    long intervalNanos = options.flushInterval().toNanos();
    long next = System.nanoTime() + intervalNanos;
    long backoff = 100;
    while (true) {
      List<WalRecord<?>> t;
      List<WalRecord<?>> q;
      List<QuarantineRecord> bad;
      lock.lock();
      try {
        while (!closing
            && !flushRequested
            && trades.pending.size() < options.flushEvents()
            && quotes.pending.size() < options.flushEvents()
            && System.nanoTime() < next) {
          try {
            changed.awaitNanos(Math.max(1, next - System.nanoTime()));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (closing && trades.pending.isEmpty() && quotes.pending.isEmpty() && badLines.isEmpty()) {
          return;
        }
        flushRequested = false;
        next = System.nanoTime() + intervalNanos;
        t = take(trades);
        q = take(quotes);
        bad = new ArrayList<>(badLines);
        badLines.clear();
      } finally {
        lock.unlock();
      }
      try {
        if (!t.isEmpty() || !bad.isEmpty()) {
          commit(trades, t, bad);
          bad = List.of();
        }
        if (!q.isEmpty()) {
          commit(quotes, q, List.of());
        }
        backoff = 100;
        lock.lock();
        try {
          trades.inFlight = 0;
          quotes.inFlight = 0;
          flushes++;
          lastError = null;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      } catch (RuntimeException e) {
        System.err.println(
            "ticklake writer "
                + options.writerId()
                + ": flush failed, retrying: "
                + e.getMessage());
        lock.lock();
        try {
          lastError = e;
          // give the uncommitted events back, in order, ahead of newer ones
          restore(trades, t);
          restore(quotes, q);
          badLines.addAll(0, bad);
          changed.signalAll();
        } finally {
          lock.unlock();
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
        backoff = Math.min(RETRY_MAX_MILLIS, backoff * 2);
        if (closing && backoff >= RETRY_MAX_MILLIS) {
          return;
        }
      }
    }
  }

  // lock held
  private static List<WalRecord<?>> take(Lane lane) {
    List<WalRecord<?>> batch = lane.pending;
    lane.pending = new ArrayList<>();
    lane.inFlight = batch.size();
    return batch;
  }

  // lock held
  private static void restore(Lane lane, List<WalRecord<?>> batch) {
    List<WalRecord<?>> back = new ArrayList<>(batch.size() + lane.pending.size());
    for (WalRecord<?> r : batch) {
      if (r.seq() > lane.committedSeq) {
        back.add(r);
      }
    }
    back.addAll(lane.pending);
    lane.pending = back;
    lane.inFlight = 0;
  }

  /**
   * Writes and commits one batch of a table: quarantine rows first, then the Bronze append, both
   * marked with the writer id and sequence range; then deletes the WAL segments it covers. Records
   * at or below the committed watermarks (a retry after an unknown commit state) are skipped.
   */
  private void commit(Lane lane, List<WalRecord<?>> batch, List<QuarantineRecord> bad) {
    // re-read the watermarks: a failed commit may in fact have succeeded
    Snapshot last =
        BronzeHistory.lastWriterSnapshot(lane.table, options.writerId(), null).orElse(null);
    long watermark =
        last == null ? 0 : BronzeHistory.summaryLong(last, BronzeHistory.WAL_LAST_SEQ, 0);
    long vendorHigh =
        last == null ? 0 : BronzeHistory.summaryLong(last, BronzeHistory.VENDOR_HIGH_SEQ, 0);
    long qSeq;
    lock.lock();
    try {
      qSeq = lane.quarantineSeq;
      if (watermark > lane.committedSeq) {
        lane.committedSeq = watermark;
        lane.vendorHigh = Math.max(lane.vendorHigh, vendorHigh);
      }
      watermark = lane.committedSeq;
      vendorHigh = lane.vendorHigh;
    } finally {
      lock.unlock();
    }
    List<WalRecord<?>> todo = new ArrayList<>(batch.size());
    for (WalRecord<?> r : batch) {
      if (r.seq() > watermark) {
        todo.add(r);
      }
    }
    if (todo.isEmpty() && bad.isEmpty()) {
      return;
    }
    Instant now = Instant.now();
    long ingestedAt = Math.multiplyExact(now.getEpochSecond(), 1_000_000L) + now.getNano() / 1000;
    InternalRowWriter bronze = new InternalRowWriter(lane.table);
    QuarantineWriter quarantine = new QuarantineWriter(quarantineTable);
    RowFiller filler = new RowFiller(lane.table.schema(), lane.kind);
    long kept = 0;
    long rejected = 0;
    long high = vendorHigh;
    try {
      for (WalRecord<?> r : todo) {
        Long vendorSeq =
            r.row() instanceof TradeRow t ? t.vendorSeq() : ((QuoteRow) r.row()).vendorSeq();
        if (vendorSeq != null) {
          high = Math.max(high, vendorSeq);
        }
        String exchange =
            r.row() instanceof TradeRow t ? t.exchange() : ((QuoteRow) r.row()).exchange();
        ExchangeCalendar cal = exchange == null ? null : calendars.find(exchange).orElse(null);
        if (cal == null) {
          if (r.seq() > qSeq) {
            quarantine.write(unknownExchange(lane, r, exchange, now));
          }
          rejected++;
          continue;
        }
        bronze.write(filler.fill(r, cal, options.writerId(), ingestedAt));
        kept++;
      }
      for (QuarantineRecord q : bad) {
        quarantine.write(q);
      }
      List<DataFile> files = bronze.complete();
      List<DataFile> qFiles = quarantine.complete();
      CrashPoint.FLUSH_AFTER_WRITE.reach();
      long first = todo.isEmpty() ? 0 : todo.get(0).seq();
      long lastSeq = todo.isEmpty() ? 0 : todo.get(todo.size() - 1).seq();
      if (!qFiles.isEmpty()) {
        AppendFiles qa = quarantineTable.newAppend();
        qFiles.forEach(qa::appendFile);
        qa.set(BronzeHistory.WRITER_ID, options.writerId());
        qa.set("ticklake.operation", "writer-quarantine");
        if (!todo.isEmpty()) {
          qa.set(BronzeHistory.WAL_TABLE, lane.kind.dirName());
          qa.set(BronzeHistory.WAL_FIRST_SEQ, Long.toString(first));
          qa.set(BronzeHistory.WAL_LAST_SEQ, Long.toString(lastSeq));
        }
        qa.commit();
      }
      if (!todo.isEmpty()) {
        // committed even when every event was quarantined: the watermark must advance
        AppendFiles append = lane.table.newAppend();
        files.forEach(append::appendFile);
        append.set(BronzeHistory.WRITER_ID, options.writerId());
        append.set(BronzeHistory.WAL_TABLE, lane.kind.dirName());
        append.set(BronzeHistory.WAL_FIRST_SEQ, Long.toString(first));
        append.set(BronzeHistory.WAL_LAST_SEQ, Long.toString(lastSeq));
        append.set(BronzeHistory.VENDOR_HIGH_SEQ, Long.toString(high));
        append.set("ticklake.operation", "writer");
        append.commit();
        CrashPoint.FLUSH_AFTER_COMMIT.reach();
      }
      lock.lock();
      try {
        if (!todo.isEmpty()) {
          lane.committedSeq = lastSeq;
          lane.quarantineSeq = Math.max(lane.quarantineSeq, lastSeq);
          lane.vendorHigh = high;
        }
        lane.rowsCommitted += kept;
        lane.rowsQuarantined += rejected;
      } finally {
        lock.unlock();
      }
      if (!todo.isEmpty()) {
        lane.wal.deleteSegmentsUpTo(lastSeq);
      }
    } catch (RuntimeException e) {
      bronze.abort();
      quarantine.abort();
      throw e;
    }
  }

  private QuarantineRecord unknownExchange(
      Lane lane, WalRecord<?> r, String exchange, Instant now) {
    String symbol = r.row() instanceof TradeRow t ? t.symbol() : ((QuoteRow) r.row()).symbol();
    Instant ts = r.row() instanceof TradeRow t ? t.tsEvent() : ((QuoteRow) r.row()).tsEvent();
    return new QuarantineRecord(
        lane.tableName,
        STAGE,
        "unknown_exchange",
        Severity.ERROR,
        exchange == null
            ? "Cannot place the event: it has no exchange"
            : "Cannot place the event: exchange '" + exchange + "' is not in ref.exchange",
        "exchange",
        exchange,
        exchange,
        null,
        symbol,
        ts,
        VENDOR,
        null,
        null,
        options.writerId(),
        r.seq(),
        null,
        null,
        null,
        now);
  }

  /** Fills one reusable Bronze row from a WAL record. Not thread-safe. */
  private static final class RowFiller {
    private final BronzeRowMapper mapper;

    RowFiller(org.apache.iceberg.Schema schema, WalTable kind) {
      mapper = new BronzeRowMapper(schema, kind == WalTable.TRADES);
    }

    ArrayRow fill(WalRecord<?> r, ExchangeCalendar cal, String writer, long ingestedAtMicros) {
      if (r.row() instanceof TradeRow t) {
        mapper.trade(
            t, t.exchange(), tradingDate(cal, t.tsEventMicros()), VENDOR, ingestedAtMicros);
      } else {
        QuoteRow q = (QuoteRow) r.row();
        mapper.quote(
            q, q.exchange(), tradingDate(cal, q.tsEventMicros()), VENDOR, ingestedAtMicros);
      }
      // ts_recv is when the writer received the event (the WAL's received_at)
      return mapper.walLineage(writer, r.seq(), r.receivedAtMicros());
    }

    private static LocalDate tradingDate(ExchangeCalendar cal, long tsMicros) {
      return cal.tradingDate(
          Instant.ofEpochSecond(
              Math.floorDiv(tsMicros, 1_000_000L), Math.floorMod(tsMicros, 1_000_000L) * 1000L));
    }
  }
}
