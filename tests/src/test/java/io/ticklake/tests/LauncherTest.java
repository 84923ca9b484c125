package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/ticklake started the ways users start it: through a symlink, from a path with a space. */
class LauncherTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @TempDir Path dir;

  /** Runs {@code launcher version} without building; returns what it printed. */
  private static String version(Path launcher) throws Exception {
    assumeTrue(
        Files.isRegularFile(ROOT.resolve("cli/target/ticklake-cli.jar")),
        "the cli module is packaged");
    ProcessBuilder pb =
        new ProcessBuilder(launcher.toString(), "version").redirectErrorStream(true);
    pb.environment().put("TICKLAKE_NO_BUILD", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void runsFromAPathWithASpace() throws Exception {
    Path repo = Files.createSymbolicLink(dir.resolve("my repo"), ROOT);
    assertThat(version(repo.resolve("bin").resolve("ticklake"))).contains("iceberg");
  }

  @Test
  void runsThroughASymlinkToIt() throws Exception {
    // e.g. ln -s ~/ticklake/bin/ticklake ~/.local/bin/ticklake
    Path link = Files.createSymbolicLink(dir.resolve("ticklake"), ROOT.resolve("bin/ticklake"));
    assertThat(version(link)).contains("iceberg");
  }

  @Test
  void runsThroughASymlinkToItsFolder() throws Exception {
    Path bin = Files.createSymbolicLink(dir.resolve("tl-bin"), ROOT.resolve("bin"));
    assertThat(version(bin.resolve("ticklake"))).contains("iceberg");
  }

  /**
   * With TICKLAKE_NO_BUILD=1 and no build (a fresh clone, or sources changed since), the launcher
   * says what is wrong and what to do in one 'Cannot' sentence, exit 1; it said only 'the build
   * output in …/cli/target is missing or stale and TICKLAKE_NO_BUILD=1'.
   */
  @Test
  void withoutABuildAndNoBuildItSaysWhatToDo() throws Exception {
    Path root = dir.resolve("clone");
    Files.createDirectories(root.resolve("bin"));
    Path launcher = Files.copy(ROOT.resolve("bin/ticklake"), root.resolve("bin/ticklake"));
    ProcessBuilder pb =
        new ProcessBuilder(launcher.toString(), "version").redirectErrorStream(true);
    pb.environment().put("TICKLAKE_NO_BUILD", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(1);
    assertThat(out)
        .isEqualTo(
            "ticklake: Cannot start: the build in "
                + root.toRealPath().resolve("cli/target")
                + " is missing or older than the sources, and TICKLAKE_NO_BUILD=1 forbids building"
                + " it; run it once without TICKLAKE_NO_BUILD=1 to build (about a minute)\n");
  }
}
