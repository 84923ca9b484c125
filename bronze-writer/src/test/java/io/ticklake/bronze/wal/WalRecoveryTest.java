package io.ticklake.bronze.wal;

import static io.ticklake.bronze.wal.WalFixtures.options;
import static io.ticklake.bronze.wal.WalFixtures.replaySeqs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash tests: a torn tail at every byte of the last batch, and garbage in the middle. */
class WalRecoveryTest {
  private static final String STEM = "00000000000000000001";
  private static final int BATCHES = 8;

  @TempDir Path tmp;
  private byte[] data;
  private byte[] index;
  private List<WalIndexEntry> entries;

  @BeforeEach
  void writeWal() throws IOException {
    Path dir = tmp.resolve("pristine");
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, options(FsyncPolicy.OS))) {
      for (int i = 0; i < BATCHES; i++) {
        wal.appendTrades(WalFixtures.trades(i * 3 + 1, 3));
      }
    }
    data = Files.readAllBytes(dir.resolve(STEM + ".arrows"));
    index = Files.readAllBytes(dir.resolve(STEM + ".index"));
    entries = new ArrayList<>();
    String[] why = new String[1];
    for (int k = 0; k < BATCHES; k++) {
      entries.add(
          WalIndexEntry.decode(
              java.nio.ByteBuffer.wrap(index),
              WalSegment.HEADER_BYTES + k * WalIndexEntry.BYTES,
              why));
    }
  }

  private Path materialise(String name, byte[] d, byte[] i) throws IOException {
    Path dir = tmp.resolve(name);
    Files.createDirectories(dir);
    Files.write(dir.resolve(STEM + ".arrows"), d);
    Files.write(dir.resolve(STEM + ".index"), i);
    return dir;
  }

  private static List<Long> seqs(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void tornTailAtEveryByteOfTheLastBatchKeepsExactlyTheCompleteBatches() throws IOException {
    WalIndexEntry last = entries.get(BATCHES - 1);
    long keptSeq = entries.get(BATCHES - 2).lastSeq();
    int lastEntryPos = WalSegment.HEADER_BYTES + (BATCHES - 1) * WalIndexEntry.BYTES;
    int cases = 0;
    // the data file cut inside the last batch, its index entry present
    for (int cut = (int) last.offset(); cut < last.end(); cut++) {
      checkTorn("d" + cut, Arrays.copyOf(data, cut), index, keptSeq);
      cases++;
    }
    // the index cut inside the last entry, with and without the batch bytes
    for (int cut = lastEntryPos; cut < index.length; cut++) {
      checkTorn("i" + cut, data, Arrays.copyOf(index, cut), keptSeq);
      checkTorn(
          "b" + cut,
          Arrays.copyOf(data, (int) last.offset() + 5),
          Arrays.copyOf(index, cut),
          keptSeq);
      cases += 2;
    }
    assertThat(cases).isGreaterThan(500);
  }

  private void checkTorn(String name, byte[] d, byte[] i, long keptSeq) throws IOException {
    Path dir = materialise(name, d, i);
    WalRecoveryReport inspected = WalRecovery.inspect(dir, WalTable.TRADES, false);
    assertThat(inspected.lastSeq()).isEqualTo(keptSeq);
    assertThat(Files.size(dir.resolve(STEM + ".arrows"))).isEqualTo(d.length);
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, options(FsyncPolicy.OS))) {
      WalRecoveryReport r = wal.recovery();
      assertThat(r.truncations())
          .singleElement()
          .asString()
          .startsWith("Cut torn tail of WAL segment " + STEM)
          .contains("kept up to seq " + keptSeq);
      assertThat(r.skipped()).isEmpty();
      assertThat(replaySeqs(wal, 0)).isEqualTo(seqs(1, keptSeq));
      assertThat(wal.appendTrades(WalFixtures.trades(1, 2)))
          .isEqualTo(SeqRange.of(keptSeq + 1, keptSeq + 2));
    }
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, options(FsyncPolicy.OS))) {
      assertThat(wal.recovery().clean()).isTrue();
      assertThat(replaySeqs(wal, keptSeq - 1)).isEqualTo(seqs(keptSeq, keptSeq + 2));
    }
    deleteTree(dir);
  }

  @Test
  void garbageInTheMiddleIsRefusedOrSalvagedNeverReplayed() throws IOException {
    int refused = 0;
    int salvaged = 0;
    for (int seed = 1; seed <= 40; seed++) {
      Random random = new Random(seed);
      byte[] d = data.clone();
      byte[] i = index.clone();
      boolean inData = random.nextBoolean();
      byte[] target = inData ? d : i;
      int len = 1 + random.nextInt(24);
      int at = random.nextInt(target.length - len);
      for (int k = 0; k < len; k++) {
        target[at + k] = (byte) random.nextInt(256);
      }
      List<Integer> corrupt = new ArrayList<>();
      for (int k = 0; k < BATCHES; k++) {
        WalIndexEntry e = entries.get(k);
        int ePos = WalSegment.HEADER_BYTES + k * WalIndexEntry.BYTES;
        boolean dataChanged =
            !Arrays.equals(
                d, (int) e.offset(), (int) e.end(), data, (int) e.offset(), (int) e.end());
        boolean entryChanged =
            !Arrays.equals(
                i, ePos, ePos + WalIndexEntry.BYTES, index, ePos, ePos + WalIndexEntry.BYTES);
        if (dataChanged || entryChanged) {
          corrupt.add(k);
        }
      }
      boolean headerChanged =
          !Arrays.equals(i, 0, WalSegment.HEADER_BYTES, index, 0, WalSegment.HEADER_BYTES)
              || !Arrays.equals(
                  d, 0, (int) entries.get(0).offset(), data, 0, (int) entries.get(0).offset());
      List<Long> expected = new ArrayList<>();
      for (int k = 0; k < BATCHES; k++) {
        if (!corrupt.contains(k)) {
          expected.addAll(seqs(entries.get(k).firstSeq(), entries.get(k).lastSeq()));
        }
      }
      int lastGood = BATCHES - 1;
      while (lastGood >= 0 && corrupt.contains(lastGood)) {
        lastGood--;
      }
      final int lastGoodFinal = lastGood;
      boolean mid = headerChanged || corrupt.stream().anyMatch(k -> k < lastGoodFinal);
      Path dir = materialise("g" + seed, d, i);
      if (mid) {
        assertThatThrownBy(() -> WalWriter.open(dir, WalTable.TRADES, options(FsyncPolicy.OS)))
            .as("seed %d", seed)
            .isInstanceOf(WalCorruptionException.class)
            .hasMessageStartingWith("Cannot recover ")
            .hasMessageContaining("is corrupt")
            .hasMessageContaining("nothing was replayed");
        // the refused WAL is left untouched
        assertThat(Files.readAllBytes(dir.resolve(STEM + ".arrows"))).isEqualTo(d);
        assertThat(Files.readAllBytes(dir.resolve(STEM + ".index"))).isEqualTo(i);
        refused++;
      }
      WalOptions opts = options(FsyncPolicy.OS).withSalvage(mid);
      try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, opts)) {
        assertThat(replaySeqs(wal, 0)).as("seed %d", seed).isEqualTo(expected);
        if (mid) {
          assertThat(wal.recovery().skipped()).as("seed %d", seed).isNotEmpty();
          salvaged++;
        }
        wal.appendTrades(WalFixtures.trades(1, 1));
      }
    }
    assertThat(refused).isGreaterThan(10);
    assertThat(salvaged).isEqualTo(refused);
  }

  @Test
  void aBatchDamagedAfterRecoveryIsNotReplayed() throws IOException {
    Path dir = materialise("late", data, index);
    try (WalReader reader = WalReader.open(dir, WalTable.TRADES, false, 1 << 24)) {
      byte[] d = data.clone();
      d[(int) entries.get(2).offset() + 10] ^= 1;
      Files.write(dir.resolve(STEM + ".arrows"), d);
      List<Long> got = new ArrayList<>();
      assertThatThrownBy(() -> reader.replayTrades(0, r -> got.add(r.seq())))
          .isInstanceOf(WalCorruptionException.class)
          .hasMessageContaining("Cannot replay WAL")
          .hasMessageContaining("changed since recovery");
      assertThat(got).isEqualTo(seqs(1, entries.get(1).lastSeq()));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
