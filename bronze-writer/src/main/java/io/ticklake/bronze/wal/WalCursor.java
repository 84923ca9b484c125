package io.ticklake.bronze.wal;

import io.ticklake.catalog.TicklakeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/**
 * Reads validated WAL batches one at a time, in sequence order, into one reused root: the batches
 * holding records with seq &gt; a watermark (and, for a live WAL, at most a given seq). Every
 * batch's CRC32C and row count are checked as it is read, so a batch damaged after it was written
 * is refused, never returned. Pull-based, so a consumer (an Arrow stream handed to DuckDB) asks for
 * the next batch when it wants one; at most one batch is in memory.
 *
 * <p>Not thread-safe.
 */
public final class WalCursor implements AutoCloseable {
  /** The batches of one segment data file to read. */
  record Part(Path dataPath, long baseSeq, List<WalIndexEntry> entries) {}

  private final Path dir;
  private final List<Part> parts;
  private final long watermark;
  private final VectorSchemaRoot root;
  private final VectorLoader loader;
  private final BufferAllocator allocator;
  private final String verb;
  private ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
  private int part;
  private int entry = -1;
  private FileChannel channel;
  private WalIndexEntry current;
  private long bytesRead;

  WalCursor(
      Path dir,
      WalTable table,
      List<Part> parts,
      long watermark,
      BufferAllocator allocator,
      boolean replay) {
    this.dir = dir;
    this.verb = replay ? "replay" : "read";
    this.parts = parts;
    this.watermark = watermark;
    this.allocator = allocator;
    this.root = VectorSchemaRoot.create(table.schema(), allocator);
    this.loader = new VectorLoader(root);
  }

  /** The current batch (valid until the next {@link #next()}). */
  public VectorSchemaRoot root() {
    return root;
  }

  /** The first row of the current batch above the watermark. */
  public int fromRow() {
    return (int) Math.max(0, watermark + 1 - current.firstSeq());
  }

  /** The index entry of the current batch. */
  public WalIndexEntry entry() {
    return current;
  }

  /** IPC bytes read so far. */
  public long bytesRead() {
    return bytesRead;
  }

  /**
   * Loads the next batch holding records above the watermark into {@link #root()}; false at the
   * end.
   *
   * @throws WalCorruptionException when the batch's bytes no longer match its index entry
   * @throws TicklakeException when the data file cannot be read
   */
  public boolean next() {
    try {
      while (part < parts.size()) {
        Part p = parts.get(part);
        entry++;
        if (entry >= p.entries().size()) {
          closeChannel();
          part++;
          entry = -1;
          continue;
        }
        WalIndexEntry e = p.entries().get(entry);
        if (e.lastSeq() <= watermark) {
          continue;
        }
        if (channel == null) {
          channel = FileChannel.open(p.dataPath(), StandardOpenOption.READ);
        }
        load(p, e);
        current = e;
        return true;
      }
      return false;
    } catch (IOException e) {
      throw TicklakeException.of(
          TicklakeException.Kind.FAILURE,
          "Cannot %s WAL %s: %s",
          verb,
          dir,
          WalRecovery.describe(e));
    }
  }

  private void load(Part p, WalIndexEntry e) throws IOException {
    if (buf.capacity() < e.length()) {
      buf = ByteBuffer.allocateDirect(Math.max(e.length(), buf.capacity() * 2));
    }
    buf.clear().limit(e.length());
    long pos = e.offset();
    while (buf.hasRemaining() && channel.read(buf, pos + buf.position()) > 0) {
      // read the whole batch
    }
    buf.flip();
    if (buf.remaining() != e.length() || WalSegment.crc(buf) != e.crc()) {
      throw new WalCorruptionException(
          String.format(
              Locale.ROOT,
              "Cannot %s WAL %s: batch seqs %d..%d of segment %s (data bytes %d..%d) changed"
                  + " since %s; nothing of it was %s",
              verb,
              dir,
              e.firstSeq(),
              e.lastSeq(),
              WalSegment.stem(p.baseSeq()),
              e.offset(),
              e.end(),
              verb.equals("replay") ? "recovery" : "it was logged",
              verb.equals("replay") ? "replayed" : "read"));
    }
    try (ArrowRecordBatch batch =
        MessageSerializer.deserializeRecordBatch(
            new ReadChannel(new ByteChannels.Source(buf)), allocator)) {
      loader.load(batch);
    }
    bytesRead += e.length();
    if (root.getRowCount() != e.count()) {
      throw new WalCorruptionException(
          String.format(
              Locale.ROOT,
              "Cannot %s WAL %s: batch seqs %d..%d holds %d rows, not %d",
              verb,
              dir,
              e.firstSeq(),
              e.lastSeq(),
              root.getRowCount(),
              e.count()));
    }
  }

  private void closeChannel() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  /** Closes the open data file and frees the batch. */
  @Override
  public void close() {
    try {
      closeChannel();
    } catch (IOException e) {
      // read-only channel: nothing was written that could be lost
    } finally {
      root.close();
    }
  }
}
