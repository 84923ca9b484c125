package io.ticklake.catalog.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTreesTest {
  @TempDir Path dir;

  @Test
  void deletesAFolderWithEverythingUnderItAndAcceptsAMissingOne() throws Exception {
    Path root = dir.resolve("staging");
    Files.createDirectories(root.resolve("a/b"));
    Files.writeString(root.resolve("a/b/f.parquet"), "x");
    Files.writeString(root.resolve("g.parquet"), "y");
    Path sibling = Files.writeString(dir.resolve("keep.txt"), "z");

    LocalTrees.deleteTree(root);

    assertThat(root).doesNotExist();
    assertThat(sibling).exists();
    LocalTrees.deleteTree(root);
    LocalTrees.deleteTreeQuietly(root);
    LocalTrees.deleteTreeQuietly(null);
    assertThat(sibling).exists();
  }
}
