package io.ticklake.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.ticklake.bronze.ingest.IngestJob;
import io.ticklake.bronze.ingest.IngestResult;
import io.ticklake.bronze.ingest.IngestSummary;
import io.ticklake.bronze.ingest.InputFiles;
import io.ticklake.bronze.ingest.VendorReaders;
import io.ticklake.bronze.read.MappedReader;
import io.ticklake.bronze.read.ReaderMapping;
import io.ticklake.bronze.read.VendorReader;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.calendar.ExchangeTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ticklake ingest}: vendor files into Bronze, exactly once. */
@Command(
    name = "ingest",
    header = "Ingest vendor files into bronze.trades / bronze.quotes.",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest vendor files (files, folders, globs) into bronze.trades / bronze.quotes.",
      "Each file is registered by identity (vendor, type, path, sha256) in ops.ingest_manifest;",
      "re-ingesting an identical file is a no-op. Unparseable lines go to ops.quarantine with",
      "file, line and field; a file that cannot be read at all is marked failed and nothing of",
      "it is appended. Exit code 0 when every file was ingested or skipped, 6 when a file failed."
    })
final class IngestCommand implements Callable<Integer>, StorageWriting {
  @Override
  public String doing() {
    return "ingest";
  }

  @Override
  public String rerun() {
    return "then run the same ingest again: it commits only what this run did not (files it"
        + " recorded as ingested are skipped)";
  }

  @ParentCommand TicklakeCommand root;

  @Spec CommandSpec spec;

  @Option(
      names = "--vendor",
      required = true,
      paramLabel = "VENDOR",
      description = "File format: lean, tardis or csv (generic, needs --mapping).")
  String vendor;

  @Option(
      names = "--mapping",
      paramLabel = "FILE",
      description = "Mapping file for --vendor csv (see docs/generic-mapping.md).")
  Path mapping;

  @Option(
      names = "--exchange",
      paramLabel = "EXCHANGE",
      description = "Exchange for rows whose format carries none (default: us-equity for lean).")
  String exchange;

  @Option(
      names = "--parallel",
      defaultValue = "2",
      paramLabel = "N",
      description = "Files parsed at once (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(names = "--json", description = "Print the summary as JSON.")
  boolean json;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, folders or globs.")
  List<String> paths;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = root.context();
    OptionValues.notBlank(spec, "--exchange", exchange, OptionValues.EXCHANGE);
    if (parallel < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot parse " + parallel + " files at once: give --parallel 1 or more");
    }
    String v = vendor.trim().toLowerCase(Locale.ROOT);
    if (!VendorReaders.NAMES.contains(v)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot use --vendor '" + vendor + "': give lean, tardis or csv (with --mapping FILE)");
    }
    if (VendorReaders.needsMapping(v) && mapping == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot use --vendor "
              + v
              + " without --mapping FILE: a generic file needs its column mapping (see"
              + " docs/generic-mapping.md)");
    }
    if (mapping != null && !VendorReaders.needsMapping(v)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot use --mapping with --vendor " + vendor + ": only --vendor csv reads a mapping");
    }
    VendorReader reader = VendorReaders.forVendor(vendor, mapping);
    List<Path> files = InputFiles.expand(paths);
    if (exchange != null && "tardis".equalsIgnoreCase(vendor.trim())) {
      ctx.err()
          .println("note: --exchange is not used for tardis files: each row names its exchange");
      exchange = null;
    }
    String defaultExchange = exchange != null ? exchange : VendorReaders.defaultExchange(vendor);
    // a mapping without an exchange would quarantine every row of every file as unknown_exchange
    // and mark the files ingested, so that not even the right --exchange could ingest them again
    ReaderMapping.FieldSpec mappedExchange = null;
    if (reader instanceof MappedReader mapped) {
      mappedExchange = mapped.mapping().fields().get(ReaderMapping.Field.EXCHANGE);
      if (mappedExchange == null && defaultExchange == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "Cannot ingest with mapping "
                + mapping
                + ": it maps no exchange; give --exchange EX (e.g. us-equity) or map the"
                + " field \"exchange\"");
      }
    }
    IngestSummary summary;
    try (Warehouse warehouse = ctx.openWarehouse()) {
      ExchangeCalendars calendars = ExchangeTable.load(warehouse.catalog());
      // before any file is read: a wrong exchange would quarantine every row of every file and
      // mark the files ingested, so the right exchange could not ingest them again
      if (exchange != null && calendars.find(exchange).isEmpty()) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot ingest with --exchange %s: it is not in ref.exchange (%s)",
            exchange,
            calendars.knownIdsFor(exchange));
      }
      if (mappedExchange != null
          && mappedExchange.value() != null
          && calendars.find(mappedExchange.value()).isEmpty()) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot ingest with mapping %s: its exchange %s is not in ref.exchange (%s)",
            mapping,
            mappedExchange.value(),
            calendars.knownIdsFor(mappedExchange.value()));
      }
      try (ProgressLine progress = ProgressLine.forTerminal(ctx.err(), files.size())) {
        summary =
            new IngestJob(
                    warehouse,
                    reader,
                    calendars,
                    defaultExchange,
                    parallel,
                    progress,
                    Clock.systemUTC())
                .run(files);
      }
    }
    print(ctx.out(), summary);
    return summary.count(IngestResult.Outcome.FAILED) > 0 ? ExitCodes.INPUT : ExitCodes.OK;
  }

  private void print(PrintWriter out, IngestSummary s) throws Exception {
    if (json) {
      ObjectMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
      Map<String, Object> obj = new LinkedHashMap<>();
      obj.put("files", s.files().size());
      obj.put("ingested", s.count(IngestResult.Outcome.INGESTED));
      obj.put("partly_quarantined", s.count(IngestResult.Outcome.PARTLY_QUARANTINED));
      obj.put("skipped", s.count(IngestResult.Outcome.SKIPPED));
      obj.put("failed", s.count(IngestResult.Outcome.FAILED));
      obj.put("rows_total", s.rowsTotal());
      obj.put("rows_written", s.rowsWritten());
      obj.put("rows_quarantined", s.rowsQuarantined());
      obj.put("seconds", Math.round(s.seconds() * 1000) / 1000.0);
      obj.put(
          "results",
          s.files().stream()
              .map(
                  f -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("path", f.path());
                    m.put("file_id", f.fileId());
                    m.put("outcome", f.outcome().name().toLowerCase(Locale.ROOT));
                    m.put("rows_total", f.rowsTotal());
                    m.put("rows_written", f.rowsWritten());
                    m.put("rows_quarantined", f.rowsQuarantined());
                    m.put(
                        "first_date",
                        f.minTradingDate() == null ? null : f.minTradingDate().toString());
                    m.put(
                        "last_date",
                        f.maxTradingDate() == null ? null : f.maxTradingDate().toString());
                    m.put("message", f.message());
                    return m;
                  })
              .toList());
      out.println(mapper.writeValueAsString(obj));
      return;
    }
    for (IngestResult f : s.files()) {
      out.printf(
          Locale.ROOT,
          "%-18s file %-5s %s: %s%n",
          f.outcome().name().toLowerCase(Locale.ROOT),
          f.fileId() < 0 ? "-" : Long.toString(f.fileId()),
          f.path(),
          f.message());
    }
    out.printf(
        Locale.ROOT,
        "%d file%s: %d ingested, %d partly quarantined, %d skipped, %d failed; %,d rows written,"
            + " %,d quarantined in %.1f s (%,.0f rows/s)%n",
        s.files().size(),
        s.files().size() == 1 ? "" : "s",
        s.count(IngestResult.Outcome.INGESTED),
        s.count(IngestResult.Outcome.PARTLY_QUARANTINED),
        s.count(IngestResult.Outcome.SKIPPED),
        s.count(IngestResult.Outcome.FAILED),
        s.rowsWritten(),
        s.rowsQuarantined(),
        s.seconds(),
        s.seconds() > 0 ? s.rowsTotal() / s.seconds() : 0.0);
  }

  /** A one-line progress display on a terminal; silent when stderr is not a terminal. */
  static final class ProgressLine implements IngestJob.Progress, AutoCloseable {
    private final PrintWriter err;
    private final int totalFiles;
    private final boolean enabled;
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final long start = System.nanoTime();
    private volatile long lastPrint;

    private ProgressLine(PrintWriter err, int totalFiles, boolean enabled) {
      this.err = err;
      this.totalFiles = totalFiles;
      this.enabled = enabled;
    }

    static ProgressLine forTerminal(PrintWriter err, int totalFiles) {
      return new ProgressLine(err, totalFiles, System.console() != null);
    }

    @Override
    public void rows(long delta) {
      rows.addAndGet(delta);
      maybePrint();
    }

    @Override
    public void fileDone(IngestResult result) {
      files.incrementAndGet();
      maybePrint();
    }

    private void maybePrint() {
      if (!enabled) {
        return;
      }
      long now = System.nanoTime();
      if (now - lastPrint < 250_000_000L) {
        return;
      }
      lastPrint = now;
      double secs = (now - start) / 1e9;
      synchronized (err) {
        err.printf(
            Locale.ROOT,
            "\rfiles %d/%d  rows %,d  %,.0f rows/s   ",
            files.get(),
            totalFiles,
            rows.get(),
            secs > 0 ? rows.get() / secs : 0.0);
        err.flush();
      }
    }

    @Override
    public void close() {
      if (enabled) {
        synchronized (err) {
          err.print("\r" + " ".repeat(60) + "\r");
          err.flush();
        }
      }
    }
  }
}
