package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.sample.BundledSamples;
import io.ticklake.catalog.testing.Tmpfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch commands when their disk fills up or is read-only: a real tmpfs holds the warehouse (or
 * its spill folder, or an export's folder). Each such failure is the operator's to fix, so exit 3
 * with a {@code Cannot …} sentence naming the path, the system's reason and what to do — never exit
 * 1 or a stack trace — nothing half-written is visible, and once the space is back a plain rerun
 * gives what a clean run gives. Skipped where mounting a tmpfs is not allowed.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BatchStorageTest {
  @TempDir static Path base;

  /** A warehouse after init, one after ingesting the samples, one after compacting them. */
  private static Path initialised;

  private static Path ingested;
  private static Path compacted;

  private static Path samples;

  /** Each Silver partition's content digest after a clean compact, by partition. */
  private static Map<String, String> cleanDigests;

  private static final long SAMPLE_ROWS = 99_852 + 19_264 + 9_999 + 9_999;

  private Tmpfs mounted;

  /** Whether a file on the tmpfs is known to stay open after the test (see its comment). */
  private boolean leftOpen;

  /** The warehouse, at the same path in every test (Iceberg records absolute paths). */
  private static Path warehouse() {
    return base.resolve("m").resolve("wh");
  }

  private static CliRun run(String... args) {
    return CliRun.in(warehouse(), args);
  }

  private static CliRun ok(String... args) {
    CliRun r = run(args);
    assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isZero();
    return r;
  }

  @BeforeAll
  static void buildWarehouses() throws Exception {
    samples = BundledSamples.extractTo(base.resolve("samples"));
    ok("init");
    initialised = copy(warehouse(), base.resolve("initialised"));
    ingestSamples();
    ingested = copy(warehouse(), base.resolve("ingested"));
    cleanDigests = digests(ok("compact").out());
    assertThat(cleanDigests).hasSize(4);
    compacted = copy(warehouse(), base.resolve("compacted"));
    delete(warehouse());
  }

  private static void ingestSamples() {
    ok("ingest", "--vendor", "lean", samples.resolve("lean").toString());
    ok("ingest", "--vendor", "tardis", samples.resolve("tardis").toString());
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted != null) {
      if (leftOpen) {
        mounted.detach();
      } else {
        mounted.close();
      }
      mounted = null;
    }
    delete(base.resolve("m"));
    delete(base.resolve("out"));
  }

  /** A tmpfs of {@code size} on the warehouse's parent, holding a copy of {@code template}. */
  private void warehouseOnTmpfs(String size, Path template) throws Exception {
    mounted = Tmpfs.mount(base.resolve("m"), "size=" + size);
    copy(template, warehouse());
  }

  /** The error line of a run: the one starting with {@code ticklake:}. */
  private static String errorLine(CliRun r) {
    return r.err().lines().filter(l -> l.startsWith("ticklake: ")).findFirst().orElse(r.err());
  }

  /** Asserts a storage failure: exit 3, one sentence, no internal error or stack trace. */
  private static String storageFailure(CliRun r, String cannot) {
    assertThat(r.err()).doesNotContain("internal error").doesNotContain("\tat ");
    assertThat(errorLine(r)).as(r.err()).startsWith("ticklake: Cannot " + cannot);
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.CONFIGURATION);
    return errorLine(r);
  }

  private static String full(Path dir) {
    return "free space on the file system of " + dir + ", then";
  }

  @Test
  void ingestOnAFullDiskIsExit3AndARerunIngestsEveryRowOnce() throws Exception {
    warehouseOnTmpfs("16m", initialised);
    Path filler = mounted.fill("filler", 300 << 10);
    CliRun r = run("ingest", "--vendor", "lean", samples.resolve("lean").toString());
    assertThat(storageFailure(r, "ingest"))
        .contains("No space left on device")
        .contains(full(warehouse()))
        .contains("run the same ingest again");
    // the manifest never calls a file ingested whose rows Bronze lacks
    assertThat(sql("select count(*) from ops.ingest_manifest where status = 'ingested'"))
        .isEqualTo(
            sql("select count(distinct file_id) from bronze.quotes")
                + sql("select count(distinct file_id) from bronze.trades"));

    Files.delete(filler);
    ok("ingest", "--vendor", "lean", samples.resolve("lean").toString());
    ok("ingest", "--vendor", "tardis", samples.resolve("tardis").toString());
    assertThat(
            sql("select count(*) from bronze.trades") + sql("select count(*) from bronze.quotes"))
        .isEqualTo(SAMPLE_ROWS);
    assertThat(
            sql(
                "select count(*) from (select file_id, file_seq from (select file_id, file_seq from"
                    + " bronze.quotes union all select file_id, file_seq from bronze.trades) group by"
                    + " all having count(*) > 1)"))
        .isZero();
  }

  /**
   * An ingest that fails on a full disk deletes the data files it wrote and did not commit,
   * wherever it failed: writing Parquet (one file failing while another is complete), writing a
   * commit's manifest list or metadata file after its data files are on disk, or the catalog
   * update, also after an earlier table's commit succeeded. The free space left grows by 16 KB per
   * run, from less than the sample's data files need up to the first run that succeeds.
   */
  @Test
  void ingestThatFailsOnAFullDiskLeavesNoOrphanedDataFiles() throws Exception {
    mounted = Tmpfs.mount(base.resolve("m"), "size=16m");
    List<String> failures = new ArrayList<>();
    for (long leftKb = 608; ; leftKb += 16) {
      assertThat(leftKb).as("no ingest succeeded: %s", failures).isLessThan(4_096);
      copy(initialised, warehouse());
      Path filler = mounted.fill("filler", leftKb << 10);
      CliRun r = run("ingest", "--vendor", "lean", samples.resolve("lean").toString());
      Files.delete(filler);
      if (r.code() == 0) {
        break;
      }
      failures.add(storageFailure(r, "ingest"));
      assertThat(ok("orphans", "--older-than", "0").out())
          .as("%d KB left: %s", leftKb, errorLine(r))
          .contains("0 orphaned files");
      delete(warehouse());
    }
    // both kinds were met: a data file that did not fit, and a commit after its files were written
    assertThat(failures).anyMatch(f -> f.contains(".parquet: No space left on device"));
    assertThat(failures).anyMatch(f -> f.contains("/metadata/"));
  }

  /**
   * Compact, bars and quality that fail on a full disk delete the data files they wrote and did not
   * commit, wherever they failed. The free space that just suffices is found by bisection; the runs
   * with 16 KB less each, down to 96 KB less, fail while writing manifests, manifest lists,
   * metadata files or the catalog after the data files are on disk (or while writing those).
   */
  @Test
  void compactBarsAndQualityThatFailOnAFullDiskLeaveNoOrphanedDataFiles() throws Exception {
    mounted = Tmpfs.mount(base.resolve("m"), "size=16m");
    for (String job : List.of("compact", "bars", "quality")) {
      Path template = job.equals("compact") ? ingested : compacted;
      long low = 0;
      long high = 4_096;
      while (high - low > 16) {
        long mid = (low + high) / 2;
        if (failsLeavingNoOrphans(template, job, mid)) {
          low = mid;
        } else {
          high = mid;
        }
      }
      int failed = 0;
      for (long leftKb = high - 16; leftKb > 0 && leftKb >= high - 96; leftKb -= 16) {
        failed += failsLeavingNoOrphans(template, job, leftKb) ? 1 : 0;
      }
      assertThat(failed).as(job).isPositive();
    }
  }

  /**
   * Runs {@code job} on a copy of {@code template} with {@code leftKb} free; when it fails, asserts
   * a storage failure that left no orphaned data file. Returns whether it failed.
   */
  private boolean failsLeavingNoOrphans(Path template, String job, long leftKb) throws Exception {
    copy(template, warehouse());
    Path filler = mounted.fill("filler", leftKb << 10);
    CliRun r = run(job);
    Files.delete(filler);
    boolean failed = r.code() != 0;
    if (failed) {
      // with next to nothing free the warehouse cannot even be opened ("Cannot open catalog")
      assertThat(r.err()).doesNotContain("internal error").doesNotContain("\tat ");
      assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.CONFIGURATION);
      assertThat(ok("orphans", "--older-than", "0").out())
          .as("%s, %d KB left: %s", job, leftKb, errorLine(r))
          .contains("0 orphaned files");
    }
    delete(warehouse());
    return failed;
  }

  /**
   * An ingest whose Bronze commit cannot write the table's new metadata file (Bronze's metadata
   * folder on its own full tmpfs, the free space growing until the ingest commits) is exit 3 naming
   * that file and the full disk, like any other file of the commit: Iceberg's metadata-file writer
   * threw {@code IllegalArgumentException: Self-suppression not permitted} there.
   */
  @Test
  void ingestFailingToWriteAMetadataFileOnAFullDiskIsExit3NamingIt() throws Exception {
    copy(initialised, warehouse());
    Path metadata = warehouse().resolve("bronze/trades/metadata");
    Path saved = Files.move(metadata, base.resolve("m").resolve("metadata-saved"));
    mounted = Tmpfs.mount(metadata, "size=1m");
    copy(saved, metadata);
    boolean metadataFileFailed = false;
    boolean committed = false;
    for (long leftKb = 0; !committed; leftKb += 4) {
      assertThat(leftKb).as("no ingest committed").isLessThan(512);
      Path filler = mounted.fill("filler", leftKb << 10);
      CliRun r = run("ingest", "--vendor", "lean", samples.resolve("lean").toString());
      Files.delete(filler);
      committed = r.code() == 0;
      if (!committed) {
        assertThat(storageFailure(r, "ingest: " + metadata + "/"))
            .contains(": No space left on device")
            .contains(full(metadata));
        metadataFileFailed |= errorLine(r).contains(".metadata.json: No space left on device");
      }
    }
    assertThat(metadataFileFailed).as("the case at hand was met").isTrue();
  }

  @Test
  void compactOnAFullDiskIsExit3AndARerunGivesTheCleanRunsSilver() throws Exception {
    warehouseOnTmpfs("16m", ingested);
    // room for the trades partitions, not for the IBM quotes
    Path filler = mounted.fill("filler", 1_500 << 10);
    CliRun r = run("compact");
    assertThat(storageFailure(r, "compact"))
        .contains(warehouse().resolve("silver").toString())
        .contains("No space left on device")
        .contains(full(warehouse()))
        .contains("run the same compact again");

    Files.delete(filler);
    CliRun again = ok("compact");
    Map<String, String> converged = new TreeMap<>(digests(r.out()));
    converged.putAll(digests(again.out()));
    assertThat(converged).isEqualTo(cleanDigests);
    assertThat(ok("orphans", "--older-than", "0").out()).contains("0 orphaned files");
  }

  @Test
  void aFullSpillFolderIsExit3NamingItAndTheMemoryLimit() throws Exception {
    copy(ingested, warehouse());
    Path spill = warehouse().resolve(".tmp");
    mounted = Tmpfs.mount(spill, "size=64k");
    CliRun r = run("compact", "--memory-limit", "4MB", "--threads", "1");
    assertThat(storageFailure(r, "compact"))
        .contains("DuckDB's spill folder " + spill + " is full")
        .contains("free space on the file system of " + spill)
        .contains("a larger --memory-limit");
  }

  @Test
  void barsAndQualityOnAFullDiskAreExit3AndTheirRerunsBuildEverything() throws Exception {
    warehouseOnTmpfs("16m", compacted);
    Path filler = mounted.fill("filler", 100 << 10);
    CliRun b = run("bars");
    assertThat(storageFailure(b, "build bars"))
        .contains("No space left on device")
        .contains(full(warehouse()));
    Files.delete(filler);
    ok("bars");
    long bars = sql("select count(*) from gold.bars");
    assertThat(bars).isPositive();

    filler = mounted.fill("filler", 100 << 10);
    Path html = base.resolve("m").resolve("quality.html");
    CliRun q = run("quality", "--html", html.toString());
    assertThat(storageFailure(q, "check quality"))
        .contains("No space left on device")
        .contains("free space on the file system of ");
    assertThat(html).doesNotExist();
    Files.delete(filler);
    ok("quality", "--html", html.toString());
    assertThat(sql("select count(*) from gold.quality_daily")).isPositive();
    assertThat(html).isNotEmptyFile();
  }

  @Test
  void exportToAFullOrReadOnlyFolderIsExit3AndLeavesNothing() throws Exception {
    copy(compacted, warehouse());
    Path folder = base.resolve("out");
    mounted = Tmpfs.mount(folder, "size=64k");
    Path out = folder.resolve("ibm");
    String[] export = {
      "export",
      "--profile",
      "pandas",
      "--table",
      "silver.quotes",
      "--symbols",
      "IBM",
      "--from",
      "2013-10-11",
      "--to",
      "2013-10-11",
      "--out",
      out.toString()
    };
    assertThat(storageFailure(run(export), "export to " + out))
        .contains("No space left on device")
        .contains(full(folder))
        .contains("a failed export leaves nothing under " + out);
    try (Stream<Path> left = Files.list(folder)) {
      assertThat(left).isEmpty();
    }
    mounted.readOnly(true);
    assertThat(storageFailure(run(export), "export to " + out))
        .contains("Read-only file system")
        .contains("make " + folder + " writable")
        .contains("remount it read-write");
    mounted.close();
    mounted = null;
    ok(export);
    ok("export", "verify", out.toString());
  }

  @Test
  void initAndLoadSymbolsOnAFullDiskAreExit3AndConvergeOnRerun() throws Exception {
    mounted = Tmpfs.mount(base.resolve("m"), "size=16m");
    // a catalog connection that met SQLITE_FULL stays open in this JVM (a CLI run exits)
    leftOpen = true;
    Path filler = mounted.fill("filler", 60 << 10);
    CliRun i = run("init");
    assertThat(storageFailure(i, "")).contains("full").contains(full(warehouse()));
    Files.delete(filler);
    ok("init");
    assertThat(ok("init").out()).doesNotContain("created");

    filler = mounted.fill("filler", 16 << 10);
    CliRun d = run("dims", "load-symbols");
    assertThat(storageFailure(d, "")).contains(full(warehouse()));
    Files.delete(filler);
    ok("dims", "load-symbols");
    assertThat(sql("select count(*) from ref.dim_symbol")).isPositive();
  }

  @Test
  void aReadOnlyWarehouseIsExit3SayingToRemountIt() throws Exception {
    warehouseOnTmpfs("16m", ingested);
    mounted.readOnly(true);
    try {
      for (String[] cmd :
          new String[][] {
            {"ingest", "--vendor", "lean", samples.resolve("lean").toString()},
            {"compact"},
            {"expire", "--older-than", "1s"},
            {"orphans", "--delete"}
          }) {
        CliRun r = run(cmd);
        assertThat(errorLine(r))
            .as(r.err())
            .startsWith("ticklake: Cannot write to warehouse directory " + warehouse())
            .containsIgnoringCase("read-only file system")
            .contains("make " + warehouse() + " writable")
            .contains("remount it read-write");
        assertThat(r.code()).isEqualTo(ExitCodes.CONFIGURATION);
      }
    } finally {
      mounted.readOnly(false);
    }
  }

  private static long sql(String query) {
    CliRun r = ok("sql", "--format", "csv", "-c", query);
    String[] lines = r.out().split("\r\n");
    return lines.length < 2 ? 0 : Long.parseLong(lines[1].strip());
  }

  private static final Pattern DIGEST =
      Pattern.compile("(?m)^(silver\\.\\w+ \\S+): .*\\b(md5x:[0-9a-f]+)");

  /** The content digest of each partition a compact run printed. */
  private static Map<String, String> digests(String out) {
    Map<String, String> d = new TreeMap<>();
    Matcher m = DIGEST.matcher(out);
    while (m.find()) {
      d.put(m.group(1), m.group(2));
    }
    return d;
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir) || !isMountPoint(dir)) {
          Files.delete(p);
        }
      }
    }
  }

  private static boolean isMountPoint(Path dir) throws IOException {
    return dir.getParent() != null
        && !Files.getFileStore(dir).equals(Files.getFileStore(dir.getParent()));
  }
}
