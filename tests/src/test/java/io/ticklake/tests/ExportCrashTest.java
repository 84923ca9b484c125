package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.ingest.IngestJob;
import io.ticklake.bronze.ingest.InputFiles;
import io.ticklake.bronze.ingest.VendorReaders;
import io.ticklake.bronze.sample.BundledSamples;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.write.LocalTrees;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticklake export} in a child JVM is killed with SIGKILL while it writes: the requested
 * folder never exists half-written, and the next export to it removes the killed run's hidden work
 * folder and produces an export that verifies.
 */
class ExportCrashTest {
  @TempDir Path dir;

  @Test
  void aKilledExportLeavesNothingUnderItsNameAndTheRerunCleansUp() throws Exception {
    Path wh = dir.resolve("wh");
    Path samples = BundledSamples.extractTo(dir.resolve("samples"));
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh))) {
      new LakeInitializer(w).commit();
      new IngestJob(
              w,
              VendorReaders.forVendor("lean", null),
              ExchangeTable.load(w.catalog()),
              VendorReaders.defaultExchange("lean"),
              2,
              null,
              Clock.systemUTC())
          .run(InputFiles.expand(List.of(samples.resolve("lean").toString())));
      new SilverCompactor(w, SilverTable.QUOTES, CompactOptions.defaults(), Clock.systemUTC())
          .run();
    }
    Path out = dir.resolve("exports").resolve("ibm-quotes");
    String[] export = Cli.exportIbmDay("r", "silver.quotes", out, "--warehouse", wh.toString());

    // kill each child the moment its hidden work folder appears, until one is killed mid-write
    int killedMidWrite = 0;
    for (int attempt = 0; attempt < 5 && killedMidWrite == 0; attempt++) {
      ChildJvm child = ChildJvm.start(Map.of(), null, export);
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (child.isAlive() && hidden(out).isEmpty() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      boolean running = child.killAfter(0);
      if (running) {
        assertThat(out).as("the requested folder after a kill mid-export").doesNotExist();
        if (!hidden(out).isEmpty()) {
          killedMidWrite++;
        }
      } else if (Files.exists(out)) {
        LocalTrees.deleteTree(out); // the export finished before the kill: try again
      }
    }
    assertThat(killedMidWrite).as("kills that hit an export while it wrote").isPositive();
    List<Path> left = hidden(out);
    assertThat(left).hasSize(1);

    // the rerun in this JVM removes the dead run's folder and writes a verifiable export
    Cli.Result rerun = new Cli(wh).ok(export);
    assertThat(rerun.err()).contains("Removed " + left.get(0) + ", left by an interrupted export");
    assertThat(hidden(out)).isEmpty();
    assertThat(new Cli(wh).ok("export", "verify", out.toString()).out()).startsWith("OK: ");
  }

  /** The hidden work folders of exports to {@code out}. */
  private static List<Path> hidden(Path out) throws Exception {
    Path parent = out.getParent();
    if (!Files.isDirectory(parent)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(parent)) {
      return s.filter(p -> p.getFileName().toString().startsWith("." + out.getFileName() + "."))
          .sorted()
          .toList();
    }
  }
}
