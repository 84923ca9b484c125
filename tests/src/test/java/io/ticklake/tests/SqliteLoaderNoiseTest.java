package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite JDBC driver copies its native library into the temp folder and, on start, deletes the
 * copies other JVMs left; when cron starts several jobs at once, two of them race to delete the
 * same copy and the loser logged "Failed to delete old native lib" with a stack trace on stderr
 * (found by the soak of 2026-11-28). Harmless, but a scheduled job's stderr must only say what went
 * wrong. The race is made deterministic here with a stale "copy" that cannot be deleted.
 */
class SqliteLoaderNoiseTest {
  @TempDir Path dir;

  @Test
  void aStaleNativeLibraryCopyThatCannotBeDeletedLeavesStderrQuiet() throws Exception {
    Path warehouse = dir.resolve("wh");
    new Cli(warehouse).ok("init");
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    // what the driver's clean-up matches: sqlite-<version>-… without a .lck beside it; a
    // non-empty folder fails to delete as a copy another JVM deleted first does
    Path stale =
        Files.createDirectories(
            tmp.resolve(
                "sqlite-" + org.sqlite.SQLiteJDBCLoader.getVersion() + "-stale-libsqlitejdbc.so"));
    Files.writeString(stale.resolve("x"), "x");

    ChildJvm quiet =
        ChildJvm.start(
            List.of("-Xmx256m", "-Djava.io.tmpdir=" + tmp),
            Map.of(),
            null,
            "tables",
            "--warehouse",
            warehouse.toString());
    assertThat(quiet.waitFor(120)).as(quiet.stderr()).isZero();
    assertThat(quiet.stderr())
        .doesNotContain("Failed to delete old native lib")
        .doesNotContain("\tat ");

    // debugging still shows it (and this shows the stale copy is one the driver tries to delete)
    ChildJvm debug =
        ChildJvm.start(
            List.of("-Xmx256m", "-Djava.io.tmpdir=" + tmp),
            Map.of("TICKLAKE_DEBUG", "1"),
            null,
            "tables",
            "--warehouse",
            warehouse.toString());
    assertThat(debug.waitFor(120)).as(debug.stderr()).isZero();
    assertThat(debug.stderr()).contains("Failed to delete old native lib");
  }
}
