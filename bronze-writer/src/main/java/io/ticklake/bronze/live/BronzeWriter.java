package io.ticklake.bronze.live;

import static java.util.Objects.requireNonNull;

import io.ticklake.bronze.ingest.BronzeHistory;
import io.ticklake.bronze.ingest.CrashPoint;
import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.bronze.wal.SeqRange;
import io.ticklake.bronze.wal.WalTable;
import io.ticklake.bronze.wal.WalWriter;
import io.ticklake.catalog.StorageErrors;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.write.CommitOutcome;
import io.ticklake.catalog.write.LocalTrees;
import io.ticklake.quarantine.QuarantineRecord;
import io.ticklake.quarantine.QuarantineWriter;
import io.ticklake.quarantine.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateProperties;

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
  private static final int COMMIT_TIMES = 4096;

  private final Warehouse warehouse;
  private final ExchangeCalendars calendars;
  private final BronzeWriterOptions options;
  private final Table quarantineTable;
  private final Lane trades;
  private final Lane quotes;
  private final Thread flusher;
  private final BronzeFiles files;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // appenders held back by the pending bound wait here (not on changed: no ping-pong among them)
  private final Condition drained = lock.newCondition();

  // guarded by lock
  private final List<BadLine> badLines = new ArrayList<>();
  private boolean flushRequested;
  private boolean closing;
  private boolean closed;
  private boolean abandoned;
  private long flushes;
  private final long[] commitNanos = new long[COMMIT_TIMES];
  private final long[] icebergNanos = new long[COMMIT_TIMES];
  private long commits;
  private RuntimeException lastError;

  /** One table's WAL, pending events and Bronze watermark. */
  private final class Lane {
    final WalTable kind;
    final Table table;
    final String tableName;
    final WalWriter wal;
    final ReentrantLock appendLock = new ReentrantLock();
    // guarded by the writer's lock; events committedSeq < seq <= appendedSeq are pending, those up
    // to takenSeq being flushed
    long takenSeq;
    long committedSeq;
    long quarantineSeq;
    long vendorHigh;
    // the highest feed seq of a bad line of this table (or of no readable table) quarantined
    long badLineHigh;
    long appendedSeq;
    long rowsCommitted;
    long rowsQuarantined;

    /** Events appended and not yet committed, in flight or not. */
    long uncommitted() {
      return appendedSeq - committedSeq;
    }

    /** Events appended and not yet taken by a flush. */
    long untaken() {
      return appendedSeq - Math.max(committedSeq, takenSeq);
    }

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
    this.files = new BronzeFiles(calendars, options.writerId(), warehouse.tempDir());
    Lane t = null;
    Lane q = null;
    try {
      t = openLane(WalTable.TRADES, TableContracts.BRONZE_TRADES.id().toString());
      q = openLane(WalTable.QUOTES, TableContracts.BRONZE_QUOTES.id().toString());
    } catch (RuntimeException e) {
      if (t != null) {
        t.wal.close();
      }
      files.close();
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
      w.files.close();
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
    Optional<BronzeHistory.WriterMark> last = BronzeHistory.writerMark(table, id, null);
    long watermark = last.map(BronzeHistory.WriterMark::walLastSeq).orElse(0L);
    long vendorHigh = last.map(m -> m.vendorHighSeq().orElse(NO_SEQ)).orElse(NO_SEQ);
    long quarantineSeq =
        BronzeHistory.writerMark(quarantineTable, id, kind.dirName())
            .map(BronzeHistory.WriterMark::walLastSeq)
            .orElse(0L);
    String badHigh =
        quarantineTable.properties().get(BronzeHistory.badLineSeqProperty(id, kind.dirName()));
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
    lane.badLineHigh = badHigh == null ? NO_SEQ : Long.parseLong(badHigh);
    lane.appendedSeq = Math.max(watermark, wal.lastSeq());
    lane.takenSeq = watermark;
    return lane;
  }

  /**
   * Commits every recovered record above the watermark in one append, then deletes the WAL's
   * segments, the active one too: all they hold is committed (on a full WAL disk the active segment
   * was otherwise kept, and the restarted writer failed its first append again).
   */
  private void replay(Lane lane) {
    if (lane.appendedSeq > lane.committedSeq) {
      commit(lane, lane.appendedSeq, List.of());
    }
    lane.wal.discardCommitted(lane.committedSeq);
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

  /**
   * Appends a columnar batch with the {@link WalTable#schema()} of {@code kind} (from {@link
   * #newBatch}; the WAL assigns {@code wal_seq} and {@code received_at}); returns its WAL sequence
   * numbers once durable per the fsync policy. The fast way in: no per-event objects.
   */
  public SeqRange append(WalTable kind, VectorSchemaRoot batch) {
    requireNonNull(kind, "kind is null");
    requireNonNull(batch, "batch is null");
    if (batch.getRowCount() <= 0) {
      throw new IllegalArgumentException("Cannot append an empty batch");
    }
    Lane lane = lane(kind);
    return append(lane, batch.getRowCount(), () -> lane.wal.append(batch));
  }

  /** A new, empty batch for {@link #append(WalTable, VectorSchemaRoot)}; close it. */
  public VectorSchemaRoot newBatch(WalTable kind) {
    return lane(requireNonNull(kind, "kind is null")).wal.newBatch();
  }

  @SuppressWarnings("unchecked")
  private SeqRange append(Lane lane, List<?> rows) {
    requireNonNull(rows, "rows is null");
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("Cannot append an empty batch");
    }
    return append(
        lane,
        rows.size(),
        () ->
            lane.kind == WalTable.TRADES
                ? lane.wal.appendTrades((List<TradeRow>) rows)
                : lane.wal.appendQuotes((List<QuoteRow>) rows));
  }

  private SeqRange append(Lane lane, int events, Supplier<SeqRange> log) {
    lane.appendLock.lock();
    try {
      lock.lock();
      try {
        // backpressure: a batch larger than the bound is let through alone
        while (!closed
            && lane.uncommitted() > 0
            && lane.uncommitted() + events > options.maxPendingEvents()) {
          if (!flushRequested) {
            flushRequested = true;
            changed.signalAll();
          }
          drained.awaitUninterruptibly();
        }
        checkOpen();
      } finally {
        lock.unlock();
      }
      SeqRange range = log.get();
      lock.lock();
      try {
        lane.appendedSeq = range.last();
        if (lane.untaken() >= options.flushEvents()) {
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

  /** A bad input line waiting for the next flush: its quarantine row and its feed seq, if read. */
  private record BadLine(QuarantineRecord record, WalTable table, Long seq) {}

  /**
   * Records an input line that could not be parsed as a quarantine row (stage {@code writer}, rule
   * {@code parse_error}), committed with the next flush. Not logged in the WAL: a crash before that
   * flush loses it. Its seq is unknown: it does not move {@link #badLineHighWater}.
   */
  public void quarantineLine(
      String sourceTable, String rawLine, String field, String value, String message) {
    quarantineLine(sourceTable, rawLine, field, value, message, null, null);
  }

  /**
   * Records a bad input line like {@link #quarantineLine(String, String, String, String, String)};
   * when its feed {@code seq} could be read, the commit of its quarantine row also raises {@link
   * #badLineHighWater} of {@code table} to it (of both tables when {@code table} is null: the
   * line's type could not be read), in the same transaction.
   */
  public void quarantineLine(
      String sourceTable,
      String rawLine,
      String field,
      String value,
      String message,
      WalTable table,
      Long seq) {
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
      badLines.add(new BadLine(r, table, seq));
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
   * The vendor high-water of a writer that has committed no event with a {@code seq}: below every
   * seq, so a fresh writer keeps an event numbered 0 (or negative).
   */
  public static final long NO_SEQ = Long.MIN_VALUE;

  /**
   * The highest vendor sequence number ({@code vendor_seq}) committed to Bronze for this table by
   * this writer, {@link #NO_SEQ} if none. Right after {@link #open} every durable event is
   * committed, so a feed may resume after it.
   */
  public long vendorHighWater(WalTable kind) {
    lock.lock();
    try {
      return lane(kind).vendorHigh;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The highest feed seq of a bad line this writer has quarantined for this table, a line whose
   * type could not be read counting for both tables; {@link #NO_SEQ} if none. Kept in the
   * quarantine table's properties ({@link BronzeHistory#badLineSeqProperty}) by the transaction
   * that commits the line's row, so it never goes back.
   */
  public long badLineHighWater(WalTable kind) {
    lock.lock();
    try {
      return lane(kind).badLineHigh;
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

  /**
   * How long the last (up to 4096) flush commits took, in nanoseconds: reading the WAL, writing the
   * Parquet files and committing quarantine and Bronze, per table and flush.
   */
  public long[] commitNanos() {
    return times(commitNanos);
  }

  /**
   * Of {@link #commitNanos()}, the part after the files were written: the Iceberg commits of
   * quarantine and Bronze.
   */
  public long[] icebergCommitNanos() {
    return times(icebergNanos);
  }

  private long[] times(long[] ring) {
    lock.lock();
    try {
      int n = (int) Math.min(commits, COMMIT_TIMES);
      long[] out = new long[n];
      System.arraycopy(ring, 0, out, 0, n);
      return out;
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
      drained.signalAll();
    } finally {
      lock.unlock();
    }
    trades.wal.close();
    quotes.wal.close();
    files.close();
  }

  /**
   * Stops the flusher without flushing and closes the WALs, for a writer that cannot go on (its WAL
   * failed, the process is stopping): whatever they hold above the Bronze watermark is committed by
   * the next {@link #open} of the same writer id. Waits for a flush in progress to end (it is not
   * retried). Never throws: an error closing a WAL is left to the next open's recovery. Idempotent;
   * a no-op after {@link #close}.
   */
  public void abandon() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      abandoned = true;
      closing = true;
      changed.signalAll();
      drained.signalAll();
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    while (flusher.isAlive()) {
      try {
        flusher.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      changed.signalAll();
      drained.signalAll();
    } finally {
      lock.unlock();
    }
    for (Runnable r :
        new Runnable[] {() -> trades.wal.close(), () -> quotes.wal.close(), files::close}) {
      try {
        r.run();
      } catch (RuntimeException e) {
        // the next open recovers the WAL
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void flushLoop() {
    long intervalNanos = options.flushInterval().toNanos();
    long next = System.nanoTime() + intervalNanos;
    long backoff = 100;
    while (true) {
      long t;
      long q;
      List<BadLine> bad;
      lock.lock();
      try {
        while (!closing
            && !flushRequested
            && trades.untaken() < options.flushEvents()
            && quotes.untaken() < options.flushEvents()
            && System.nanoTime() < next) {
          try {
            changed.awaitNanos(Math.max(1, next - System.nanoTime()));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (abandoned) {
          return;
        }
        if (closing
            && trades.uncommitted() == 0
            && quotes.uncommitted() == 0
            && badLines.isEmpty()) {
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
        if (t > 0 || !bad.isEmpty()) {
          commit(trades, t, bad);
          bad = List.of();
        }
        if (q > 0) {
          commit(quotes, q, List.of());
        }
        backoff = 100;
        lock.lock();
        try {
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
                + flushFailure(e, warehouse.root()));
        lock.lock();
        try {
          lastError = e;
          // the uncommitted events stay in the WAL; the retry reads them again
          trades.takenSeq = trades.committedSeq;
          quotes.takenSeq = quotes.committedSeq;
          badLines.addAll(0, bad);
          changed.signalAll();
        } finally {
          lock.unlock();
        }
        lock.lock();
        try {
          // a backoff that abandon() cuts short
          long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff);
          for (long left = end - System.nanoTime(); !abandoned && left > 0; ) {
            left = changed.awaitNanos(left);
          }
          if (abandoned) {
            return;
          }
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        } finally {
          lock.unlock();
        }
        backoff = Math.min(RETRY_MAX_MILLIS, backoff * 2);
        if (closing && backoff >= RETRY_MAX_MILLIS) {
          return;
        }
      }
    }
  }

  /**
   * What the retry line says of a failed flush: for a full or read-only disk, whichever library met
   * it (the error's own message often names only the file, e.g. Iceberg's {@code Failed to write
   * json to file: …}), {@code Cannot write <file>: <reason> (<the error's message>); <what to do>,
   * the writer retries until the flush commits}; for any other error its message.
   */
  static String flushFailure(RuntimeException e, Path warehouseRoot) {
    Optional<StorageErrors.Found> found = StorageErrors.find(e);
    if (found.isEmpty()) {
      return e.getMessage();
    }
    StorageErrors.Found f = found.get();
    Path dir = f.file().map(p -> folderToFree(p, warehouseRoot)).orElse(warehouseRoot);
    String advice = StorageErrors.advice(dir, e, "the writer retries until the flush commits");
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return "Cannot write "
        + (f.file().isPresent() ? f.describe() : "to " + warehouseRoot + ": " + f.reason())
        + " ("
        + message
        + ")"
        + (advice == null ? "" : "; " + advice);
  }

  /**
   * The folder to free space in for a failed write of {@code file}: the warehouse when the file is
   * on its file system, else the file's nearest existing folder (a table folder mounted apart).
   */
  private static Path folderToFree(Path file, Path warehouseRoot) {
    Path dir = StorageErrors.existingDirectory(file, warehouseRoot);
    try {
      if (dir.startsWith(warehouseRoot)
          && Files.getFileStore(dir).equals(Files.getFileStore(warehouseRoot))) {
        return warehouseRoot;
      }
    } catch (IOException e) {
      // name the file's own folder then
    }
    return dir;
  }

  // lock held: the last seq to flush, 0 when nothing is pending
  private static long take(Lane lane) {
    if (lane.appendedSeq <= lane.committedSeq) {
      return 0;
    }
    lane.takenSeq = lane.appendedSeq;
    return lane.appendedSeq;
  }

  /**
   * Writes and commits the events up to {@code upTo} of a table: quarantine rows first, then the
   * Bronze append, both marked with the writer id and sequence range; then deletes the WAL segments
   * it covers. The events are read back from the WAL above the committed watermark (re-read from
   * the table's history: a failed commit may in fact have succeeded), so a retry skips what is
   * already committed. The bad lines are removed from {@code bad} once their quarantine commit is
   * done, so that the caller retries only what is not committed.
   *
   * <p>A failed attempt leaves no data files behind that a retry would only add to: those of a
   * commit that was not tried are deleted, and those of a commit that threw are deleted when it
   * definitely did not happen ({@link CommitOutcome}), each commit's own files only — never the
   * quarantine files of a quarantine commit that landed before the Bronze commit failed. Files of a
   * commit that may have landed are kept (the retry then finds its watermark, or {@code ticklake
   * orphans} lists them).
   */
  private void commit(Lane lane, long upTo, List<BadLine> bad) {
    Optional<BronzeHistory.WriterMark> last =
        BronzeHistory.writerMark(lane.table, options.writerId(), null);
    long watermark = last.map(BronzeHistory.WriterMark::walLastSeq).orElse(0L);
    long vendorHigh = last.map(m -> m.vendorHighSeq().orElse(NO_SEQ)).orElse(NO_SEQ);
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
    boolean events = upTo > watermark;
    if (!events && bad.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    Instant now = Instant.now();
    long ingestedAt = Math.multiplyExact(now.getEpochSecond(), 1_000_000L) + now.getNano() / 1000;
    QuarantineWriter quarantine = new QuarantineWriter(quarantineTable);
    BronzeFiles.Written written = null;
    // once a commit is tried, its files are deleted only by CommitOutcome, right where it threw,
    // and only when the commit definitely did not happen; once it landed, never
    boolean bronzeCommitTried = false;
    boolean quarantineCommitTried = false;
    long after = watermark;
    try {
      if (events) {
        written =
            files.write(
                lane.table,
                lane.kind,
                alloc -> lane.wal.cursor(after, upTo, alloc),
                after,
                upTo,
                qSeq,
                ingestedAt,
                // written as they come: with their rows they would add up for a feed whose
                // every event names an unknown exchange
                (seq, exchange, symbol, ts, row) ->
                    quarantine.write(unknownExchange(lane, seq, exchange, symbol, ts, row, now)));
      }
      for (BadLine b : bad) {
        quarantine.write(b.record());
      }
      long tradesBad = badLineHigh(bad, WalTable.TRADES);
      long quotesBad = badLineHigh(bad, WalTable.QUOTES);
      List<DataFile> qFiles = quarantine.complete();
      CrashPoint.FLUSH_AFTER_WRITE.reach();
      long filesDone = System.nanoTime();
      long first = after + 1;
      long high = written == null ? vendorHigh : Math.max(vendorHigh, written.vendorHigh());
      if (!qFiles.isEmpty()) {
        // the watermarks go into the summary and, in the same transaction, into the table's
        // properties, which snapshot expiry does not take away (BronzeHistory.writerMark)
        Snapshot qBase = quarantineTable.currentSnapshot();
        Transaction qt = quarantineTable.newTransaction();
        AppendFiles qa = qt.newAppend();
        qFiles.forEach(qa::appendFile);
        qa.set(BronzeHistory.WRITER_ID, options.writerId());
        qa.set("ticklake.operation", "writer-quarantine");
        if (events) {
          qa.set(BronzeHistory.WAL_TABLE, lane.kind.dirName());
          qa.set(BronzeHistory.WAL_FIRST_SEQ, Long.toString(first));
          qa.set(BronzeHistory.WAL_LAST_SEQ, Long.toString(upTo));
        }
        qa.commit();
        Map<String, String> props = new LinkedHashMap<>();
        if (events) {
          props.put(
              BronzeHistory.watermarkProperty(options.writerId(), lane.kind.dirName()),
              Long.toString(upTo));
        }
        // with the rows, so that a resent bad line is known as quarantined (never goes back)
        lock.lock();
        try {
          if (tradesBad > trades.badLineHigh) {
            props.put(
                BronzeHistory.badLineSeqProperty(options.writerId(), WalTable.TRADES.dirName()),
                Long.toString(tradesBad));
          }
          if (quotesBad > quotes.badLineHigh) {
            props.put(
                BronzeHistory.badLineSeqProperty(options.writerId(), WalTable.QUOTES.dirName()),
                Long.toString(quotesBad));
          }
        } finally {
          lock.unlock();
        }
        if (!props.isEmpty()) {
          UpdateProperties update = qt.updateProperties();
          props.forEach(update::set);
          update.commit();
        }
        quarantineCommitTried = true;
        try {
          qt.commitTransaction();
        } catch (RuntimeException failed) {
          // only this commit's files, and only when it definitely did not happen
          CommitOutcome.discardIfFailed(failed, quarantineTable, qBase, qFiles);
          throw failed;
        }
        lock.lock();
        try {
          trades.badLineHigh = Math.max(trades.badLineHigh, tradesBad);
          quotes.badLineHigh = Math.max(quotes.badLineHigh, quotesBad);
          // quarantined: a retry of this flush (its Bronze commit failed) must not add them again
          if (events) {
            lane.quarantineSeq = Math.max(lane.quarantineSeq, upTo);
          }
        } finally {
          lock.unlock();
        }
        if (!bad.isEmpty()) {
          bad.clear();
        }
      }
      if (events) {
        // committed even when every event was quarantined: the watermark must advance
        Snapshot base = lane.table.currentSnapshot();
        Transaction tx = lane.table.newTransaction();
        AppendFiles append = tx.newAppend();
        written.files().forEach(append::appendFile);
        append.set(BronzeHistory.WRITER_ID, options.writerId());
        append.set(BronzeHistory.WAL_TABLE, lane.kind.dirName());
        append.set(BronzeHistory.WAL_FIRST_SEQ, Long.toString(first));
        append.set(BronzeHistory.WAL_LAST_SEQ, Long.toString(upTo));
        append.set(BronzeHistory.VENDOR_HIGH_SEQ, Long.toString(high));
        append.set("ticklake.operation", "writer");
        append.commit();
        tx.updateProperties()
            .set(BronzeHistory.watermarkProperty(options.writerId(), null), Long.toString(upTo))
            .set(BronzeHistory.vendorHighProperty(options.writerId()), Long.toString(high))
            .commit();
        bronzeCommitTried = true;
        try {
          tx.commitTransaction();
        } catch (RuntimeException failed) {
          // the attempt's files go only when its commit definitely did not happen (the quarantine
          // commit above, which landed, keeps its files); a retry writes the events again
          if (CommitOutcome.ofCommit(
                  failed,
                  lane.table,
                  base == null ? -1 : base.snapshotId(),
                  written.files().stream().map(DataFile::location).toList())
              == CommitOutcome.FAILED) {
            LocalTrees.deleteTreeQuietly(written.staging());
          }
          throw failed;
        }
        CrashPoint.FLUSH_AFTER_COMMIT.reach();
      }
      lock.lock();
      try {
        long end = System.nanoTime();
        icebergNanos[(int) (commits % COMMIT_TIMES)] = end - filesDone;
        commitNanos[(int) (commits++ % COMMIT_TIMES)] = end - started;
        if (events) {
          lane.committedSeq = upTo;
          lane.quarantineSeq = Math.max(lane.quarantineSeq, upTo);
          lane.vendorHigh = high;
          lane.rowsCommitted += written.kept();
          lane.rowsQuarantined += written.rejected();
        }
      } finally {
        lock.unlock();
      }
      if (events) {
        lane.wal.deleteSegmentsUpTo(upTo);
      }
      lock.lock();
      try {
        changed.signalAll();
        drained.signalAll();
      } finally {
        lock.unlock();
      }
    } catch (RuntimeException e) {
      if (!quarantineCommitTried) {
        quarantine.abort();
      }
      if (written != null && !bronzeCommitTried) {
        LocalTrees.deleteTreeQuietly(written.staging());
      }
      throw e;
    }
  }

  /** The highest seq of the bad lines counting for {@code table}, {@link #NO_SEQ} if none. */
  private static long badLineHigh(List<BadLine> bad, WalTable table) {
    long high = NO_SEQ;
    for (BadLine b : bad) {
      if (b.seq() != null && (b.table() == null || b.table() == table)) {
        high = Math.max(high, b.seq());
      }
    }
    return high;
  }

  private QuarantineRecord unknownExchange(
      Lane lane,
      long seq,
      String exchange,
      String symbol,
      Instant ts,
      String rowJson,
      Instant now) {
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
        seq,
        null,
        rowJson,
        null,
        now);
  }
}
