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
}
