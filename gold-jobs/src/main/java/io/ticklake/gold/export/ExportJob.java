package io.ticklake.gold.export;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.catalog.snapshot.SnapshotExpiry;
import io.ticklake.catalog.snapshot.SnapshotResolver;
import io.ticklake.catalog.write.LocalTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Exports rows of gold.bars or a Silver table, pinned to one snapshot, into a new folder in one of
 * the {@link ExportProfile}s, with a {@link ExportReceipt}.
 *
 * <p>{@link #plan()} checks the request against the warehouse and writes nothing. {@link #commit}
 * writes every file into a hidden sibling folder and renames it to the requested folder at the end,
 * so a failed or interrupted export leaves no partial output under the requested name. A killed
 * export leaves its hidden {@code .<name>.export-<pid>-<uuid>} folder; the next export to the same
 * folder name removes such folders whose process is gone ({@link #removeInterrupted}).
 *
 * <p>Not thread-safe.
 */
public final class ExportJob {
  private final Warehouse warehouse;
  private final ExportRequest request;

  /** A job exporting {@code request} from {@code warehouse}. */
  public ExportJob(Warehouse warehouse, ExportRequest request) {
    this.warehouse = requireNonNull(warehouse, "warehouse is null");
    this.request = requireNonNull(request, "request is null");
  }

  /**
   * Resolves the snapshot and checks the request: the output folder, file paths, known symbols and
   * a non-empty selection.
   *
   * @throws TicklakeException of kind INPUT with a "Cannot export …" sentence on a bad request
   */
  public ExportPlan plan() {
    return plan(request, java.util.Map.of());
  }

  private ExportPlan plan(ExportRequest request, java.util.Map<String, String> respelled) {
    Path out = checkOutFolder(request.out());
    if (request.profile() == ExportProfile.LEAN) {
      for (String symbol : request.symbols()) {
        try {
          ExportFiles.inside(out, LeanExport.zipPath(request.interval(), symbol, request.from()));
        } catch (TicklakeException e) {
          throw TicklakeException.of(
              Kind.INPUT,
              "Cannot export symbol '%s' as lean: its file path would escape the output folder %s",
              symbol,
              out);
        }
      }
    }
    Table table = warehouse.table(request.table());
    Optional<Snapshot> snapshot = SnapshotResolver.resolve(table, AsOf.parse(request.asOf()));
    if (snapshot.isEmpty()) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot export %s: the table has no data%s",
          request.table(),
          request.asOf() == null ? "" : " as of " + request.asOf());
    }
    try (ExportSource source = ExportSource.open(warehouse.tempDir(), request, table, snapshot)) {
      // Symbols with no row in the range may still be known (other dates): look only those up.
      List<String> selected = source.selectedSymbols();
      List<String> absent = request.symbols().stream().filter(s -> !selected.contains(s)).toList();
      List<String> elsewhere = absent.isEmpty() ? List.of() : source.knownSymbols(absent);
      List<String> unknown = absent.stream().filter(s -> !elsewhere.contains(s)).toList();
      if (!unknown.isEmpty()) {
        List<String> known = source.knownSymbols(null);
        // tickers are upper case, but --symbols ibm is a natural thing to type
        java.util.Map<String, String> again = respell(request, unknown, known, source.snapshotId());
        unknown = unknown.stream().filter(u -> !again.containsKey(u)).toList();
        if (unknown.isEmpty()) {
          java.util.Map<String, String> all = new java.util.LinkedHashMap<>(respelled);
          all.putAll(again);
          List<String> symbols =
              request.symbols().stream().map(s -> again.getOrDefault(s, s)).toList();
          // the request's constructor drops a symbol given in two cases
          return plan(
              new ExportRequest(
                  request.profile(),
                  request.table(),
                  request.exchange(),
                  symbols,
                  request.from(),
                  request.to(),
                  request.interval(),
                  request.out(),
                  request.asOf()),
              all);
        }
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot export: unknown symbol%s %s in %s%s at snapshot %d (it has %s)",
            unknown.size() == 1 ? "" : "s",
            String.join(", ", unknown),
            request.table(),
            request.exchange() == null ? "" : " for exchange " + request.exchange(),
            source.snapshotId(),
            known.isEmpty()
                ? "no symbols"
                : known.size() <= 20
                    ? String.join(", ", known)
                    : String.join(", ", known.subList(0, 20)) + ", … (" + known.size() + ")");
      }
      long rows = source.rowCount();
      if (rows == 0) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot export: %s has no rows for %s from %s to %s%s at snapshot %d (empty range)",
            request.describeTable(),
            String.join(", ", request.symbols()),
            request.from(),
            request.to(),
            request.exchange() == null ? "" : " on exchange " + request.exchange(),
            source.snapshotId());
      }
      List<ExportSource.SymbolDay> days = source.symbolDays();
      java.util.Set<String> withRows = new java.util.HashSet<>();
      days.forEach(d -> withRows.add(d.symbol()));
      return new ExportPlan(
          request,
          out,
          source.snapshotId(),
          Instant.ofEpochMilli(snapshot.get().timestampMillis()),
          rows,
          source.contentDigest(),
          days.size(),
          request.symbols().stream().filter(s -> !withRows.contains(s)).toList(),
          respelled);
    }
  }

  /**
   * The table's spelling of each symbol in {@code unknown} that it holds in another case only, by
   * symbol as given; symbols with no such spelling are left out.
   *
   * @throws TicklakeException of kind INPUT when a symbol matches two spellings ignoring case
   */
  private static java.util.Map<String, String> respell(
      ExportRequest request, List<String> unknown, List<String> known, long snapshotId) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String symbol : unknown) {
      String key = symbol.toUpperCase(java.util.Locale.ROOT);
      List<String> matches =
          known.stream().filter(k -> k.toUpperCase(java.util.Locale.ROOT).equals(key)).toList();
      if (matches.size() > 1) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot export: symbol %s is not in %s%s as given, and ignoring case it matches %s at"
                + " snapshot %d (give one of them)",
            symbol,
            request.table(),
            request.exchange() == null ? "" : " for exchange " + request.exchange(),
            String.join(", ", matches),
            snapshotId);
      }
      if (matches.size() == 1) {
        out.put(symbol, matches.get(0));
      }
    }
    return out;
  }

  /** Plans and writes the export; returns its receipt. */
  public ExportReceipt commit() {
    return commit(plan());
  }

  /**
   * Writes the planned export into a hidden sibling folder, then renames it into place.
   *
   * @throws TicklakeException when writing fails; nothing is left under the requested name
   */
  public ExportReceipt commit(ExportPlan plan) {
    return commit(plan, ExportProgress.NONE);
  }

  /**
   * Like {@link #commit(ExportPlan)}, telling {@code progress} as data files are written.
   *
   * @throws TicklakeException when writing fails; nothing is left under the requested name
   */
  public ExportReceipt commit(ExportPlan plan, ExportProgress progress) {
    Path out = plan.out();
    Path parent = out.getParent();
    Path tmp =
        parent.resolve(
            "."
                + out.getFileName()
                + TMP_MARK
                + ProcessHandle.current().pid()
                + "-"
                + UUID.randomUUID());
    RUNNING.add(tmp);
    try {
      return commit(plan, progress, out, parent, tmp);
    } finally {
      RUNNING.remove(tmp);
    }
  }

  private ExportReceipt commit(
      ExportPlan plan, ExportProgress progress, Path out, Path parent, Path tmp) {
    // the plan's request: its symbols are spelled as the table spells them
    ExportRequest request = plan.request();
    Table table = warehouse.table(request.table());
    Snapshot snapshot = table.snapshot(plan.snapshotId());
    if (snapshot == null) { // a concurrent expire removed it since the plan
      throw expired(plan, null);
    }
    Schema schema = SnapshotResolver.schemaAt(table, Optional.of(snapshot));
    try {
      Files.createDirectories(parent);
      Files.createDirectory(tmp);
      List<Path> written;
      try (ExportSource source =
          ExportSource.open(warehouse.tempDir(), request, table, Optional.of(snapshot))) {
        written = write(request, source, tmp, progress);
      }
      ExportReceipt receipt =
          receipt(
              request,
              plan,
              tmp,
              written,
              timeColumns(schema),
              bigIntegerColumns(schema),
              textColumns(schema),
              decimalColumns(schema));
      receipt.writeTo(tmp);
      for (Path f : ExportFiles.listFiles(tmp)) {
        ExportFiles.fsync(f);
      }
      checkOutFolder(out);
      if (Files.isDirectory(out)) {
        Files.delete(out); // empty, checked above; rename(2) needs it gone or empty
      }
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      return receipt;
    } catch (DirectoryNotEmptyException e) {
      LocalTrees.deleteTree(tmp);
      throw TicklakeException.of(
          Kind.INPUT, "Cannot export to %s: the folder was filled while exporting", out);
    } catch (IOException e) {
      LocalTrees.deleteTree(tmp);
      throw writeError(out, tmp, e);
    } catch (UncheckedIOException e) {
      LocalTrees.deleteTree(tmp);
      throw writeError(out, tmp, e.getCause());
    } catch (RuntimeException e) {
      LocalTrees.deleteTree(tmp);
      throw expiredWhileRead(plan, e);
    }
  }

  /**
   * {@code failure}, or a CONFLICT (retry) when a concurrent {@code ticklake expire} removed the
   * plan's snapshot while the export read it: the files listed at the start are deleted before
   * DuckDB reads them all.
   */
  private RuntimeException expiredWhileRead(ExportPlan plan, RuntimeException failure) {
    if ((failure instanceof TicklakeException t && t.kind() == Kind.CONFLICT)
        || !SnapshotExpiry.expiredAfter(
            () -> warehouse.table(plan.request().table()), plan.snapshotId(), failure)) {
      return failure;
    }
    return expired(plan, failure);
  }

  /** The CONFLICT (retry) of an export whose snapshot expired since its plan. */
  private static TicklakeException expired(ExportPlan plan, Throwable cause) {
    return new TicklakeException(
        Kind.CONFLICT,
        String.format(
            java.util.Locale.ROOT,
            "Cannot read %s at snapshot %d: it was expired while it was read; retry",
            plan.request().table(),
            plan.snapshotId()),
        cause);
  }

  private static final String TMP_MARK = ".export-";

  /** Work folders of the exports running in this process. */
  private static final Set<Path> RUNNING = ConcurrentHashMap.newKeySet();

  /**
   * Deletes the hidden work folders that killed exports to {@code out} left next to it: those named
   * {@code .<name>.export-<pid>-<uuid>} whose process {@code pid} no longer runs on this machine,
   * or is this process but not one of its running exports (a container gives every run the same
   * id). A folder of a running export, or one whose name carries no process id, is left alone.
   *
   * @return the folders removed
   */
  public static List<Path> removeInterrupted(Path out) {
    requireNonNull(out, "out is null");
    Path parent = out.toAbsolutePath().getParent();
    String prefix = "." + out.getFileName() + TMP_MARK;
    if (parent == null || !Files.isDirectory(parent)) {
      return List.of();
    }
    List<Path> removed = new ArrayList<>();
    try (Stream<Path> s = Files.list(parent)) {
      for (Path p : s.sorted().toList()) {
        String name = p.getFileName().toString();
        if (!name.startsWith(prefix) || !Files.isDirectory(p)) {
          continue;
        }
        String rest = name.substring(prefix.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
          pid = Long.parseLong(dash < 0 ? "" : rest.substring(0, dash));
        } catch (NumberFormatException e) {
          continue;
        }
        // This process's id on a folder it is not writing is a killed run's: in a container every
        // run gets the same id.
        boolean running =
            pid == ProcessHandle.current().pid()
                ? RUNNING.contains(p.toAbsolutePath().normalize())
                : ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (running) {
          continue;
        }
        LocalTrees.deleteTree(p);
        removed.add(p);
      }
    } catch (IOException e) {
      throw TicklakeException.of(
          Kind.FAILURE, "Cannot list %s for interrupted exports: %s", parent, e.getMessage());
    }
    return removed;
  }

  private static List<Path> write(
      ExportRequest request, ExportSource source, Path dir, ExportProgress progress)
      throws IOException {
    String base = request.table().replace('.', '_');
    List<Path> files =
        switch (request.profile()) {
          case PANDAS -> ParquetExport.pandas(source, dir, base);
          case PARQUET_PARTITIONED -> ParquetExport.partitioned(source, dir, progress);
          case R -> CsvExport.r(source, dir, base);
          case EXCEL -> CsvExport.excel(source, dir, base);
          case POSTGRES -> CsvExport.postgres(source, dir, base);
          case ARROW -> ArrowExport.write(source, dir, base);
          case LEAN -> LeanExport.write(source, dir, progress);
        };
    if (request.profile() != ExportProfile.LEAN
        && request.profile() != ExportProfile.PARQUET_PARTITIONED) {
      progress.filesWritten(1, 1); // one data file, written by one statement
    }
    return files;
  }

  private ExportReceipt receipt(
      ExportRequest request,
      ExportPlan plan,
      Path dir,
      List<Path> written,
      List<String> timeColumns,
      List<String> bigIntegerColumns,
      List<String> textColumns,
      List<String> decimalColumns)
      throws IOException {
    List<ExportReceipt.FileEntry> files = new ArrayList<>();
    long fileRows = 0;
    try (DuckDbBridge duck = DuckDbBridge.open(warehouse.tempDir(), 0, null)) {
      for (Path f : written) {
        Long rows = ExportFiles.countRows(duck, f);
        fileRows += rows == null ? 0 : rows;
        files.add(
            new ExportReceipt.FileEntry(
                ExportFiles.relative(dir, f), rows, Files.size(f), ExportFiles.sha256(f)));
      }
    }
    if (fileRows != plan.rows()) {
      throw TicklakeException.of(
          Kind.FAILURE,
          "Cannot export %s: the files hold %d rows but the snapshot has %d",
          request.describeTable(),
          fileRows,
          plan.rows());
    }
    return new ExportReceipt(
        ExportReceipt.FORMAT,
        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
        warehouse.root().toString(),
        warehouse.config().displayUri(),
        ExportReceipt.Request.of(request),
        List.of(
            new ExportReceipt.TableRead(
                request.table(),
                plan.snapshotId(),
                plan.committedAt().toString(),
                plan.rows(),
                plan.contentDigest())),
        files,
        ExportLoaders.of(
            request, files, timeColumns, bigIntegerColumns, textColumns, decimalColumns));
  }

  /** 64-bit columns whose values pass 2^53 (hash ids, epoch nanoseconds), which a double rounds. */
  private static List<String> bigIntegerColumns(Schema schema) {
    return schema.columns().stream()
        .filter(f -> f.type().typeId() == org.apache.iceberg.types.Type.TypeID.LONG)
        .map(org.apache.iceberg.types.Types.NestedField::name)
        .filter(n -> n.equals("symbol_id") || n.equals("ts_event_ns"))
        .toList();
  }

  /** Text columns (strings and uuids), which CSV loaders must not guess as numbers or missing. */
  private static List<String> textColumns(Schema schema) {
    return schema.columns().stream()
        .filter(
            f ->
                f.type().typeId() == org.apache.iceberg.types.Type.TypeID.STRING
                    || f.type().typeId() == org.apache.iceberg.types.Type.TypeID.UUID)
        .map(org.apache.iceberg.types.Types.NestedField::name)
        .toList();
  }

  /** Decimal columns (prices, sizes), which pandas would read as binary floating point. */
  private static List<String> decimalColumns(Schema schema) {
    return schema.columns().stream()
        .filter(f -> f.type().typeId() == org.apache.iceberg.types.Type.TypeID.DECIMAL)
        .map(org.apache.iceberg.types.Types.NestedField::name)
        .toList();
  }

  private static List<String> timeColumns(Schema schema) {
    return schema.columns().stream()
        .filter(f -> f.type().typeId() == org.apache.iceberg.types.Type.TypeID.TIMESTAMP)
        .map(org.apache.iceberg.types.Types.NestedField::name)
        .toList();
  }

  /** Checks that {@code out} is a new or empty folder; returns it absolute and normalised. */
  static Path checkOutFolder(Path requested) {
    Path out = requested.toAbsolutePath().normalize();
    if (out.getParent() == null) {
      throw TicklakeException.of(Kind.INPUT, "Cannot export to %s: choose a folder", requested);
    }
    for (Path p = out; p != null; p = p.getParent()) {
      if (Files.isSymbolicLink(p) && !Files.exists(p)) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot export to %s: %s a link to %s, which does not exist (choose another folder)",
            requested,
            p.equals(out) ? "it is" : p + " is",
            linkTarget(p));
      }
    }
    if (Files.exists(out)) {
      if (!Files.isDirectory(out)) {
        throw TicklakeException.of(
            Kind.INPUT, "Cannot export to %s: it is a file, not a folder", requested);
      }
      try (Stream<Path> entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw TicklakeException.of(
              Kind.INPUT,
              "Cannot export to %s: the folder exists and is not empty (choose a new folder)",
              requested);
        }
      } catch (IOException e) {
        throw TicklakeException.of(
            Kind.INPUT, "Cannot export to %s: %s", requested, e.getMessage());
      }
    } else if (Files.exists(out.getParent()) && !Files.isDirectory(out.getParent())) {
      throw TicklakeException.of(
          Kind.INPUT, "Cannot export to %s: %s is a file", requested, out.getParent());
    }
    return out;
  }

  /** Where the link {@code link} points, as an absolute path where it can be read. */
  private static Object linkTarget(Path link) {
    try {
      Path target = Files.readSymbolicLink(link);
      return link.getParent() == null ? target : link.getParent().resolve(target).normalize();
    } catch (IOException e) {
      return "a missing file";
    }
  }

  /**
   * The error of a write under an export's work folder {@code tmp}: permission denied is the
   * operator's to fix (exit 3, naming the folder to make writable); any other file-system error
   * names the file and the system's reason. A full or read-only disk is told from the cause and
   * becomes exit 3 where the command reports it.
   */
  private static TicklakeException writeError(Path out, Path tmp, IOException e) {
    if (e instanceof AccessDeniedException denied) {
      // the folder to make writable: the denied one, or the nearest one that exists above it
      Path dir = denied.getFile() == null ? tmp : Path.of(denied.getFile());
      while (dir.getParent() != null && !Files.isDirectory(dir)) {
        dir = dir.getParent();
      }
      return new TicklakeException(
          Kind.CONFIGURATION,
          String.format(
              "Cannot export to %s: permission denied on %s; make %s writable for this user or"
                  + " choose another --out",
              out, denied.getFile() == null ? tmp : denied.getFile(), dir),
          e);
    }
    String reason =
        e instanceof FileSystemException f && f.getReason() == null
            ? f.getFile()
                + ": "
                + (e instanceof java.nio.file.NoSuchFileException
                    ? "no such file or directory"
                    : e.getClass().getSimpleName())
            : e.getMessage();
    return new TicklakeException(
        Kind.FAILURE, String.format("Cannot export to %s: %s", out, reason), e);
  }
}
