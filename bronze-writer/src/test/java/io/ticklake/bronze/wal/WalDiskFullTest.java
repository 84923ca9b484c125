package io.ticklake.bronze.wal;

import static io.ticklake.bronze.wal.WalFixtures.options;
import static io.ticklake.bronze.wal.WalFixtures.replaySeqs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Disk full and read-only file systems on a real 1 MiB tmpfs; skipped where mounting is not
 * allowed.
 */
class WalDiskFullTest {
  private Path mount;
  private Tmpfs tmpfs;

  @BeforeEach
  void mountTmpfs() throws Exception {
    mount = Files.createTempDirectory("wal-tmpfs");
    tmpfs = Tmpfs.mount(mount, "size=1m", "no tmpfs");
  }

  @AfterEach
  void unmount() throws Exception {
    if (tmpfs != null) {
      tmpfs.close();
    }
    Files.deleteIfExists(mount);
  }

  @ParameterizedTest
  @EnumSource(FsyncPolicy.class)
  void diskFullIsReportedAndNoAcknowledgedEventIsLost(FsyncPolicy policy) throws Exception {
    Path dir = mount.resolve("w").resolve("trades");
    Path filler = mount.resolve("filler");
    Files.write(filler, new byte[640 << 10]);
    long acked = 0;
    TicklakeException error = null;
    WalWriter wal = WalWriter.open(dir, WalTable.TRADES, options(policy));
    try {
      for (int i = 0; i < 10_000 && error == null; i++) {
        try {
          acked = wal.appendTrades(WalFixtures.trades(1, 50)).last();
        } catch (TicklakeException e) {
          error = e;
        }
      }
      assertThat(error).isNotNull();
      assertThat(error.getMessage())
          .startsWith("Cannot ")
          .contains("No space left on device")
          .contains("the WAL is kept")
          .contains("free space on the file system of " + dir);
      // the operator's to fix: a configuration error (exit 3), not an internal one
      assertThat(error.kind()).isEqualTo(TicklakeException.Kind.CONFIGURATION);
      Files.delete(filler);
      if (policy != FsyncPolicy.BATCH) {
        // the writer undid the failed append and resumes once space is back
        assertThat(wal.appendTrades(WalFixtures.trades(1, 5)).first()).isEqualTo(acked + 1);
        acked += 5;
      }
    } finally {
      try {
        wal.close();
      } catch (TicklakeException e) {
        // a writer failed in its syncer may fail to close as well; reopening recovers
      }
    }
    try (WalWriter reopened = WalWriter.open(dir, WalTable.TRADES, options(policy))) {
      assertThat(reopened.recovery().lastSeq()).isGreaterThanOrEqualTo(acked);
      assertThat(replaySeqs(reopened, 0))
          .startsWith(LongStream.rangeClosed(1, acked).boxed().toArray(Long[]::new));
    }
  }

  @ParameterizedTest
  @EnumSource(value = FsyncPolicy.class, names = "EVERY")
  void readOnlyFileSystemIsReportedAndTheWalKept(FsyncPolicy policy) throws Exception {
    Path dir = mount.resolve("w").resolve("trades");
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, options(policy))) {
      wal.appendTrades(WalFixtures.trades(1, 10));
    }
    tmpfs.readOnly(true);
    try {
      assertThatThrownBy(() -> WalWriter.open(dir, WalTable.TRADES, options(policy)))
          .isInstanceOf(TicklakeException.class)
          .hasMessageStartingWith("Cannot open WAL " + dir)
          .hasMessageContaining("Read-only file system")
          .hasMessageContaining("the WAL is kept")
          .hasMessageContaining("remount it read-write")
          .extracting(e -> ((TicklakeException) e).kind())
          .isEqualTo(TicklakeException.Kind.CONFIGURATION);
    } finally {
      tmpfs.readOnly(false);
    }
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, options(policy))) {
      assertThat(replaySeqs(wal, 0)).hasSize(10);
    }
  }
}
