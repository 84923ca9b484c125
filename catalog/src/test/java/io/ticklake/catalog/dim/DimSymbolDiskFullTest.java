package io.ticklake.catalog.dim;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.testing.Tmpfs;
import io.ticklake.catalog.write.OrphanFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saves of ref.dim_symbol that fail on a full disk: a real tmpfs holds the warehouse (data,
 * metadata, catalog) and is filled for real; skipped where mounting is not allowed. A failed save
 * leaves no data file that no snapshot references, wherever it failed (writing its data file, the
 * commit's manifests, manifest list or metadata file, the catalog update), however often it is
 * retried; once the space is back the save commits its rows once.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DimSymbolDiskFullTest {
  @TempDir Path dir;
  private Tmpfs mounted;

  @AfterEach
  void unmount() throws Exception {
    if (mounted != null) {
      mounted.detach();
    }
  }

  /**
   * The free space grows by 4 KB per step, from none to the first step whose save commits; each
   * step is tried three times, the disk filled again to the same free space before each (a full
   * disk that persists while the save is retried). A save whose data file could not be written left
   * it behind, one more per attempt.
   */
  @Test
  void aSaveFailingOnAFullDiskLeavesNoOrphanedDataFilesHoweverOftenItIsRetried() throws Exception {
    mounted = Tmpfs.mount(dir.resolve("m"), "size=16m");
    List<SymbolVersion> rows = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      rows.add(DimRows.open("nasdaq", "sym" + i, "SYM" + i, DimRows.T0));
    }
    try (Warehouse warehouse =
        Warehouse.open(WarehouseConfig.embedded(mounted.dir().resolve("wh")))) {
      new LakeInitializer(warehouse).commit();
      DimSymbolTable dim = DimSymbolTable.open(warehouse);
      List<String> left = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      DimVersion saved = null;
      for (long leftKb = 0; saved == null; leftKb += 4) {
        assertThat(leftKb).as("no save committed: %s", failures).isLessThan(1_024);
        for (int attempt = 1; attempt <= 3 && saved == null; attempt++) {
          Path filler = mounted.fill("filler", leftKb << 10);
          try {
            saved = dim.save(new SymbolChanges(List.of(), rows), DimVersion.EMPTY);
          } catch (RuntimeException e) {
            failures.add(e.toString());
            List<Path> orphans = OrphanFiles.list(dim.table(), Long.MAX_VALUE);
            if (!orphans.isEmpty()) {
              left.add(
                  leftKb + " KB free, attempt " + attempt + ": " + orphans.size() + " (" + e + ")");
            }
          } finally {
            Files.delete(filler);
          }
        }
      }
      assertThat(left).as("orphaned data files after failed saves").isEmpty();
      // both kinds were met: the data file did not fit, and a commit after it was written failed
      assertThat(failures).anyMatch(f -> f.contains("Cannot close data file"));
      assertThat(failures).anyMatch(f -> f.contains("/metadata/") || f.contains("SQL"));
      assertThat(dim.read().rows()).hasSize(2_000);
      assertThat(dim.read().version()).isEqualTo(saved);
      assertThat(OrphanFiles.list(dim.table(), Long.MAX_VALUE)).isEmpty();
    }
  }
}
