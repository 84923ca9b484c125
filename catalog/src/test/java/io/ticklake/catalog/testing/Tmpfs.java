package io.ticklake.catalog.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small tmpfs mounted on a folder for a test: a disk that fills up or is remounted
 * read-only for real. Mounting needs root (or a mount namespace); where it is not allowed the test
 * is skipped. {@link #close()} unmounts it and fails the test when a file on it was left open;
 * {@link #detach()} unmounts it whatever is still open.
 *
 * <p>The one copy for every module's tests: the catalog module publishes its test classes as a
 * test-jar ({@code ticklake-catalog}, type {@code test-jar}, scope {@code test}).
 */
public final class Tmpfs implements AutoCloseable {
  private static final String NOT_ALLOWED =
      "cannot mount a tmpfs here (not root, or no mount namespace): skipped";

  private final Path dir;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  /**
   * Mounts a tmpfs with {@code options} (e.g. {@code size=1m}) on {@code dir}, creating it; skips
   * the test if mounting is not allowed.
   */
  public static Tmpfs mount(Path dir, String options) throws Exception {
    return mount(dir, options, NOT_ALLOWED);
  }

  /**
   * Mounts a tmpfs with {@code options} on {@code dir}, creating it; skips the test with {@code
   * skipMessage} if mounting is not allowed.
   */
  public static Tmpfs mount(Path dir, String options, String skipMessage) throws Exception {
    Files.createDirectories(dir);
    assumeTrue(sh("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()), skipMessage);
    return new Tmpfs(dir);
  }

  /** Where it is mounted. */
  public Path dir() {
    return dir;
  }

  /** Remounts it read-only ({@code true}) or read-write. */
  public void readOnly(boolean readOnly) throws Exception {
    if (!sh("mount", "-o", readOnly ? "remount,ro" : "remount,rw", dir.toString())) {
      throw new AssertionError("cannot remount " + dir + (readOnly ? " read-only" : " read-write"));
    }
  }

  /**
   * Fills it with the file {@code name} until only about {@code leftBytes} are free; returns the
   * file (delete it to free the space again).
   */
  public Path fill(String name, long leftBytes) throws IOException {
    Path filler = dir.resolve(name);
    long toWrite = Files.getFileStore(dir).getUsableSpace() - leftBytes;
    byte[] block = new byte[64 << 10];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (toWrite > 0) {
        int n = (int) Math.min(block.length, toWrite);
        out.write(block, 0, n);
        toWrite -= n;
      }
    }
    return filler;
  }

  @Override
  public void close() throws Exception {
    if (!sh("umount", dir.toString())) {
      sh("umount", "-l", dir.toString()); // busy: a file on it left open
      throw new AssertionError("the tmpfs on " + dir + " was busy: a file on it was left open");
    }
  }

  /**
   * Unmounts it even while a file on it is still open (lazily: the file system goes when it
   * closes).
   */
  public void detach() throws Exception {
    if (!sh("umount", dir.toString())) {
      sh("umount", "-l", dir.toString());
    }
  }

  /**
   * Runs a command (e.g. {@code mount --bind} or {@code umount} for a test that needs another kind
   * of mount); whether it exited 0 within 20 s.
   */
  public static boolean sh(String... cmd) throws Exception {
    try {
      Process p =
          new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }
}
