package io.ticklake.bronze.wal;

import static java.util.Objects.requireNonNull;

import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Replays the batches recovery validated, in sequence order, each record with a sequence number
 * above a caller-supplied watermark exactly once. Every batch's CRC32C is checked again as it is
 * read, so a batch damaged after recovery is refused, never replayed.
 *
 * <p>This class is not thread-safe.
 */
public final class WalReader implements AutoCloseable {
  /** Receives one replayed batch; rows before {@code fromRow} are at or below the watermark. */
  @FunctionalInterface
  public interface BatchConsumer {
    /**
     * Consumes the rows {@code fromRow..root.getRowCount()-1} of {@code root}; the root is reused
     * for the next batch once this returns.
     */
    void accept(VectorSchemaRoot root, int fromRow);
  }

  private final Path dir;
  private final WalTable table;
  private final List<WalRecovery.Segment> segments;
  private final BufferAllocator allocator;
  private final boolean ownsAllocator;
  private final WalRecoveryReport report;

  WalReader(
      Path dir,
      WalTable table,
      WalRecovery.Result recovered,
      BufferAllocator allocator,
      boolean ownsAllocator) {
    this.dir = dir;
    this.table = table;
    this.segments = recovered.segments();
    this.report = recovered.report();
    this.allocator = allocator;
    this.ownsAllocator = ownsAllocator;
  }

  /**
   * Opens the WAL in {@code dir} for reading only: validates it like {@link WalRecovery#inspect} (a
   * torn tail is left on disk and not read) and changes no file.
   *
   * @throws WalCorruptionException on corruption before the tail unless {@code salvage}
   */
  public static WalReader open(Path dir, WalTable table, boolean salvage, long allocatorLimit) {
    WalRecovery.Result r = WalRecovery.run(dir, table, salvage, false);
    return new WalReader(dir, table, r, new RootAllocator(allocatorLimit), true);
  }

  /** What validation found when this reader was opened. */
  public WalRecoveryReport report() {
    return report;
  }

  /**
   * Hands every batch holding records with seq &gt; {@code watermark} to {@code consumer}, in
   * order, and returns the number of records above the watermark.
   */
  public long replayBatches(long watermark, BatchConsumer consumer) {
    requireNonNull(consumer, "consumer is null");
    long rows = 0;
    try (WalCursor cursor = cursor(watermark)) {
      while (cursor.next()) {
        int from = cursor.fromRow();
        consumer.accept(cursor.root(), from);
        rows += cursor.entry().count() - from;
      }
    }
    return rows;
  }

  /** A cursor over the batches holding records with seq &gt; {@code watermark}; close it. */
  public WalCursor cursor(long watermark) {
    return new WalCursor(dir, table, parts(segments), watermark, allocator, true);
  }

  static List<WalCursor.Part> parts(List<WalRecovery.Segment> segments) {
    List<WalCursor.Part> parts = new ArrayList<>();
    for (WalRecovery.Segment s : segments) {
      parts.add(new WalCursor.Part(s.dataPath(), s.baseSeq(), s.entries()));
    }
    return parts;
  }

  /** Replays the trades with seq &gt; {@code watermark} in order; returns how many. */
  public long replayTrades(long watermark, Consumer<WalRecord<TradeRow>> consumer) {
    checkTable(WalTable.TRADES);
    return replayBatches(
        watermark,
        (root, from) -> {
          for (int i = from; i < root.getRowCount(); i++) {
            TradeRow row = WalRows.trade(root, i);
            consumer.accept(new WalRecord<>(row.line(), receivedAt(root, i), row));
          }
        });
  }

  /** Replays the quotes with seq &gt; {@code watermark} in order; returns how many. */
  public long replayQuotes(long watermark, Consumer<WalRecord<QuoteRow>> consumer) {
    checkTable(WalTable.QUOTES);
    return replayBatches(
        watermark,
        (root, from) -> {
          for (int i = from; i < root.getRowCount(); i++) {
            QuoteRow row = WalRows.quote(root, i);
            consumer.accept(new WalRecord<>(row.line(), receivedAt(root, i), row));
          }
        });
  }

  private static long receivedAt(VectorSchemaRoot root, int i) {
    return ((org.apache.arrow.vector.TimeStampMicroTZVector) root.getVector(WalTable.RECEIVED_AT))
        .get(i);
  }

  private void checkTable(WalTable expected) {
    if (table != expected) {
      throw new IllegalStateException(
          "Cannot replay " + expected.dirName() + " from a " + table.dirName() + " WAL: " + dir);
    }
  }

  /** Releases the reader's allocator when it owns one. */
  @Override
  public void close() {
    if (ownsAllocator) {
      allocator.close();
    }
  }
}
