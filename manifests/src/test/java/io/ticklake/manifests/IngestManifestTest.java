package io.ticklake.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestManifestTest {
  @TempDir Path dir;
  Warehouse warehouse;
  Table table;
  IngestManifest manifest;

  @BeforeEach
  void setUp() {
    warehouse = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")));
    new LakeInitializer(warehouse).commit();
    table = warehouse.catalog().loadTable(TableContracts.INGEST_MANIFEST.id());
    manifest = new IngestManifest(table);
  }

  @AfterEach
  void tearDown() {
    warehouse.close();
  }

  private FileIdentity file(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return FileIdentity.of("lean", "trades", p);
  }

  @Test
  void identityIsVendorTypePathAndContentHash() throws Exception {
    FileIdentity id = file("a.csv", "hello");
    assertThat(id.sha256())
        .isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assertThat(id.sizeBytes()).isEqualTo(5);
    assertThat(id.path()).isEqualTo(dir.resolve("a.csv").toString());
  }

  @Test
  void newFilesGetSequentialIdsAndAnIngestedFileIsRecognised() throws Exception {
    Instant t0 = Instant.parse("2026-11-22T00:00:00Z");
    List<IngestManifest.Registration> regs =
        manifest.register(List.of(file("a.csv", "a"), file("b.csv", "b")), t0);
    assertThat(regs).extracting(r -> r.entry().fileId()).containsExactly(1L, 2L);
    assertThat(regs).allMatch(IngestManifest.Registration::isNew);
    assertThat(regs.get(0).entry().status()).isEqualTo(ManifestStatus.INGESTING);

    ManifestEntry done =
        regs.get(0)
            .entry()
            .ingested(
                10,
                9,
                1,
                LocalDate.of(2013, 10, 7),
                LocalDate.of(2013, 10, 7),
                "bronze.trades",
                42L,
                null,
                t0.plusSeconds(1));
    manifest.record(done);

    List<IngestManifest.Registration> again =
        manifest.register(List.of(file("a.csv", "a"), file("b.csv", "b")), t0.plusSeconds(2));
    assertThat(again.get(0).alreadyIngested()).isTrue();
    assertThat(again.get(0).entry().fileId()).isEqualTo(1L);
    // b was started but never finished: it is started again under the same id
    assertThat(again.get(1).isNew()).isFalse();
    assertThat(again.get(1).entry().fileId()).isEqualTo(2L);
    assertThat(manifest.current().get(1L).status()).isEqualTo(ManifestStatus.INGESTED);
    assertThat(manifest.current().get(1L).rowsWritten()).isEqualTo(9L);
    assertThat(manifest.history(1L))
        .extracting(ManifestEntry::status)
        .containsExactly(ManifestStatus.INGESTING, ManifestStatus.INGESTED);
  }

  @Test
  void changedContentAtTheSamePathIsARevision() throws Exception {
    Instant t0 = Instant.parse("2026-11-22T00:00:00Z");
    manifest.register(List.of(file("a.csv", "v1")), t0);
    IngestManifest.Registration rev = manifest.register(List.of(file("a.csv", "v2")), t0).get(0);
    assertThat(rev.isNew()).isTrue();
    assertThat(rev.entry().fileId()).isEqualTo(2L);
    assertThat(rev.entry().revisionOf()).isEqualTo(1L);
  }

  @Test
  void statusChangesAppendOneSmallFileEachNotARewrite() throws Exception {
    Instant t0 = Instant.parse("2026-11-22T00:00:00Z");
    List<FileIdentity> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(file("f" + i + ".csv", "content " + i));
    }
    List<IngestManifest.Registration> regs = manifest.register(ids, t0);
    for (IngestManifest.Registration r : regs) {
      long before = table.currentSnapshot().snapshotId();
      manifest.record(r.entry().failed("bad zip", t0.plusSeconds(1)));
      table.refresh();
      var summary = table.currentSnapshot().summary();
      assertThat(table.currentSnapshot().parentId()).isEqualTo(before);
      assertThat(summary.get("added-records")).isEqualTo("1");
      assertThat(summary).doesNotContainKey("deleted-data-files");
    }
    assertThat(manifest.current().values())
        .hasSize(20)
        .allMatch(e -> e.status() == ManifestStatus.FAILED && e.reason().equals("bad zip"));
    assertThat(manifest.compactIfNeeded(5)).isTrue();
    table.refresh();
    assertThat(table.currentSnapshot().summary().get("total-data-files")).isEqualTo("1");
    assertThat(table.currentSnapshot().summary().get("total-records")).isEqualTo("40");
    assertThat(manifest.current().values()).hasSize(20);
  }

  @Test
  void concurrentRegistrationsNeverShareAnId() throws Exception {
    int threads = 4;
    CyclicBarrier barrier = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Long>> ids = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      FileIdentity id = file("t" + t + ".csv", "thread " + t);
      ids.add(
          pool.submit(
              () -> {
                IngestManifest own =
                    new IngestManifest(
                        warehouse.catalog().loadTable(TableContracts.INGEST_MANIFEST.id()));
                barrier.await();
                return own.register(List.of(id), Instant.now()).get(0).entry().fileId();
              }));
    }
    List<Long> got = new ArrayList<>();
    for (Future<Long> f : ids) {
      got.add(f.get());
    }
    pool.shutdown();
    assertThat(got).doesNotHaveDuplicates().containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
  }
}
