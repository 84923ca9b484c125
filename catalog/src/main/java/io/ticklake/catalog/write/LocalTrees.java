package io.ticklake.catalog.write;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting local folders with everything under them (staging and work folders). */
public final class LocalTrees {
  private LocalTrees() {}

  /**
   * Deletes {@code root} and everything under it; a missing folder is fine.
   *
   * @throws UncheckedIOException when something cannot be deleted
   */
  public static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@link #deleteTree} for folders of files no snapshot names: what cannot be deleted is left (an
   * orphan is harmless).
   */
  public static void deleteTreeQuietly(Path root) {
    try {
      deleteTree(root);
    } catch (UncheckedIOException e) {
      // left as an orphan
    }
  }
}
