package io.ticklake.catalog.dim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.write.OrphanFiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real concurrent writers on one ref.dim_symbol: threads of this JVM and two child JVMs read the
 * same version, wait on a barrier (a "go" file), and each saves its own change against that
 * version. Exactly one save per version may win; every other must get the conflict error, and after
 * retrying every change must be in the table exactly once.
 */
class DimSymbolConcurrencyTest {
  @TempDir Path dir;
  Warehouse warehouse;
  Path sync;

  @BeforeEach
  void setUp() throws Exception {
    warehouse = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")));
    new LakeInitializer(warehouse).commit();
    sync = Files.createDirectories(dir.resolve("sync"));
  }

  @AfterEach
  void tearDown() {
    warehouse.close();
  }

  @Test
  void threadsAndTwoProcessesRaceOnTheSameVersionRepeatedly() throws Exception {
    DimSymbolTable dim = DimSymbolTable.open(warehouse);
    dim.save(
        SymbolChanges.adding(DimRows.open("race", "base", "BASE", DimRows.T0)), DimVersion.EMPTY);
    race(List.of("t1", "t2", "t3"), List.of("p1", "p2"), 3, 1);
  }

  @RepeatedTest(4)
  void threadsRaceFromAnEmptyTable() throws Exception {
    race(List.of("t1", "t2", "t3", "t4"), List.of(), 1, 0);
  }

  @Test
  void staleVersionIsAConflictNamingBothVersions() {
    DimSymbolTable a = DimSymbolTable.open(warehouse);
    DimSymbolTable b = DimSymbolTable.open(warehouse);
    DimVersion first =
        a.save(SymbolChanges.adding(DimRows.open("x", "a", "A", DimRows.T0)), DimVersion.EMPTY);
    DimVersion second =
        a.save(SymbolChanges.adding(DimRows.open("x", "b", "B", DimRows.T0)), first);
    assertThatThrownBy(
            () -> b.save(SymbolChanges.adding(DimRows.open("x", "c", "C", DimRows.T0)), first))
        .isInstanceOf(VersionConflictException.class)
        .hasMessage(
            "Cannot save ref.dim_symbol: expected version "
                + first
                + " but the table is at "
                + second
                + "; read again and retry")
        .extracting(e -> ((TicklakeException) e).kind())
        .isEqualTo(TicklakeException.Kind.CONFLICT);
    assertThat(b.read().rows()).extracting(SymbolVersion::canonicalId).containsExactly("a", "b");
  }

  @Test
  void savingAgainstAnEmptyTableFailsOnceItHasASnapshot() {
    DimSymbolTable a = DimSymbolTable.open(warehouse);
    DimVersion first =
        a.save(SymbolChanges.adding(DimRows.open("x", "a", "A", DimRows.T0)), DimVersion.EMPTY);
    assertThatThrownBy(
            () ->
                a.save(
                    SymbolChanges.adding(DimRows.open("x", "b", "B", DimRows.T0)),
                    DimVersion.EMPTY))
        .isInstanceOf(VersionConflictException.class)
        .hasMessage(
            "Cannot save ref.dim_symbol: expected an empty table but the table is at "
                + first
                + "; read again and retry");
  }

  @Test
  void updateGivesUpAfterItsAttemptsWhenEveryAttemptLoses() {
    DimSymbolTable mine = DimSymbolTable.open(warehouse);
    DimSymbolTable other = DimSymbolTable.open(warehouse);
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                mine.update(
                    read -> {
                      // another writer commits between this read and the save, every time
                      int n = calls.incrementAndGet();
                      other.save(
                          SymbolChanges.adding(DimRows.open("x", "o" + n, "O" + n, DimRows.T0)),
                          read.version());
                      return SymbolChanges.adding(DimRows.open("x", "mine", "MINE", DimRows.T0));
                    },
                    new DimSymbolTable.Retry(3, Duration.ofMillis(1), Duration.ofMillis(2))))
        .isInstanceOf(VersionConflictException.class)
        .hasMessageStartingWith("Cannot save ref.dim_symbol: expected ")
        .hasMessageEndingWith("; read again and retry (gave up after 3 attempts)");
    assertThat(calls).hasValue(3);
    assertThat(mine.read().rows())
        .extracting(SymbolVersion::canonicalId)
        .containsExactlyInAnyOrder("o1", "o2", "o3");
  }

  /**
   * The atomic guard alone, without the up-front version check: commits based on a stale version
   * must fail inside Iceberg's commit whatever the other writer did in between.
   */
  @Test
  void icebergValidationAloneRejectsEveryKindOfStaleCommit() {
    DimSymbolTable dim = DimSymbolTable.open(warehouse);
    SymbolVersion a = DimRows.open("x", "a", "A", DimRows.T0);
    SymbolVersion b = DimRows.open("x", "b", "B", DimRows.T0);
    DimVersion v1 = dim.save(SymbolChanges.adding(a), DimVersion.EMPTY);

    // another writer added rows after v1
    DimVersion v2 = dim.save(SymbolChanges.adding(b), v1);
    assertStale(dim, v1, v2);

    // another writer deleted every row after v2, adding no file
    DimVersion v3 = dim.save(new SymbolChanges(List.of(a, b), List.of()), v2);
    assertThat(dim.read().rows()).isEmpty();
    assertStale(dim, v2, v3);

    // "empty table" expected, but the table has a history
    assertStale(dim, DimVersion.EMPTY, v3);

    // the table was rolled back past the expected version
    dim.table().manageSnapshots().rollbackTo(v1.snapshotId().getAsLong()).commit();
    assertStale(dim, v3, v1);
    assertThat(dim.read().rows()).containsExactly(a);
  }

  private void assertStale(DimSymbolTable dim, DimVersion stale, DimVersion actual) {
    List<SymbolVersion> rows = List.of(DimRows.open("x", "late", "LATE", DimRows.T0));
    int snapshots = snapshotCount(dim);
    assertThatThrownBy(() -> dim.commit(stale, rows))
        .isInstanceOf(VersionConflictException.class)
        .hasMessage(
            VersionConflictException.of(DimSymbolTable.NAME, stale, actual, null).getMessage());
    assertThat(snapshotCount(dim)).isEqualTo(snapshots);
    assertThat(dim.currentVersion()).isEqualTo(actual);
    // the stale commit wrote its file before Iceberg refused it: deleted, not left behind
    assertThat(OrphanFiles.list(dim.table(), Long.MAX_VALUE)).isEmpty();
  }

  private static int snapshotCount(DimSymbolTable dim) {
    dim.table().refresh();
    int n = 0;
    for (Snapshot ignored : dim.table().snapshots()) {
      n++;
    }
    return n;
  }

  /** Runs {@code rounds} rounds with the given thread and process writers and checks each round. */
  private void race(List<String> threads, List<String> processes, int rounds, int baseRows)
      throws Exception {
    List<String> writers = new ArrayList<>(threads);
    writers.addAll(processes);
    List<Process> children = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads.size()));
    try {
      for (String p : processes) {
        children.add(startChild(p, rounds));
      }
      for (int r = 1; r <= rounds; r++) {
        int round = r;
        Table table = warehouse.catalog().loadTable(TableContracts.DIM_SYMBOL.id());
        table.refresh();
        Long before = table.currentSnapshot() == null ? null : table.currentSnapshot().snapshotId();
        List<Future<?>> futures = new ArrayList<>();
        for (String t : threads) {
          futures.add(
              pool.submit(
                  () -> {
                    RaceWriter.round(DimSymbolTable.open(warehouse), sync, t, round);
                    return null;
                  }));
        }
        Files.writeString(RaceWriter.start(sync, round), "start");
        Map<String, String> readVersions = new HashMap<>();
        for (String w : writers) {
          Path ready = RaceWriter.ready(sync, w, round);
          awaitFile(ready, children);
          readVersions.put(w, Files.readString(ready));
        }
        String start = before == null ? "empty" : Long.toString(before);
        assertThat(readVersions.values()).as("everyone read the same version").containsOnly(start);
        Files.writeString(RaceWriter.go(sync, round), "go");
        for (Future<?> f : futures) {
          f.get(120, TimeUnit.SECONDS);
        }
        List<String> outcomes = new ArrayList<>();
        for (String w : writers) {
          Path result = RaceWriter.result(sync, w, round);
          awaitFile(result, children);
          outcomes.add(Files.readString(result));
        }
        assertThat(outcomes.stream().filter(o -> o.startsWith("WON ")))
            .as("round %d outcomes %s", round, outcomes)
            .hasSize(1);
        assertThat(outcomes.stream().filter(o -> o.startsWith("CONFLICT ")))
            .as("round %d outcomes %s", round, outcomes)
            .hasSize(writers.size() - 1)
            .allSatisfy(
                o -> {
                  String[] f = o.split(" ", 4);
                  assertThat(f[1]).isEqualTo(start);
                  assertThat(f[2]).isNotEqualTo(start);
                  assertThat(f[3])
                      .startsWith("Cannot save ref.dim_symbol: expected ")
                      .endsWith("; read again and retry");
                });

        // no lost update: every writer's row of every round so far, exactly once
        DimSymbolSnapshot now = DimSymbolTable.open(warehouse).read();
        assertThat(now.rows()).hasSize(baseRows + writers.size() * round);
        for (String w : writers) {
          for (int k = 1; k <= round; k++) {
            String canonical = RaceWriter.canonical(w, k);
            assertThat(now.rows().stream().filter(v -> v.canonicalId().equals(canonical)))
                .as("rows of %s", canonical)
                .hasSize(1);
          }
        }
        // exactly one commit per version: the round's snapshots form a chain, each based on its
        // parent
        table.refresh();
        List<Snapshot> chain = new ArrayList<>();
        for (Snapshot s = table.currentSnapshot();
            s != null && !Long.valueOf(s.snapshotId()).equals(before);
            s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
          chain.add(s);
        }
        assertThat(chain).hasSize(writers.size());
        for (Snapshot s : chain) {
          assertThat(s.summary().get(DimSymbolTable.SUMMARY_EXPECTED))
              .isEqualTo(s.parentId() == null ? "empty" : Long.toString(s.parentId()));
        }
        // every lost race deleted the file it wrote: retries leave nothing behind
        assertThat(OrphanFiles.list(table, Long.MAX_VALUE)).as("round %d", round).isEmpty();
      }
      for (Process child : children) {
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue())
            .as("exit code of child, log: %s", Files.readString(log(child)))
            .isZero();
      }
    } finally {
      pool.shutdownNow();
      children.forEach(Process::destroyForcibly);
    }
  }

  private final Map<Process, Path> logs = new HashMap<>();

  private Path log(Process p) {
    return logs.get(p);
  }

  private Process startChild(String name, int rounds) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    String flags = System.getProperty("ticklake.jvm.flags", "");
    for (String f : flags.trim().split("\\s+")) {
      if (!f.isEmpty()) {
        cmd.add(f);
      }
    }
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(RaceProcess.class.getName());
    cmd.add(dir.resolve("wh").toString());
    cmd.add(sync.toString());
    cmd.add(name);
    cmd.add(Integer.toString(rounds));
    Path log = sync.resolve(name + ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    logs.put(p, log);
    return p;
  }

  private void awaitFile(Path file, List<Process> children) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!Files.exists(file)) {
      for (Process c : children) {
        if (!c.isAlive() && c.exitValue() != 0) {
          throw new AssertionError(
              "child failed with exit code " + c.exitValue() + ": " + Files.readString(log(c)));
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + file);
      }
      Thread.sleep(2);
    }
  }
}
