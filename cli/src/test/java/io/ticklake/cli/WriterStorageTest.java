package io.ticklake.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.catalog.testing.Tmpfs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticklake writer} when its WAL cannot be written: a read-only directory or file system, a
 * full disk, a file where a directory should be. Each is the operator's to fix, so exit 3
 * (configuration) with a sentence naming the path and what to do, never exit 1 (internal error).
 * The file-system cases use a real tmpfs mounted on {@code <warehouse>/wal} and are skipped where
 * mounting is not allowed.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WriterStorageTest {
  @TempDir Path dir;

  private Tmpfs mounted;

  private Path warehouse() {
    return dir.resolve("wh");
  }

  private Path wal() {
    return warehouse().resolve("wal");
  }

  private CliRun run(String... args) {
    return CliRun.in(warehouse(), args);
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted != null) {
      mounted.close();
    }
  }

  /** Mounts a tmpfs of {@code size} on {@code <warehouse>/wal}; skips the test if not allowed. */
  private void mountWal(String options) throws Exception {
    mounted = Tmpfs.mount(wal(), options);
  }

  private long count(String sql) throws Exception {
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(warehouse()));
        DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
      bridge.registerAll(w.catalog(), AsOf.latest());
      try (Statement s = bridge.connection().createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private Path feed(int rate, String duration) throws IOException {
    CliRun sim = run("simulate", "--rate", Integer.toString(rate), "--duration", duration);
    assertThat(sim.code()).as(sim.err()).isZero();
    return Files.writeString(dir.resolve("feed.jsonl"), sim.out(), StandardCharsets.UTF_8);
  }

  /** The error line of a run: the one starting with {@code ticklake:}. */
  private static String errorLine(CliRun r) {
    return r.err().lines().filter(l -> l.startsWith("ticklake: ")).findFirst().orElse(r.err());
  }

  @Test
  void aFullWalDiskIsExit3NamingTheWalAndNoAcknowledgedEventIsLost() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = feed(20_000, "10s");
    mountWal("size=1m");
    // leave the WAL a few hundred KB: the writer starts, then its disk fills while it runs
    Files.write(wal().resolve("filler"), new byte[600 << 10]);
    Path acks = dir.resolve("acks.log");
    CliRun r =
        run(
            "writer",
            "--writer-id",
            "full",
            "--input",
            in.toString(),
            "--ack-log",
            acks.toString(),
            "--batch",
            "500",
            "--flush-interval",
            "1h");
    assertThat(r.err()).contains("writer full: ready");
    String walDir = wal().resolve("full").toString();
    assertThat(errorLine(r))
        .as(r.err())
        .startsWith("ticklake: Cannot append ")
        .contains(walDir)
        .contains("No space left on device")
        .contains("free space on the file system of " + walDir)
        .contains("restart the writer with the same writer id");
    assertThat(r.err()).doesNotContain("internal error");
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.CONFIGURATION);

    // space is back: the restarted writer commits every acknowledged event, exactly once
    Files.delete(wal().resolve("filler"));
    long acked = Long.parseLong(lastAck(acks));
    assertThat(acked).isPositive();
    Path none = Files.writeString(dir.resolve("none.jsonl"), "", StandardCharsets.UTF_8);
    CliRun again = run("writer", "--writer-id", "full", "--input", none.toString());
    assertThat(again.code()).as(again.err()).isZero();
    String rows =
        "(select vendor_seq from bronze.trades where writer_id = 'full' union all"
            + " select vendor_seq from bronze.quotes where writer_id = 'full')";
    assertThat(count("select count(*) from " + rows + " where vendor_seq <= " + acked))
        .isEqualTo(acked);
    assertThat(count("select count(*) - count(distinct vendor_seq) from " + rows)).isZero();
  }

  private static String lastAck(Path acks) throws IOException {
    List<String> lines = Files.readAllLines(acks);
    return lines.get(lines.size() - 1).substring("ack ".length());
  }

  @Test
  void aReadOnlyWalFileSystemIsExit3NamingTheWal() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = feed(100, "2s");
    mountWal("size=1m");
    CliRun first = run("writer", "--writer-id", "ro", "--input", in.toString());
    assertThat(first.code()).as(first.err()).isZero();
    mounted.readOnly(true);
    try {
      CliRun r = run("writer", "--writer-id", "ro", "--input", in.toString());
      String walDir = wal().resolve("ro").resolve("trades").toString();
      assertThat(errorLine(r))
          .as(r.err())
          .startsWith("ticklake: Cannot open WAL " + walDir)
          .contains("Read-only file system")
          .contains("make " + walDir + " writable")
          .contains("restart the writer with the same writer id");
      assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.CONFIGURATION);
    } finally {
      mounted.readOnly(false);
    }
  }

  @Test
  void aReadOnlyWalDirectoryIsExit3NamingIt() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = feed(100, "2s");
    Files.createDirectories(wal());
    Files.setPosixFilePermissions(wal(), PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      try {
        Files.delete(Files.createFile(wal().resolve("probe")));
        abort(
            "chmod 555 does not stop this user writing (root, or CAP_DAC_OVERRIDE): skipped; the"
                + " read-only file system case covers it");
      } catch (java.nio.file.AccessDeniedException expected) {
        // the directory is read-only for this user, as for an operator
      }
      CliRun r = run("writer", "--writer-id", "rd", "--input", in.toString());
      assertThat(errorLine(r))
          .as(r.err())
          .startsWith("ticklake: Cannot open WAL ")
          .contains(wal().resolve("rd").toString())
          .contains("Permission denied")
          .contains("make " + wal() + " writable for this user")
          .contains("restart the writer with the same writer id");
      assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.CONFIGURATION);
    } finally {
      Files.setPosixFilePermissions(wal(), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void aFileWhereTheWalDirectoryShouldBeIsExit3NamingIt() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = feed(100, "2s");
    Files.createDirectories(wal());
    Path inTheWay = Files.writeString(wal().resolve("fw"), "not a directory");
    CliRun r = run("writer", "--writer-id", "fw", "--input", in.toString());
    assertThat(errorLine(r))
        .as(r.err())
        .startsWith("ticklake: Cannot open WAL " + inTheWay.resolve("trades"))
        .contains("Not a directory")
        .contains("move " + inTheWay + " out of the way")
        .contains("restart the writer with the same writer id");
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.CONFIGURATION);
  }

  @Test
  void anAckLogOnAFullDiskIsExit3NamingItAndTheRestartCommitsEveryEvent() throws Exception {
    assumeDevFull();
    assertThat(run("init").code()).isZero();
    Path in = feed(200, "2s");
    // /dev/full takes the open and fails every write with ENOSPC, as a full disk does
    CliRun r =
        run("writer", "--writer-id", "af", "--input", in.toString(), "--ack-log", "/dev/full");
    assertThat(errorLine(r))
        .as(r.err())
        .startsWith("ticklake: Cannot write --ack-log /dev/full")
        .contains("No space left on device")
        .contains("restart the writer with the same writer id");
    assertThat(r.err()).doesNotContain("internal error");
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.CONFIGURATION);
    // what was appended before the failed ack is in the WAL: a restart commits it, and the feed
    // resent in full adds each event once
    CliRun again = run("writer", "--writer-id", "af", "--input", in.toString());
    assertThat(again.code()).as(again.err()).isZero();
    long lines = Files.readAllLines(in).size();
    assertThat(
            count("select count(*) from bronze.trades")
                + count("select count(*) from bronze.quotes"))
        .isEqualTo(lines);
  }

  /**
   * A SIGTERM while the writer is on its way out after its WAL disk filled — here waiting for the
   * flush in progress to end, which a crash point holds — exits at once with the WAL failure's exit
   * code 3 and its sentence (it exited 1, and the sentence was never printed). A real child JVM, a
   * real signal, a real full tmpfs. The feed comes through a named pipe in steps, so that the disk
   * fills only once the flush is held (a fixed filler raced the first flush under load).
   */
  @Test
  void aSignalWhileTheWriterStopsOnAFullWalDiskIsStillExit3NamingTheWal() throws Exception {
    assertThat(run("init").code()).isZero();
    List<String> lines = Files.readAllLines(feed(20_000, "10s"), StandardCharsets.UTF_8);
    mountWal("size=1m");
    Path fifo = dir.resolve("feed.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    Path acks = dir.resolve("acks.log");
    Child w =
        Child.start(
            // the first flush wrote its files and stays there: the WAL failure path waits for it
            Map.of("TICKLAKE_CRASH_POINT", "flush-after-write"),
            "--warehouse",
            warehouse().toString(),
            "writer",
            "--writer-id",
            "sig",
            "--input",
            fifo.toString(),
            "--ack-log",
            acks.toString(),
            "--batch",
            "100",
            "--flush-events",
            "1000",
            "--flush-interval",
            "1h");
    // opening a pipe for writing waits for its reader: not for ever if the writer died first
    try (java.io.OutputStream feed =
        java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return Files.newOutputStream(fifo);
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                })
            .get(60, TimeUnit.SECONDS)) {
      // enough for the first flush (1,000 quotes; 2,000 pending would make appends wait)
      feed.write((String.join("\n", lines.subList(0, 1_800)) + "\n").getBytes(UTF_8));
      feed.flush();
      w.awaitErr("CRASH-POINT flush-after-write");
      fill(wal().resolve("filler"));
      // the next appends fail on the full WAL disk (less than the pipe holds: never blocks)
      feed.write((String.join("\n", lines.subList(1_800, 2_000)) + "\n").getBytes(UTF_8));
      feed.flush();
      w.awaitThread("BronzeWriter.abandon"); // the WAL failed: the writer is on its way out

      w.process.toHandle().destroy(); // SIGTERM
      assertThat(w.process.waitFor(10, TimeUnit.SECONDS)).as(w.err()).isTrue();
      w.drained.get(10, TimeUnit.SECONDS);
      String walDir = wal().resolve("sig").toString();
      assertThat(w.err())
          .contains("writer sig: exiting now without the flush")
          .doesNotContain("internal error");
      assertThat(errorLine(w.err()))
          .as(w.err())
          .startsWith("ticklake: Cannot append ")
          .contains(walDir)
          .contains("No space left on device")
          .contains("restart the writer with the same writer id");
      assertThat(w.process.exitValue()).as(w.err()).isEqualTo(ExitCodes.CONFIGURATION);
    } finally {
      w.process.destroyForcibly();
      w.process.waitFor(30, TimeUnit.SECONDS);
    }

    // space is back: the restarted writer commits every acknowledged event, exactly once
    Files.delete(wal().resolve("filler"));
    long acked = Long.parseLong(lastAck(acks));
    Path none = Files.writeString(dir.resolve("none.jsonl"), "", StandardCharsets.UTF_8);
    CliRun again = run("writer", "--writer-id", "sig", "--input", none.toString());
    assertThat(again.code()).as(again.err()).isZero();
    String rows =
        "(select vendor_seq from bronze.trades where writer_id = 'sig' union all"
            + " select vendor_seq from bronze.quotes where writer_id = 'sig')";
    assertThat(count("select count(*) from " + rows + " where vendor_seq <= " + acked))
        .isEqualTo(acked);
    assertThat(count("select count(*) - count(distinct vendor_seq) from " + rows)).isZero();
  }

  /** Writes {@code file} until its file system is full. */
  private static void fill(Path file) throws IOException {
    byte[] block = new byte[4096];
    try (java.io.OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).as("the tmpfs filled").containsIgnoringCase("space");
    }
  }

  private static String errorLine(String err) {
    return err.lines().filter(l -> l.startsWith("ticklake: ")).findFirst().orElse(err);
  }

  /** {@code ticklake} in a child JVM, its stderr collected. */
  private static final class Child {
    final Process process;
    final List<String> stderr = new java.util.ArrayList<>();
    final CompletableFuture<Void> drained;

    private Child(Process process) {
      this.process = process;
      process.getOutputStream();
      CompletableFuture.runAsync(() -> drain(process.getInputStream(), null));
      this.drained = CompletableFuture.runAsync(() -> drain(process.getErrorStream(), stderr));
    }

    static Child start(Map<String, String> env, String... args) throws IOException {
      List<String> cmd = new java.util.ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx256m");
      for (String f : System.getProperty("ticklake.jvm.flags", "").split("\\s+")) {
        if (!f.isBlank()) {
          cmd.add(f);
        }
      }
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.ticklake.cli.Main"));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().putAll(env);
      return new Child(pb.start());
    }

    String err() {
      synchronized (stderr) {
        return String.join("\n", stderr);
      }
    }

    /** Waits until a thread of the process is in {@code frame} (a thread dump by jcmd). */
    void awaitThread(String frame) throws Exception {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      assumeTrue(Files.isExecutable(jcmd), "no jcmd in this JDK: skipped");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String dump = "";
      while (System.nanoTime() < deadline && process.isAlive()) {
        Process p =
            new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                .redirectErrorStream(true)
                .start();
        dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        if (dump.contains(frame)) {
          return;
        }
        Thread.sleep(200);
      }
      assertThat(dump).as(err()).contains(frame);
    }

    void awaitErr(String text) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!err().contains(text) && System.nanoTime() < deadline && process.isAlive()) {
        Thread.sleep(50);
      }
      assertThat(err()).contains(text);
    }

    private static void drain(InputStream in, List<String> sink) {
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (sink != null) {
            synchronized (sink) {
              sink.add(line);
            }
          }
        }
      } catch (IOException e) {
        // the process ended
      }
    }
  }

  private static void assumeDevFull() {
    assumeTrue(Files.isWritable(Path.of("/dev/full")), "no /dev/full here: skipped");
  }
}
