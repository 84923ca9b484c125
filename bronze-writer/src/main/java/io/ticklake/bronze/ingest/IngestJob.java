package io.ticklake.bronze.ingest;

import static java.util.Objects.requireNonNull;

import io.ticklake.bronze.read.DataType;
import io.ticklake.bronze.read.FileFormatException;
import io.ticklake.bronze.read.ParseError;
import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.ReadSummary;
import io.ticklake.bronze.read.RowSink;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.bronze.read.VendorReader;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.calendar.ExchangeCalendar;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.write.ArrayRow;
import io.ticklake.catalog.write.CommitOutcome;
import io.ticklake.catalog.write.InternalRowWriter;
import io.ticklake.manifests.FileIdentity;
import io.ticklake.manifests.IngestManifest;
import io.ticklake.manifests.ManifestEntry;
import io.ticklake.manifests.ManifestStatus;
import io.ticklake.quarantine.QuarantineRecord;
import io.ticklake.quarantine.QuarantineWriter;
import io.ticklake.quarantine.RowJson;
import io.ticklake.quarantine.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateProperties;

/**
 * Ingests vendor files into Bronze exactly once.
 *
 * <p>Protocol per file: (1) register its identity (vendor, type, path, sha256) in the manifest —
 * one commit for the whole run — which gives it a file id; (2) parse it, writing rows into Bronze
 * data files and parse errors into quarantine data files, none of them visible yet; (3) commit the
 * rows in one Bronze append whose snapshot summary names the file id ({@link
 * BronzeHistory#FILE_IDS}), then its quarantine rows likewise; (4) record the manifest status.
 * Before (2) the job asks the Bronze and quarantine histories whether the file id is already
 * committed, so a crash between (3) and (4) never duplicates rows: the rerun commits only what is
 * missing. A crash before (3) leaves data files no snapshot references (listed by {@code
 * OrphanFiles}); the rerun writes new ones. A run that fails (a full disk, a lost commit) deletes
 * the data files it wrote and did not commit, except those of a commit that may have landed ({@link
 * CommitOutcome#UNKNOWN}): they are kept, and the error says so.
 *
 * <p>Files are parsed in parallel; commits are serialized. Not thread-safe itself.
 */
public final class IngestJob {
  /** Receives progress while the job runs. Called from worker threads. */
  public interface Progress {
    /** Rows (or errors) were read. */
    default void rows(long delta) {}

    /** A file finished. */
    default void fileDone(IngestResult result) {}
  }

  private final Warehouse warehouse;
  private final VendorReader reader;
  private final ExchangeCalendars calendars;
  private final String defaultExchange;
  private final int parallelism;
  private final Progress progress;
  private final Clock clock;

  /**
   * A job.
   *
   * @param warehouse the warehouse (tables initialized)
   * @param reader the vendor reader
   * @param calendars exchange calendars for trading dates
   * @param defaultExchange exchange for rows whose format does not carry one (Lean: us-equity)
   * @param parallelism files parsed at once
   * @param progress progress listener
   * @param clock clock for ingest times
   */
  public IngestJob(
      Warehouse warehouse,
      VendorReader reader,
      ExchangeCalendars calendars,
      String defaultExchange,
      int parallelism,
      Progress progress,
      Clock clock) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.reader = requireNonNull(reader, "reader is null");
    this.calendars = requireNonNull(calendars, "calendars is null");
    this.defaultExchange = defaultExchange;
    this.parallelism = Math.max(1, parallelism);
    this.progress = progress == null ? new Progress() {} : progress;
    this.clock = clock == null ? Clock.systemUTC() : clock;
  }

  private record Planned(Path path, FileIdentity identity, DataType type, String failure) {}

  /** Set when the run failed: the files still being parsed stop (and delete what they wrote). */
  private volatile boolean cancelled;

  /** Ingests the files (already expanded from folders and globs). */
  public IngestSummary run(List<Path> files) {
    cancelled = false;
    long start = System.nanoTime();
    Instant now = clock.instant();
    List<Planned> planned = new ArrayList<>();
    for (Path p : files) {
      DataType type = null;
      String failure = null;
      try {
        type = reader.dataType(p);
      } catch (FileFormatException e) {
        failure = e.getMessage();
      } catch (IOException e) {
        failure = "Cannot read " + p + ": " + e.getMessage();
      }
      FileIdentity id = FileIdentity.of(reader.vendor(), type == null ? "unknown" : type.id(), p);
      planned.add(new Planned(p, id, type, failure));
    }
    Table manifestTable = warehouse.table(TableContracts.INGEST_MANIFEST.id());
    IngestManifest manifest = new IngestManifest(manifestTable);
    List<IngestManifest.Registration> regs =
        manifest.register(planned.stream().map(Planned::identity).toList(), now);

    Table trades = warehouse.table(TableContracts.BRONZE_TRADES.id());
    Table quotes = warehouse.table(TableContracts.BRONZE_QUOTES.id());
    Table quarantine = warehouse.table(TableContracts.QUARANTINE.id());
    Map<Long, Long> tradesDone = BronzeHistory.committedFiles(trades);
    Map<Long, Long> quotesDone = BronzeHistory.committedFiles(quotes);
    Map<Long, Long> quarantineDone = BronzeHistory.committedFiles(quarantine);
    Settlement settlement = new Settlement(manifest, List.of(trades, quotes, quarantine));
    CrashPoint.BEFORE_WRITE.reach();

    ExecutorService pool = Executors.newFixedThreadPool(parallelism);
    List<Future<Object>> futures = new ArrayList<>();
    Uncommitted uncommitted = new Uncommitted();
    int consumed = 0;
    try {
      for (int i = 0; i < planned.size(); i++) {
        Planned p = planned.get(i);
        IngestManifest.Registration reg = regs.get(i);
        futures.add(
            pool.submit(
                () -> {
                  if (reg.alreadyIngested()) {
                    ManifestEntry e = reg.entry();
                    return new IngestResult(
                        p.path().toString(),
                        e.fileId(),
                        IngestResult.Outcome.SKIPPED,
                        0,
                        0,
                        0,
                        null,
                        null,
                        "already ingested as file " + e.fileId());
                  }
                  if (p.type() == null) {
                    return new Failed(reg.entry(), p.path(), p.failure());
                  }
                  Table target = p.type() == DataType.TRADES ? trades : quotes;
                  Map<Long, Long> done = p.type() == DataType.TRADES ? tradesDone : quotesDone;
                  return parse(
                      reg,
                      p,
                      target,
                      quarantine,
                      Optional.ofNullable(done.get(reg.entry().fileId())),
                      quarantineDone.containsKey(reg.entry().fileId()),
                      now);
                }));
      }
      IngestResult[] results = new IngestResult[planned.size()];
      List<Object> group = new ArrayList<>();
      List<Integer> groupIndex = new ArrayList<>();
      long groupRows = 0;
      for (int i = 0; i < futures.size(); i++) {
        Object o = futures.get(i).get();
        consumed = i + 1;
        if (o instanceof Parsed parsed) {
          uncommitted.add(parsed.bronzeFiles());
          uncommitted.add(parsed.quarantineFiles());
        }
        if (o instanceof IngestResult r) {
          results[i] = r;
          progress.fileDone(r);
        } else {
          group.add(o);
          groupIndex.add(i);
          groupRows += o instanceof Parsed parsed ? parsed.sink().written : 0;
        }
        boolean last = i == futures.size() - 1;
        if (!group.isEmpty() && (last || group.size() >= GROUP_FILES || groupRows >= GROUP_ROWS)) {
          commitGroup(
              manifest,
              settlement,
              trades,
              quotes,
              quarantine,
              group,
              groupIndex,
              results,
              uncommitted);
          group.clear();
          groupIndex.clear();
          groupRows = 0;
        }
      }
      settlement.finish();
      manifest.compactIfNeeded(64);
      return new IngestSummary(List.of(results), (System.nanoTime() - start) / 1e9);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      discard(pool, futures, consumed, uncommitted, trades);
      throw new TicklakeException(Kind.FAILURE, "Cannot finish ingest: interrupted", e);
    } catch (ExecutionException e) {
      discard(pool, futures, consumed, uncommitted, trades);
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new TicklakeException(
          Kind.FAILURE, "Cannot finish ingest: " + cause.getMessage(), cause);
    } catch (RuntimeException e) {
      discard(pool, futures, consumed, uncommitted, trades);
      throw e;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * After a failure: stops the files still being parsed and deletes every data file this run wrote
   * and did not commit — of the files parsed but not yet taken for a commit, and of the commits
   * that definitely did not happen — but none of a commit that may have landed.
   */
  private void discard(
      ExecutorService pool,
      List<Future<Object>> futures,
      int consumed,
      Uncommitted uncommitted,
      Table io) {
    cancelled = true;
    pool.shutdownNow();
    try {
      // a parse that does not stop within this leaves what it wrote to 'ticklake orphans'
      pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (int i = consumed; i < futures.size(); i++) {
      Future<Object> f = futures.get(i);
      if (f.isDone() && !f.isCancelled()) {
        try {
          if (f.get() instanceof Parsed p) {
            uncommitted.add(p.bronzeFiles());
            uncommitted.add(p.quarantineFiles());
          }
        } catch (ExecutionException | InterruptedException | RuntimeException e) {
          // a parse that failed deleted its own files
        }
      }
    }
    uncommitted.deleteAll(io);
  }

  /**
   * The data files this run wrote and has not committed (deleted when the run fails), and those of
   * a commit whose outcome is unknown (kept). Used by the committing thread only.
   */
  private static final class Uncommitted {
    private final java.util.Set<String> files = new java.util.LinkedHashSet<>();

    void add(List<DataFile> written) {
      written.forEach(f -> files.add(f.location()));
    }

    /** Committed, or perhaps committed: no longer this run's to delete. */
    void settled(List<DataFile> written) {
      written.forEach(f -> files.remove(f.location()));
    }

    void deleteAll(Table io) {
      for (String location : files) {
        try {
          io.io().deleteFile(location);
        } catch (RuntimeException e) {
          // its disk went read-only: 'ticklake orphans --delete' reclaims it later
        }
      }
      files.clear();
    }
  }

  /** Files committed together at most: fewer commits for many small files. */
  private static final int GROUP_FILES = 32;

  /** Rows committed together at most: a crash redoes no more than this much work. */
  private static final long GROUP_ROWS = 5_000_000;

  /** A file that could not be read at all. */
  private record Failed(ManifestEntry entry, Path path, String reason) {}

  /** A parsed file whose data files are written but not committed. */
  private record Parsed(
      IngestManifest.Registration reg,
      Planned planned,
      String targetName,
      FileSink sink,
      ReadSummary summary,
      List<DataFile> bronzeFiles,
      List<DataFile> quarantineFiles,
      Optional<Long> bronzeCommitted,
      boolean quarantineCommitted) {}

  /** Parses one file into uncommitted Bronze and quarantine data files. */
  private Object parse(
      IngestManifest.Registration reg,
      Planned planned,
      Table target,
      Table quarantineTable,
      Optional<Long> bronzeCommitted,
      boolean quarantineCommitted,
      Instant now) {
    ManifestEntry entry = reg.entry();
    String targetName =
        (planned.type() == DataType.TRADES
                ? TableContracts.BRONZE_TRADES
                : TableContracts.BRONZE_QUOTES)
            .name();
    FileSink sink =
        new FileSink(
            target,
            quarantineTable,
            targetName,
            planned.type(),
            entry.fileId(),
            reader.fileKey(planned.path()).orElse(null),
            now,
            bronzeCommitted.isEmpty(),
            !quarantineCommitted);
    ReadSummary summary;
    try {
      summary = reader.read(planned.path(), sink);
    } catch (FileFormatException e) {
      sink.abort();
      return new Failed(entry, planned.path(), e.getMessage());
    } catch (IOException e) {
      sink.abort();
      return new Failed(
          entry, planned.path(), "Cannot read " + planned.path() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      sink.abort();
      throw e;
    }
    List<DataFile> bronzeFiles;
    List<DataFile> quarantineFiles;
    try {
      bronzeFiles = sink.bronze == null ? List.of() : sink.bronze.complete();
      quarantineFiles = sink.quarantine == null ? List.of() : sink.quarantine.complete();
    } catch (RuntimeException e) {
      sink.abort(); // a file that could not be closed (a full disk) goes with the others
      throw e;
    }
    CrashPoint.AFTER_WRITE.reach();
    return new Parsed(
        reg,
        planned,
        targetName,
        sink,
        summary,
        bronzeFiles,
        quarantineFiles,
        bronzeCommitted,
        quarantineCommitted);
  }

  /**
   * Commits a group of files: one Bronze append per table naming every file id it holds, one
   * quarantine append, then one manifest append with every file's status.
   */
  private void commitGroup(
      IngestManifest manifest,
      Settlement settlement,
      Table trades,
      Table quotes,
      Table quarantine,
      List<Object> group,
      List<Integer> index,
      IngestResult[] results,
      Uncommitted uncommitted) {
    Map<String, Long> snapshots = new java.util.HashMap<>();
    for (Table target : List.of(trades, quotes)) {
      List<Parsed> toCommit = new ArrayList<>();
      for (Object o : group) {
        if (o instanceof Parsed p
            && p.bronzeCommitted().isEmpty()
            && p.targetName()
                .equals(
                    target == trades
                        ? TableContracts.BRONZE_TRADES.name()
                        : TableContracts.BRONZE_QUOTES.name())) {
          toCommit.add(p);
        }
      }
      if (toCommit.isEmpty()) {
        continue;
      }
      long snapshotId =
          commit(
              target,
              settlement,
              toCommit,
              p -> p.bronzeFiles(),
              p -> p.sink().written,
              "ingest",
              uncommitted);
      snapshots.put(toCommit.get(0).targetName(), snapshotId);
    }
    List<Parsed> withQuarantine = new ArrayList<>();
    for (Object o : group) {
      if (o instanceof Parsed p && !p.quarantineCommitted() && p.sink().quarantined > 0) {
        withQuarantine.add(p);
      }
    }
    if (!withQuarantine.isEmpty()) {
      commit(
          quarantine,
          settlement,
          withQuarantine,
          p -> p.quarantineFiles(),
          p -> p.sink().quarantined,
          "ingest-quarantine",
          uncommitted);
    }
    CrashPoint.AFTER_COMMIT.reach();

    Instant at = clock.instant();
    List<ManifestEntry> statuses = new ArrayList<>();
    for (int k = 0; k < group.size(); k++) {
      Object o = group.get(k);
      IngestResult r;
      if (o instanceof Failed f) {
        statuses.add(f.entry().failed(f.reason(), at));
        r =
            new IngestResult(
                f.path().toString(),
                f.entry().fileId(),
                IngestResult.Outcome.FAILED,
                0,
                0,
                0,
                null,
                null,
                f.reason());
      } else {
        Parsed p = (Parsed) o;
        FileSink sink = p.sink();
        ManifestEntry entry = p.reg().entry();
        Long snapshotId = p.bronzeCommitted().orElse(snapshots.get(p.targetName()));
        statuses.add(
            entry.ingested(
                p.summary().lines(),
                sink.written,
                sink.quarantined,
                sink.minDate,
                sink.maxDate,
                p.targetName(),
                snapshotId,
                p.bronzeCommitted().isPresent()
                    ? "rows were committed by an earlier run (snapshot " + snapshotId + ")"
                    : null,
                at));
        String message =
            (entry.revisionOf() != null && p.reg().isNew()
                    ? "revision of file " + entry.revisionOf() + "; "
                    : "")
                + sink.written
                + " rows"
                + (sink.quarantined > 0 ? ", " + sink.quarantined + " quarantined" : "")
                + (p.bronzeCommitted().isPresent()
                    ? " (recovered: committed by an earlier run)"
                    : "");
        r =
            new IngestResult(
                p.planned().path().toString(),
                entry.fileId(),
                sink.quarantined > 0
                    ? IngestResult.Outcome.PARTLY_QUARANTINED
                    : IngestResult.Outcome.INGESTED,
                p.summary().lines(),
                sink.written,
                sink.quarantined,
                sink.minDate,
                sink.maxDate,
                message);
      }
      results[index.get(k)] = r;
    }
    manifest.record(statuses);
    settlement.settled(group);
    for (int k = 0; k < group.size(); k++) {
      progress.fileDone(results[index.get(k)]);
    }
  }

  /**
   * One append of the files' data files to {@code table}, in one transaction with the properties
   * that mark each file committed until the manifest records it (and without those of files settled
   * since); returns the append's snapshot id.
   *
   * <p>When it fails, its data files stay in {@code uncommitted} (deleted with the run's other
   * uncommitted files) if the commit definitely did not happen; if it may have landed ({@link
   * CommitOutcome#UNKNOWN}) they are taken out of it, kept, and the error says so.
   */
  private static long commit(
      Table table,
      Settlement settlement,
      List<Parsed> files,
      java.util.function.Function<Parsed, List<DataFile>> dataFiles,
      java.util.function.ToLongFunction<Parsed> rows,
      String operation,
      Uncommitted uncommitted) {
    List<DataFile> written = files.stream().flatMap(p -> dataFiles.apply(p).stream()).toList();
    Transaction tx = table.newTransaction();
    AppendFiles append = tx.newAppend();
    written.forEach(append::appendFile);
    append.set(BronzeHistory.FILE_IDS, join(files, p -> Long.toString(p.sink().fileId)));
    append.set(
        BronzeHistory.FILE_ROWS, join(files, p -> p.sink().fileId + ":" + rows.applyAsLong(p)));
    append.set("ticklake.operation", operation);
    // staged in the transaction: a failure up to commitTransaction() never reached the catalog
    append.commit();
    long snapshotId = tx.table().currentSnapshot().snapshotId();
    UpdateProperties marks = tx.updateProperties();
    files.forEach(
        p ->
            marks.set(
                BronzeHistory.ingestFileProperty(p.sink().fileId), Long.toString(snapshotId)));
    List<Long> removed = settlement.removeFrom(table, marks);
    marks.commit();
    try {
      tx.commitTransaction();
    } catch (RuntimeException | Error e) {
      if (CommitOutcome.ofCommit(e, table, snapshotId) == CommitOutcome.UNKNOWN) {
        uncommitted.settled(written);
        throw new TicklakeException(
            Kind.FAILURE,
            String.format(
                Locale.ROOT,
                "Cannot tell whether the commit of %d data files to %s (snapshot %d) happened: %s;"
                    + " its data files are kept, as they may be live: run the same ingest again,"
                    + " which commits only the files %s lacks, and if the commit did not happen"
                    + " 'ticklake orphans --delete' reclaims them",
                written.size(),
                shortName(table),
                snapshotId,
                e.getMessage(),
                shortName(table)),
            e);
      }
      throw e;
    }
    uncommitted.settled(written);
    settlement.removed(table, removed);
    return snapshotId;
  }

  /** {@code bronze.trades} for the catalog's {@code ticklake.bronze.trades}. */
  private static String shortName(Table table) {
    String name = table.name();
    int first = name.indexOf('.');
    return first >= 0 && name.indexOf('.', first + 1) >= 0 ? name.substring(first + 1) : name;
  }

  /**
   * The files whose commit marks ({@link BronzeHistory#ingestFileProperty}) can go: recorded in the
   * manifest by this run, or by any run before it. Marks go with the next commit to their table,
   * the rest at the end of the run.
   */
  private static final class Settlement {
    private final Map<String, Table> tables = new java.util.LinkedHashMap<>();
    private final Map<String, java.util.Set<Long>> pending = new java.util.HashMap<>();

    Settlement(IngestManifest manifest, List<Table> tables) {
      Map<Long, ManifestEntry> current = null;
      for (Table t : tables) {
        this.tables.put(t.name(), t);
        java.util.Set<Long> marked = BronzeHistory.unsettledFiles(t);
        java.util.Set<Long> settled = new java.util.TreeSet<>();
        if (!marked.isEmpty()) {
          current = current == null ? manifest.current() : current;
          for (long id : marked) {
            ManifestEntry e = current.get(id);
            if (e != null && e.status() != ManifestStatus.INGESTING) {
              settled.add(id);
            }
          }
        }
        pending.put(t.name(), settled);
      }
    }

    /** The group's files are recorded in the manifest: their marks can go everywhere. */
    void settled(List<Object> group) {
      for (Object o : group) {
        if (o instanceof Parsed p) {
          for (Table t : tables.values()) {
            if (t.properties().containsKey(BronzeHistory.ingestFileProperty(p.sink().fileId))) {
              pending.get(t.name()).add(p.sink().fileId);
            }
          }
        }
      }
    }

    /** Adds the removal of {@code table}'s settled marks to {@code update}; returns their ids. */
    List<Long> removeFrom(Table table, UpdateProperties update) {
      List<Long> ids = List.copyOf(pending.get(table.name()));
      ids.forEach(id -> update.remove(BronzeHistory.ingestFileProperty(id)));
      return ids;
    }

    void removed(Table table, List<Long> ids) {
      pending.get(table.name()).removeAll(ids);
    }

    /** Removes the marks left over in one property update per table. */
    void finish() {
      for (Table t : tables.values()) {
        if (!pending.get(t.name()).isEmpty()) {
          UpdateProperties update = t.updateProperties();
          removed(t, removeFrom(t, update));
          update.commit();
        }
      }
    }
  }

  private static String join(List<Parsed> files, java.util.function.Function<Parsed, String> f) {
    return String.join(",", files.stream().map(f).toList());
  }

  /** Turns reader callbacks into Bronze and quarantine records of one file. Not thread-safe. */
  private final class FileSink implements RowSink {
    final InternalRowWriter bronze;
    final QuarantineWriter quarantine;
    final BronzeRowMapper mapper;
    final org.apache.iceberg.Schema bronzeSchema;
    final String sourceTable;
    final long fileId;

    /** What the file's path says about all its rows (Lean), or null. */
    final VendorReader.FileKey fileKey;

    final long ingestedAtMicros;
    final Instant now;
    long written;
    long quarantined;
    LocalDate minDate;
    LocalDate maxDate;
    ExchangeCalendar lastCalendar;
    long pendingProgress;

    FileSink(
        Table target,
        Table quarantineTable,
        String targetName,
        DataType type,
        long fileId,
        VendorReader.FileKey fileKey,
        Instant now,
        boolean writeBronze,
        boolean writeQuarantine) {
      this.bronze = writeBronze ? new InternalRowWriter(target) : null;
      this.quarantine = writeQuarantine ? new QuarantineWriter(quarantineTable) : null;
      this.mapper = new BronzeRowMapper(target.schema(), type == DataType.TRADES);
      this.bronzeSchema = target.schema();
      this.sourceTable = targetName;
      this.fileId = fileId;
      this.fileKey = fileKey;
      this.now = now;
      this.ingestedAtMicros =
          Math.multiplyExact(now.getEpochSecond(), 1_000_000L) + now.getNano() / 1000;
    }

    void abort() {
      if (bronze != null) {
        bronze.abort();
      }
      if (quarantine != null) {
        quarantine.abort();
      }
    }

    private ExchangeCalendar calendar(String exchange) {
      ExchangeCalendar c = lastCalendar;
      if (c != null && c.exchangeId().equals(exchange)) {
        return c;
      }
      c = calendars.find(exchange).orElse(null);
      lastCalendar = c;
      return c;
    }

    private void tick() {
      if (cancelled) {
        throw new java.util.concurrent.CancellationException("Cannot parse further: ingest failed");
      }
      if (++pendingProgress == 65_536) {
        progress.rows(pendingProgress);
        pendingProgress = 0;
      }
    }

    /** The exchange {@link #place} chose for the last event. */
    private String placedExchange;

    /**
     * The trading date of an event, or null when its exchange ({@link #placedExchange}) has no
     * calendar.
     */
    private LocalDate place(String exchange, long tsMicros) {
      String ex = exchange != null ? exchange : defaultExchange;
      placedExchange = ex;
      ExchangeCalendar cal = ex == null ? null : calendar(ex);
      if (cal == null) {
        return null;
      }
      Instant ts = instant(tsMicros);
      LocalDate date = cal.tradingDate(ts);
      if (minDate == null || date.isBefore(minDate)) {
        minDate = date;
      }
      if (maxDate == null || date.isAfter(maxDate)) {
        maxDate = date;
      }
      return date;
    }

    @Override
    public void trade(TradeRow t) {
      tick();
      LocalDate date = place(t.exchange(), t.tsEventMicros());
      mapper.trade(t, placedExchange, date, reader.vendor(), ingestedAtMicros);
      ArrayRow row = mapper.fileLineage(fileId, t.line());
      if (date != null) {
        write(row);
      } else {
        unplaced(t.line(), t.symbol(), t.tsEventMicros(), row);
      }
    }

    @Override
    public void quote(QuoteRow q) {
      tick();
      LocalDate date = place(q.exchange(), q.tsEventMicros());
      mapper.quote(q, placedExchange, date, reader.vendor(), ingestedAtMicros);
      ArrayRow row = mapper.fileLineage(fileId, q.line());
      if (date != null) {
        write(row);
      } else {
        unplaced(q.line(), q.symbol(), q.tsEventMicros(), row);
      }
    }

    /**
     * Quarantines a row whose exchange has no calendar, with its values: the Bronze row it would
     * have been (without trading date) as {@code row_json}, its symbol and its event time.
     */
    private void unplaced(long line, String symbol, long tsMicros, ArrayRow row) {
      String ex = placedExchange;
      reject(
          line,
          symbol,
          "unknown_exchange",
          "exchange",
          ex,
          ex == null
              ? "Cannot place the row: the file has no exchange and none was given (--exchange)"
              : "Cannot place the row: exchange '" + ex + "' is not in ref.exchange",
          instant(tsMicros),
          quarantine == null ? null : RowJson.of(bronzeSchema, row));
    }

    private static Instant instant(long micros) {
      return Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS);
    }

    private void write(ArrayRow row) {
      written++;
      if (bronze != null) {
        bronze.write(row);
      }
    }

    @Override
    public void error(ParseError e) {
      tick();
      quarantined++;
      if (quarantine != null) {
        quarantine.write(
            QuarantineRecord.parseError(
                sourceTable,
                reader.vendor(),
                fileId,
                e.line(),
                e.field(),
                e.rawValue(),
                e.rawLine(),
                e.message(),
                // a Lean path names the symbol and date of every row, and its rows carry no
                // exchange: the default one places them all
                fileKey == null ? null : defaultExchange,
                fileKey == null ? null : fileKey.tradingDate(),
                fileKey == null ? null : fileKey.symbol(),
                now));
      }
    }

    /**
     * Quarantines an unplaceable row, with what its file's path says about all its rows. Its
     * exchange is the one it named (so {@code quarantine --exchange} finds an unknown exchange's
     * rows too), else none.
     */
    private void reject(
        long line,
        String symbol,
        String rule,
        String field,
        String value,
        String message,
        Instant tsEvent,
        String rowJson) {
      quarantined++;
      if (quarantine != null) {
        quarantine.write(
            new QuarantineRecord(
                sourceTable,
                "ingest",
                rule,
                Severity.ERROR,
                message,
                field,
                value,
                "exchange".equals(field) ? value : null,
                fileKey == null ? null : fileKey.tradingDate(),
                // the row's own symbol (Tardis, CSV), else the one its path gives (Lean)
                symbol != null ? symbol : fileKey == null ? null : fileKey.symbol(),
                tsEvent,
                reader.vendor(),
                fileId,
                line,
                null,
                null,
                null,
                rowJson,
                null,
                now));
      }
    }
  }
}
