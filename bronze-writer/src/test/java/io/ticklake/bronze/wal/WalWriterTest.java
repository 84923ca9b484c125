package io.ticklake.bronze.wal;

import static io.ticklake.bronze.wal.WalFixtures.options;
import static io.ticklake.bronze.wal.WalFixtures.replaySeqs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.catalog.TicklakeException;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WalWriterTest {
  @TempDir Path tmp;

  @Test
  void tradesRoundTripExactlyAboveTheWatermark() {
    Path dir = WalWriter.directory(tmp, "w1", WalTable.TRADES);
    List<TradeRow> all = WalFixtures.trades(1, 25);
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, options(FsyncPolicy.EVERY))) {
      assertThat(wal.appendTrades(all.subList(0, 10))).isEqualTo(SeqRange.of(1, 10));
      assertThat(wal.appendTrades(all.subList(10, 11))).isEqualTo(SeqRange.of(11, 11));
      assertThat(wal.appendTrades(all.subList(11, 25))).isEqualTo(SeqRange.of(12, 25));
      assertThat(wal.durableSeq()).isEqualTo(25);
    }
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, options(FsyncPolicy.EVERY))) {
      assertThat(wal.recovery().clean()).isTrue();
      assertThat(wal.recovery().lastSeq()).isEqualTo(25);
      for (long watermark : new long[] {0, 5, 10, 11, 24, 25, 99}) {
        List<WalRecord<TradeRow>> got = new ArrayList<>();
        long n = wal.replayTrades(watermark, got::add);
        assertThat(n).isEqualTo(got.size()).isEqualTo(Math.max(0, 25 - watermark));
        for (WalRecord<TradeRow> r : got) {
          assertThat(r.row()).isEqualTo(WalFixtures.withLine(all.get((int) r.seq() - 1), r.seq()));
          assertThat(r.receivedAtMicros()).isPositive();
        }
        assertThat(got.stream().map(WalRecord::seq).toList())
            .containsExactlyElementsOf(LongStream.rangeClosed(watermark + 1, 25).boxed().toList());
      }
      assertThat(wal.appendTrades(all.subList(0, 1))).isEqualTo(SeqRange.of(26, 26));
    }
  }

  @Test
  void quotesRoundTrip() {
    Path dir = WalWriter.directory(tmp, "w1", WalTable.QUOTES);
    List<QuoteRow> all = WalFixtures.quotes(1, 9);
    try (WalWriter wal = WalWriter.open(dir, WalTable.QUOTES, options(FsyncPolicy.BATCH))) {
      wal.appendQuotes(all.subList(0, 4));
      wal.appendQuotes(all.subList(4, 9));
    }
    try (WalWriter wal = WalWriter.open(dir, WalTable.QUOTES, options(FsyncPolicy.BATCH))) {
      List<QuoteRow> got = new ArrayList<>();
      wal.replayQuotes(2, r -> got.add(r.row()));
      List<QuoteRow> want = new ArrayList<>();
      for (int i = 2; i < 9; i++) {
        want.add(WalFixtures.withLine(all.get(i), i + 1));
      }
      assertThat(got).isEqualTo(want);
      assertThatThrownBy(() -> wal.appendTrades(WalFixtures.trades(1, 1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Cannot append trades to a quotes WAL");
    }
  }

  @Test
  void segmentsAreStandardArrowStreams() throws Exception {
    Path dir = tmp.resolve("wal");
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, options(FsyncPolicy.OS))) {
      wal.appendTrades(WalFixtures.trades(1, 3));
      wal.appendTrades(WalFixtures.trades(4, 4));
    }
    Path data = dir.resolve("00000000000000000001.arrows");
    assertThat(dir.resolve("00000000000000000001.index")).exists();
    long rows = 0;
    try (RootAllocator alloc = new RootAllocator();
        FileInputStream in = new FileInputStream(data.toFile());
        ArrowStreamReader reader = new ArrowStreamReader(in, alloc)) {
      assertThat(reader.getVectorSchemaRoot().getSchema()).isEqualTo(WalTable.TRADES.schema());
      while (reader.loadNextBatch()) {
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
    }
    assertThat(rows).isEqualTo(7);
  }

  @ParameterizedTest
  @EnumSource(FsyncPolicy.class)
  void concurrentAppendersGetContiguousSeqsAndAllSurviveReopen(FsyncPolicy policy)
      throws Exception {
    Path dir = tmp.resolve(policy.name());
    int threads = 4;
    int appends = policy == FsyncPolicy.EVERY ? 10 : 40;
    List<SeqRange> ranges = Collections.synchronizedList(new ArrayList<>());
    WalOptions opts = options(policy).withSegmentBytes(16 << 10);
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, opts)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int size = t + 1;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < appends; i++) {
                    SeqRange r = wal.appendTrades(WalFixtures.trades(1, size));
                    assertThat(wal.durableSeq()).isGreaterThanOrEqualTo(r.last());
                    ranges.add(r);
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      assertThat(wal.segmentCount()).isGreaterThan(1);
    }
    long total = ranges.stream().mapToLong(SeqRange::count).sum();
    List<SeqRange> sorted = new ArrayList<>(ranges);
    sorted.sort((a, b) -> Long.compare(a.first(), b.first()));
    long expect = 1;
    for (SeqRange r : sorted) {
      assertThat(r.first()).isEqualTo(expect);
      expect = r.last() + 1;
    }
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, opts)) {
      assertThat(wal.recovery().clean()).isTrue();
      assertThat(replaySeqs(wal, 0))
          .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    }
  }

  @Test
  void rollsBySizeAndDeletesSegmentsAtOrBelowTheWatermark() throws Exception {
    Path dir = tmp.resolve("wal");
    WalOptions opts = options(FsyncPolicy.BATCH).withSegmentBytes(8192);
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, opts)) {
      for (int i = 0; i < 40; i++) {
        wal.appendTrades(WalFixtures.trades(i * 5 + 1, 5));
      }
      int segments = wal.segmentCount();
      assertThat(segments).isGreaterThan(5);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.filter(p -> p.toString().endsWith(".arrows")).toList()) {
          assertThat(Files.size(p)).isLessThanOrEqualTo(8192);
        }
      }
      int deleted = wal.deleteSegmentsUpTo(100);
      assertThat(deleted).isPositive();
      assertThat(wal.segmentCount()).isEqualTo(segments - deleted);
      assertThat(wal.deleteSegmentsUpTo(100)).isZero();
      // everything below the watermark may be gone, nothing above it is
      List<Long> seqs = new ArrayList<>();
      try (WalReader reader = WalReader.open(dir, WalTable.TRADES, false, 1 << 24)) {
        reader.replayTrades(100, r -> seqs.add(r.seq()));
      }
      assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(101, 200).boxed().toList());
      // the active segment is never deleted, so sequence numbers continue after a full delete
      wal.deleteSegmentsUpTo(200);
      assertThat(wal.segmentCount()).isEqualTo(1);
    }
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, opts)) {
      assertThat(wal.lastSeq()).isEqualTo(200);
      assertThat(wal.appendTrades(WalFixtures.trades(1, 2))).isEqualTo(SeqRange.of(201, 202));
      assertThat(replaySeqs(wal, 199)).containsExactly(200L);
    }
  }

  @Test
  void aDeletionLeftoverIsRemovedAndReported() throws Exception {
    Path dir = tmp.resolve("wal");
    WalOptions opts = options(FsyncPolicy.OS).withSegmentBytes(4096);
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, opts)) {
      for (int i = 0; i < 10; i++) {
        wal.appendTrades(WalFixtures.trades(1, 5));
      }
    }
    // a crash between deleting the index and the data file of the first segment
    Files.delete(dir.resolve("00000000000000000001.index"));
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, opts)) {
      assertThat(wal.recovery().removed())
          .singleElement()
          .asString()
          .contains("00000000000000000001.arrows")
          .contains("without its index");
      assertThat(dir.resolve("00000000000000000001.arrows")).doesNotExist();
      assertThat(wal.lastSeq()).isEqualTo(50);
    }
  }

  @Test
  void emptyWalStartsAtFirstSeqAndOneWriterPerDirectory() {
    Path dir = tmp.resolve("wal");
    WalOptions opts = options(FsyncPolicy.OS).withFirstSeq(1000);
    try (WalWriter wal = WalWriter.open(dir, WalTable.TRADES, opts)) {
      assertThatThrownBy(() -> WalWriter.open(dir, WalTable.TRADES, opts))
          .isInstanceOf(TicklakeException.class)
          .hasMessageContaining("Cannot open WAL")
          .hasMessageContaining("another writer holds it");
      assertThat(wal.appendTrades(WalFixtures.trades(1, 1))).isEqualTo(SeqRange.of(1000, 1000));
    }
    assertThatThrownBy(() -> WalWriter.open(dir, WalTable.QUOTES, opts))
        .isInstanceOf(TicklakeException.class)
        .hasMessageContaining("holds trades");
    assertThatThrownBy(() -> WalWriter.directory(tmp, "a/b", WalTable.TRADES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("writerId must match");
    for (String dots : new String[] {".", ".."}) {
      assertThatThrownBy(() -> WalWriter.directory(tmp, dots, WalTable.TRADES))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("writerId must match");
    }
  }

  @Test
  void rejectsBadBatches() {
    try (WalWriter wal =
        WalWriter.open(tmp.resolve("w"), WalTable.TRADES, options(FsyncPolicy.OS))) {
      assertThatThrownBy(() -> wal.appendTrades(List.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Cannot append an empty batch");
      try (var root =
          org.apache.arrow.vector.VectorSchemaRoot.create(
              WalTable.QUOTES.schema(), new RootAllocator())) {
        root.setRowCount(1);
        assertThatThrownBy(() -> wal.append(root))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("the batch schema is not the trades schema");
      }
    }
  }
}
