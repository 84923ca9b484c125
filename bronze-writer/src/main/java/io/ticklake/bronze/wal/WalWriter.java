package io.ticklake.bronze.wal;

import static java.util.Objects.requireNonNull;

import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.catalog.TicklakeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/**
 * The write-ahead log of one (writer id, table) directory: recovers it on open, then appends
 * batches of events, assigning each event the next sequence number.
 *
 * <p>An append writes the batch's IPC message to the active segment's data file, then its index
 * entry; it is acknowledged (the {@code append…} methods return) when the entry is durable as the
 * {@link FsyncPolicy} defines. The data file is always forced before the entry that covers it is
 * written, so a durable entry never names bytes that are not. Segments roll when the data file
 * would exceed {@link WalOptions#segmentBytes()}.
 *
 * <p>Thread-safe: appends from several threads are serialised on one lock (sequence numbers follow
 * the order in which they take it); with {@link FsyncPolicy#BATCH} a background syncer thread
 * commits groups and every appender waits for its group. A write error (disk full) rolls the
 * segment back to the previous batch and fails only that append; the writer stays usable. An error
 * while forcing or writing an index group in the syncer fails the writer: every later call fails
 * until it is closed and reopened, which recovers the WAL. Only one writer may hold a directory (a
 * file lock {@code wal.lock}).
 */
public final class WalWriter implements AutoCloseable {
  private static final String LOCK_FILE = "wal.lock";

  private final Path dir;
  private final WalTable table;
  private final WalOptions options;
  private final byte[] schemaMessage;
  private final BufferAllocator allocator;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final WalRecoveryReport recovery;
  private final WalReader reader;
  private final ByteChannels.Sink sink = new ByteChannels.Sink(1 << 20);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition durable = lock.newCondition();
  private final Condition syncerWake = lock.newCondition();
  private final Thread syncer;

  // guarded by lock
  private final Deque<long[]> sealed = new ArrayDeque<>(); // {baseSeq, lastSeq} of older segments
  private final List<WalSegment> sealedOpen = new ArrayList<>();
  private final List<Pending> pending = new ArrayList<>();
  private WalSegment active;
  private long nextSeq;
  private long durableSeq;
  private long pendingEvents;
  private long oldestPendingNanos;
  private int waiters; // appenders blocked in awaitDurable
  private boolean closing;
  private boolean closed;
  private TicklakeException failure;

  private record Pending(WalSegment segment, WalIndexEntry entry) {}

  /** A durable batch not yet released: where to read it back for the flush to Bronze. */
  private record Logged(long baseSeq, Path dataPath, WalIndexEntry entry) {}

  // guarded by lock: durable batches, recovered or appended, until released
  private final ArrayDeque<Logged> logged = new ArrayDeque<>();

  private WalWriter(
      Path dir,
      WalTable table,
      WalOptions options,
      FileChannel lockChannel,
      FileLock fileLock,
      WalRecovery.Result recovered)
      throws IOException {
    this.dir = dir;
    this.table = table;
    this.options = options;
    this.lockChannel = lockChannel;
    this.fileLock = fileLock;
    this.recovery = recovered.report();
    this.schemaMessage = WalSegment.schemaMessage(table.schema());
    this.allocator = new RootAllocator(options.allocatorLimit());
    boolean ok = false;
    try {
      List<WalRecovery.Segment> segs = recovered.segments();
      long lastSeq = recovery.lastSeq();
      WalRecovery.Segment tail = segs.isEmpty() ? null : segs.get(segs.size() - 1);
      if (lastSeq > 0) {
        nextSeq = lastSeq + 1;
      } else {
        nextSeq = Math.max(options.firstSeq(), tail == null ? 1 : tail.baseSeq());
      }
      for (WalRecovery.Segment s : segs) {
        for (WalIndexEntry e : s.entries()) {
          logged.add(new Logged(s.baseSeq(), s.dataPath(), e));
        }
        long segLast =
            s.entries().isEmpty()
                ? s.baseSeq() - 1
                : s.entries().get(s.entries().size() - 1).lastSeq();
        sealed.add(new long[] {s.baseSeq(), segLast});
      }
      boolean reuse =
          tail != null
              && tail.clean()
              && (tail.entries().isEmpty()
                  ? tail.baseSeq() == nextSeq
                  : tail.entries().get(tail.entries().size() - 1).lastSeq() + 1 == nextSeq);
      if (reuse) {
        sealed.removeLast();
        active =
            WalSegment.reopen(dir, tail.baseSeq(), tail.dataEnd(), tail.indexEnd(), nextSeq - 1);
      } else {
        active =
            WalSegment.create(
                dir, table, schemaMessage, nextSeq, options.fsyncPolicy() != FsyncPolicy.OS);
      }
      durableSeq = nextSeq - 1;
      this.reader = new WalReader(dir, table, recovered, allocator, false);
      if (options.fsyncPolicy() == FsyncPolicy.BATCH) {
        syncer = new Thread(this::syncLoop, "wal-syncer-" + dir.getFileName());
        syncer.setDaemon(true);
        syncer.start();
      } else {
        syncer = null;
      }
      ok = true;
    } finally {
      if (!ok) {
        if (active != null) {
          active.close();
        }
        allocator.close();
      }
    }
  }

  /**
   * Whether {@code writerId} can name a writer: {@code [A-Za-z0-9._-]+}, but not {@code .} or
   * {@code ..}, which match the pattern but would name the WAL root or its parent.
   */
  public static boolean isValidWriterId(String writerId) {
    return writerId != null
        && writerId.matches("[A-Za-z0-9._-]+")
        && !writerId.equals(".")
        && !writerId.equals("..");
  }

  /** {@code <walRoot>/<writerId>/<table>}: the directory of one writer's WAL for one table. */
  public static Path directory(Path walRoot, String writerId, WalTable table) {
    requireNonNull(walRoot, "walRoot is null");
    requireNonNull(table, "table is null");
    if (!isValidWriterId(writerId)) {
      throw new IllegalArgumentException(
          "writerId must match [A-Za-z0-9._-]+ and not be '.' or '..': " + writerId);
    }
    return walRoot.resolve(writerId).resolve(table.dirName());
  }

  /**
   * Opens (creating if needed) the WAL in {@code dir}: takes the directory lock, runs {@link
   * WalRecovery#recover} (torn tail cut; corruption fails unless {@link WalOptions#salvage()}), and
   * continues after the last valid sequence number.
   *
   * @throws WalCorruptionException on corruption before the tail without salvage
   * @throws TicklakeException when the directory cannot be created, locked or written
   */
  public static WalWriter open(Path dir, WalTable table, WalOptions options) {
    requireNonNull(dir, "dir is null");
    requireNonNull(table, "table is null");
    requireNonNull(options, "options is null");
    FileChannel lockChannel = null;
    try {
      Files.createDirectories(dir);
      lockChannel =
          FileChannel.open(
              dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock fileLock;
      try {
        fileLock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        fileLock = null;
      }
      if (fileLock == null) {
        throw TicklakeException.of(
            TicklakeException.Kind.CONFIGURATION,
            "Cannot open WAL %s: another writer holds it",
            dir);
      }
      WalRecovery.Result recovered = WalRecovery.run(dir, table, options.salvage(), true);
      return new WalWriter(dir, table, options, lockChannel, fileLock, recovered);
    } catch (IOException e) {
      closeQuietly(lockChannel);
      throw WalStorageErrors.error(
          dir,
          e,
          "Cannot open WAL %s: %s (the WAL is kept as it is)",
          dir,
          WalRecovery.describe(e));
    } catch (RuntimeException e) {
      closeQuietly(lockChannel);
      throw e;
    }
  }

  /** What recovery found and did when this writer opened the WAL. */
  public WalRecoveryReport recovery() {
    return recovery;
  }

  /** The directory of this WAL. */
  public Path dir() {
    return dir;
  }

  /** The table kind of this WAL. */
  public WalTable table() {
    return table;
  }

  /** A new, empty batch with this WAL's schema, allocated from the WAL's allocator; close it. */
  public VectorSchemaRoot newBatch() {
    return VectorSchemaRoot.create(table.schema(), allocator);
  }

  /** Appends trades and returns their sequence numbers once durable per the fsync policy. */
  public SeqRange appendTrades(List<TradeRow> rows) {
    checkTable(WalTable.TRADES);
    try (VectorSchemaRoot root = newBatch()) {
      WalRows.fillTrades(root, requireNonNull(rows, "rows is null"));
      return append(root);
    }
  }

  /** Appends quotes and returns their sequence numbers once durable per the fsync policy. */
  public SeqRange appendQuotes(List<QuoteRow> rows) {
    checkTable(WalTable.QUOTES);
    try (VectorSchemaRoot root = newBatch()) {
      WalRows.fillQuotes(root, requireNonNull(rows, "rows is null"));
      return append(root);
    }
  }

  /**
   * Appends a columnar batch with this WAL's schema (the WAL overwrites {@code wal_seq} and {@code
   * received_at}) and returns its sequence numbers once durable per the fsync policy.
   */
  public SeqRange append(VectorSchemaRoot batch) {
    SeqRange range = write(batch);
    awaitDurable(range.last());
    return range;
  }

  /**
   * Writes a columnar batch like {@link #append(VectorSchemaRoot)} but returns without waiting for
   * durability; {@link #awaitDurable(long)} waits for it. Lets one thread pipeline group commits.
   */
  public SeqRange write(VectorSchemaRoot batch) {
    requireNonNull(batch, "batch is null");
    int n = batch.getRowCount();
    if (n <= 0) {
      throw new IllegalArgumentException("Cannot append an empty batch to WAL " + dir);
    }
    if (!batch.getSchema().equals(table.schema())) {
      throw new IllegalArgumentException(
          "Cannot append to WAL "
              + dir
              + ": the batch schema is not the "
              + table.dirName()
              + " schema");
    }
    Instant now = Instant.now();
    long receivedAt = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    lock.lock();
    try {
      checkUsable();
      long first = nextSeq;
      long last = first + n - 1;
      BigIntVector seq = (BigIntVector) batch.getVector(WalTable.WAL_SEQ);
      TimeStampMicroTZVector recv = (TimeStampMicroTZVector) batch.getVector(WalTable.RECEIVED_AT);
      for (int i = 0; i < n; i++) {
        seq.setSafe(i, first + i);
        recv.setSafe(i, receivedAt);
      }
      seq.setValueCount(n);
      recv.setValueCount(n);
      sink.reset();
      VectorUnloader unloader = new VectorUnloader(batch);
      try (ArrowRecordBatch rb = unloader.getRecordBatch()) {
        MessageSerializer.serialize(new WriteChannel(sink), rb);
      } catch (IOException e) {
        throw new IllegalStateException("Cannot serialise a batch in memory", e);
      }
      ByteBuffer message = sink.contents();
      int length = message.remaining();
      int crc = WalSegment.crc(message);
      if (active.lastSeq() >= active.baseSeq()
          && active.dataSize() + length > options.segmentBytes()) {
        roll();
      }
      WalSegment seg = active;
      long dataBefore = seg.dataSize();
      long indexBefore = seg.indexSize();
      long lastBefore = seg.lastSeq();
      FsyncPolicy policy = options.fsyncPolicy();
      try {
        long offset = seg.appendData(message, last);
        WalIndexEntry entry = new WalIndexEntry(first, last, n, offset, length, crc);
        if (policy == FsyncPolicy.OS) {
          seg.appendEntries(List.of(entry));
          durableSeq = last;
          logged.add(new Logged(seg.baseSeq(), seg.dataPath(), entry));
        } else if (policy == FsyncPolicy.EVERY) {
          seg.syncData();
          seg.appendEntries(List.of(entry));
          seg.syncIndex();
          durableSeq = last;
          logged.add(new Logged(seg.baseSeq(), seg.dataPath(), entry));
        } else {
          if (pending.isEmpty()) {
            oldestPendingNanos = System.nanoTime();
          }
          pending.add(new Pending(seg, entry));
          pendingEvents += n;
          if (pending.size() == 1 || pendingEvents >= options.maxEvents()) {
            syncerWake.signal();
          }
        }
      } catch (IOException e) {
        rollBack(seg, dataBefore, indexBefore, lastBefore, policy != FsyncPolicy.BATCH, e);
        throw WalStorageErrors.error(
            dir,
            e,
            "Cannot append %d events to WAL %s: %s; nothing after seq %d was acknowledged and the"
                + " WAL is kept",
            n,
            dir,
            WalRecovery.describe(e),
            first - 1);
      }
      nextSeq = last + 1;
      return SeqRange.of(first, last);
    } finally {
      lock.unlock();
    }
  }

  /** Waits until every sequence number up to {@code seq} is durable per the fsync policy. */
  public void awaitDurable(long seq) {
    lock.lock();
    try {
      if (durableSeq >= seq) {
        return;
      }
      // someone waits: the syncer commits the pending group now instead of after maxDelay
      waiters++;
      syncerWake.signal();
      try {
        while (durableSeq < seq) {
          if (failure != null) {
            throw failure(failure);
          }
          if (closed) {
            throw new IllegalStateException("WAL " + dir + " is closed");
          }
          durable.awaitUninterruptibly();
        }
      } finally {
        waiters--;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The last sequence number acknowledged as durable. */
  public long durableSeq() {
    lock.lock();
    try {
      return durableSeq;
    } finally {
      lock.unlock();
    }
  }

  /** The last sequence number assigned, durable or not; 0 if none. */
  public long lastSeq() {
    lock.lock();
    try {
      return nextSeq - 1;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Replays the records recovery found at open with seq &gt; {@code watermark}, see {@link
   * WalReader}.
   */
  public long replayBatches(long watermark, WalReader.BatchConsumer consumer) {
    return reader.replayBatches(watermark, consumer);
  }

  /** Replays the trades recovery found at open with seq &gt; {@code watermark}, in order. */
  public long replayTrades(long watermark, Consumer<WalRecord<TradeRow>> consumer) {
    return reader.replayTrades(watermark, consumer);
  }

  /** Replays the quotes recovery found at open with seq &gt; {@code watermark}, in order. */
  public long replayQuotes(long watermark, Consumer<WalRecord<QuoteRow>> consumer) {
    return reader.replayQuotes(watermark, consumer);
  }

  /**
   * A cursor over the durable batches holding records with {@code watermark} &lt; seq &lt;= {@code
   * upTo} (recovered at open or appended since), reading them back from the segment files into
   * {@code allocator}; close it. {@code upTo} should be a batch's last seq (as returned by an
   * append). Segments are only deleted by {@link #deleteSegmentsUpTo}, so the caller must not call
   * it for seqs above {@code watermark} while the cursor is open.
   */
  public WalCursor cursor(long watermark, long upTo, BufferAllocator allocator) {
    requireNonNull(allocator, "allocator is null");
    List<WalCursor.Part> parts = new ArrayList<>();
    lock.lock();
    try {
      long base = Long.MIN_VALUE;
      List<WalIndexEntry> entries = null;
      for (Logged l : logged) {
        WalIndexEntry e = l.entry();
        if (e.lastSeq() <= watermark) {
          continue;
        }
        if (e.firstSeq() > upTo) {
          break;
        }
        if (entries == null || l.baseSeq() != base) {
          entries = new ArrayList<>();
          base = l.baseSeq();
          parts.add(new WalCursor.Part(l.dataPath(), base, entries));
        }
        entries.add(e);
      }
    } finally {
      lock.unlock();
    }
    return new WalCursor(dir, table, parts, watermark, allocator, false);
  }

  /**
   * Deletes every segment, other than the active one, whose records all have seq &lt;= {@code
   * watermark} and are durable; call it after the Bronze commit holding that watermark. The index
   * is deleted before the data file, so a crash in between leaves a data file recovery removes.
   * Returns the number of segments deleted.
   */
  public int deleteSegmentsUpTo(long watermark) {
    lock.lock();
    try {
      checkUsable();
      while (!logged.isEmpty() && logged.peekFirst().entry().lastSeq() <= watermark) {
        logged.removeFirst();
      }
      int deleted = 0;
      for (Iterator<long[]> it = sealed.iterator(); it.hasNext(); ) {
        long[] s = it.next();
        if (s[1] > watermark || s[1] > durableSeq) {
          break;
        }
        for (Iterator<WalSegment> open = sealedOpen.iterator(); open.hasNext(); ) {
          WalSegment seg = open.next();
          if (seg.baseSeq() == s[0]) {
            seg.close();
            open.remove();
          }
        }
        Files.deleteIfExists(WalSegment.indexPath(dir, s[0]));
        Files.deleteIfExists(WalSegment.dataPath(dir, s[0]));
        it.remove();
        deleted++;
      }
      if (deleted > 0 && options.fsyncPolicy() != FsyncPolicy.OS) {
        WalSegment.syncDirectory(dir);
      }
      return deleted;
    } catch (IOException e) {
      throw WalStorageErrors.error(
          dir,
          e,
          "Cannot delete WAL segments up to seq %d in %s: %s",
          watermark,
          dir,
          WalRecovery.describe(e));
    } finally {
      lock.unlock();
    }
  }

  /**
   * When every record of the WAL is durable and at or below {@code watermark} (committed), deletes
   * every segment, the active one included, and starts an empty active segment at the next seq;
   * otherwise does what {@link #deleteSegmentsUpTo} does. Frees the disk an active segment holds
   * (up to {@link WalOptions#segmentBytes()}), which {@link #deleteSegmentsUpTo} never deletes: on
   * a full disk the WAL otherwise stays full, and every append fails, although Bronze holds all of
   * it. The old active segment is deleted before the new one is created (a crash in between leaves
   * an empty directory: an open with {@link WalOptions#firstSeq()} above the watermark goes on from
   * there). Returns the number of segments deleted.
   */
  public int discardCommitted(long watermark) {
    lock.lock();
    try {
      int deleted = deleteSegmentsUpTo(watermark);
      long last = nextSeq - 1;
      if (last > watermark
          || durableSeq < last
          || !pending.isEmpty()
          || !sealed.isEmpty()
          || active.lastSeq() < active.baseSeq()) {
        return deleted; // something is not committed, or the active segment is empty
      }
      logged.clear();
      long base = active.baseSeq();
      active.close();
      Files.deleteIfExists(WalSegment.indexPath(dir, base));
      Files.deleteIfExists(WalSegment.dataPath(dir, base));
      active =
          WalSegment.create(
              dir, table, schemaMessage, nextSeq, options.fsyncPolicy() != FsyncPolicy.OS);
      if (options.fsyncPolicy() != FsyncPolicy.OS) {
        WalSegment.syncDirectory(dir);
      }
      return deleted + 1;
    } catch (IOException e) {
      failure =
          WalStorageErrors.error(
              dir,
              e,
              "Cannot start a new segment of WAL %s at seq %d: %s",
              dir,
              nextSeq,
              WalRecovery.describe(e));
      throw failure;
    } finally {
      lock.unlock();
    }
  }

  /** Number of segments on disk, the active one included. */
  public int segmentCount() {
    lock.lock();
    try {
      return sealed.size() + 1;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Commits what is pending (BATCH), stops the syncer and closes the files, the allocator and the
   * directory lock. Idempotent.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closing = true;
      syncerWake.signalAll();
    } finally {
      lock.unlock();
    }
    if (syncer != null) {
      try {
        syncer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    lock.lock();
    try {
      closed = true;
      durable.signalAll();
      IOException err = null;
      for (WalSegment s : sealedOpen) {
        err = closeInto(s, err);
      }
      sealedOpen.clear();
      err = closeInto(active, err);
      reader.close();
      allocator.close();
      try {
        fileLock.release();
      } catch (IOException e) {
        err = err == null ? e : err;
      }
      closeQuietly(lockChannel);
      if (err != null) {
        throw TicklakeException.of(
            TicklakeException.Kind.FAILURE,
            "Cannot close WAL %s: %s",
            dir,
            WalRecovery.describe(err));
      }
    } finally {
      lock.unlock();
    }
  }

  private void roll() {
    WalSegment next;
    try {
      next =
          WalSegment.create(
              dir, table, schemaMessage, nextSeq, options.fsyncPolicy() != FsyncPolicy.OS);
    } catch (IOException e) {
      throw WalStorageErrors.error(
          dir,
          e,
          "Cannot roll WAL %s to a new segment at seq %d: %s; nothing after seq %d was acknowledged"
              + " and the WAL is kept",
          dir,
          nextSeq,
          WalRecovery.describe(e),
          nextSeq - 1);
    }
    WalSegment old = active;
    sealed.add(new long[] {old.baseSeq(), old.lastSeq()});
    active = next;
    if (options.fsyncPolicy() == FsyncPolicy.BATCH) {
      sealedOpen.add(old); // the syncer may still owe it index entries
      closeFlushedSegments();
    } else {
      closeInto(old, null);
    }
  }

  private void closeFlushedSegments() {
    for (Iterator<WalSegment> it = sealedOpen.iterator(); it.hasNext(); ) {
      WalSegment s = it.next();
      if (s.lastSeq() <= durableSeq && pending.stream().noneMatch(p -> p.segment() == s)) {
        closeInto(s, null);
        it.remove();
      }
    }
  }

  private void syncLoop() {
    long maxDelay = options.maxDelay().toNanos();
    while (true) {
      List<Pending> group;
      lock.lock();
      try {
        while (true) {
          if (failure != null) {
            return;
          }
          if (!pending.isEmpty()) {
            long waited = System.nanoTime() - oldestPendingNanos;
            if (closing
                || waiters > 0
                || pendingEvents >= options.maxEvents()
                || waited >= maxDelay) {
              break;
            }
            syncerWake.awaitNanos(maxDelay - waited);
          } else if (closing) {
            return;
          } else {
            syncerWake.await();
          }
        }
        group = new ArrayList<>(pending);
        pending.clear();
        pendingEvents = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
      IOException error = null;
      try {
        int i = 0;
        while (i < group.size()) {
          WalSegment seg = group.get(i).segment();
          List<WalIndexEntry> entries = new ArrayList<>();
          while (i < group.size() && group.get(i).segment() == seg) {
            entries.add(group.get(i).entry());
            i++;
          }
          seg.syncData();
          seg.appendEntries(entries);
          seg.syncIndex();
        }
      } catch (IOException e) {
        error = e;
      }
      lock.lock();
      try {
        if (error != null) {
          failure =
              WalStorageErrors.error(
                  dir,
                  error,
                  "Cannot commit WAL %s group of seqs %d..%d: %s; nothing after seq %d was"
                      + " acknowledged, the WAL is kept and must be reopened to recover",
                  dir,
                  group.get(0).entry().firstSeq(),
                  group.get(group.size() - 1).entry().lastSeq(),
                  WalRecovery.describe(error),
                  durableSeq);
          durable.signalAll();
          return;
        }
        durableSeq = group.get(group.size() - 1).entry().lastSeq();
        for (Pending p : group) {
          logged.add(new Logged(p.segment().baseSeq(), p.segment().dataPath(), p.entry()));
        }
        closeFlushedSegments();
        durable.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private void rollBack(
      WalSegment seg,
      long dataSize,
      long indexSize,
      long lastSeq,
      boolean index,
      IOException cause) {
    try {
      seg.rollback(dataSize, index ? indexSize : seg.indexSize(), lastSeq);
    } catch (IOException e) {
      cause.addSuppressed(e);
      failure =
          WalStorageErrors.error(
              dir,
              e,
              "Cannot append to WAL %s: a failed write could not be undone (%s); nothing after seq"
                  + " %d was acknowledged, the WAL is kept and must be reopened to recover",
              dir,
              WalRecovery.describe(e),
              durableSeq);
    }
  }

  private void checkUsable() {
    if (closed || closing) {
      throw new IllegalStateException("WAL " + dir + " is closed");
    }
    if (failure != null) {
      throw failure(failure);
    }
  }

  private static TicklakeException failure(TicklakeException f) {
    return new TicklakeException(f.kind(), f.getMessage(), f);
  }

  private void checkTable(WalTable expected) {
    if (table != expected) {
      throw new IllegalStateException(
          "Cannot append " + expected.dirName() + " to a " + table.dirName() + " WAL: " + dir);
    }
  }

  private static IOException closeInto(WalSegment s, IOException err) {
    try {
      s.close();
      return err;
    } catch (IOException e) {
      return err == null ? e : err;
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // nothing more to do: the channel is unusable either way
      }
    }
  }
}
