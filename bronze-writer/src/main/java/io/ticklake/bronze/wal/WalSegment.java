package io.ticklake.bronze.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One open WAL segment: a data file holding a plain Arrow IPC stream (the schema message, then one
 * record batch message per append, no end-of-stream marker) and its sidecar index (a 32-byte
 * header, then one {@link WalIndexEntry} per batch). Both files are named by the zero-padded first
 * sequence number of the segment.
 *
 * <p>This class is not thread-safe: {@link WalWriter} serialises data writes under its lock and
 * index writes under its lock or in its syncer thread. {@code force} may run concurrently with
 * positional writes.
 */
final class WalSegment implements Closeable {
  static final String DATA_SUFFIX = ".arrows";
  static final String INDEX_SUFFIX = ".index";
  static final int HEADER_BYTES = 32;
  static final byte[] MAGIC = "TLWALIX1".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;

  private final Path dataPath;
  private final Path indexPath;
  private final long baseSeq;
  private final FileChannel data;
  private final FileChannel index;
  private long dataSize;
  private long indexSize;
  private long lastSeq;

  private WalSegment(
      Path dataPath,
      Path indexPath,
      long baseSeq,
      FileChannel data,
      FileChannel index,
      long dataSize,
      long indexSize,
      long lastSeq) {
    this.dataPath = dataPath;
    this.indexPath = indexPath;
    this.baseSeq = baseSeq;
    this.data = data;
    this.index = index;
    this.dataSize = dataSize;
    this.indexSize = indexSize;
    this.lastSeq = lastSeq;
  }

  /** {@code 00000000000000000001}: the file name stem of the segment starting at {@code seq}. */
  static String stem(long seq) {
    return String.format(Locale.ROOT, "%020d", seq);
  }

  static Path dataPath(Path dir, long baseSeq) {
    return dir.resolve(stem(baseSeq) + DATA_SUFFIX);
  }

  static Path indexPath(Path dir, long baseSeq) {
    return dir.resolve(stem(baseSeq) + INDEX_SUFFIX);
  }

  /** The IPC schema message that opens every data file of this table. */
  static byte[] schemaMessage(Schema schema) throws IOException {
    ByteChannels.Sink sink = new ByteChannels.Sink(4096);
    MessageSerializer.serialize(new WriteChannel(sink), schema);
    ByteBuffer bytes = sink.contents();
    byte[] out = new byte[bytes.remaining()];
    bytes.get(out);
    return out;
  }

  static int crc(ByteBuffer bytes) {
    CRC32C c = new CRC32C();
    c.update(bytes.duplicate());
    return (int) c.getValue();
  }

  /** The index header: magic, version, table code, schema length and CRC, reserved, header CRC. */
  static ByteBuffer header(WalTable table, byte[] schemaMessage) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).putInt(VERSION).putInt(table.code()).putInt(schemaMessage.length);
    b.putInt(crc(ByteBuffer.wrap(schemaMessage))).putInt(0);
    b.putInt(crc(b.duplicate().flip()));
    return b.flip();
  }

  /**
   * Creates both files of a new segment (index first, so a data file without an index is always a
   * leftover of a deletion) and, when {@code sync}, forces them and the directory.
   */
  static WalSegment create(
      Path dir, WalTable table, byte[] schemaMessage, long baseSeq, boolean sync)
      throws IOException {
    Path indexPath = indexPath(dir, baseSeq);
    Path dataPath = dataPath(dir, baseSeq);
    FileChannel index = null;
    FileChannel data = null;
    try {
      index =
          FileChannel.open(
              indexPath,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              StandardOpenOption.READ);
      writeFully(index, header(table, schemaMessage), 0);
      data =
          FileChannel.open(
              dataPath,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              StandardOpenOption.READ);
      writeFully(data, ByteBuffer.wrap(schemaMessage), 0);
      if (sync) {
        index.force(true);
        data.force(true);
        syncDirectory(dir);
      }
      return new WalSegment(
          dataPath,
          indexPath,
          baseSeq,
          data,
          index,
          schemaMessage.length,
          HEADER_BYTES,
          baseSeq - 1);
    } catch (IOException | RuntimeException e) {
      closeQuietly(data, e);
      closeQuietly(index, e);
      deleteQuietly(dataPath, e);
      deleteQuietly(indexPath, e);
      throw e;
    }
  }

  /** Reopens a recovered segment for appending after its last valid batch. */
  static WalSegment reopen(Path dir, long baseSeq, long dataSize, long indexSize, long lastSeq)
      throws IOException {
    Path indexPath = indexPath(dir, baseSeq);
    Path dataPath = dataPath(dir, baseSeq);
    FileChannel index =
        FileChannel.open(indexPath, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      FileChannel data =
          FileChannel.open(dataPath, StandardOpenOption.WRITE, StandardOpenOption.READ);
      return new WalSegment(
          dataPath, indexPath, baseSeq, data, index, dataSize, indexSize, lastSeq);
    } catch (IOException | RuntimeException e) {
      closeQuietly(index, e);
      throw e;
    }
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  static void writeFully(FileChannel ch, ByteBuffer bytes, long position) throws IOException {
    long pos = position;
    while (bytes.hasRemaining()) {
      pos += ch.write(bytes, pos);
    }
  }

  Path dataPath() {
    return dataPath;
  }

  Path indexPath() {
    return indexPath;
  }

  long baseSeq() {
    return baseSeq;
  }

  long dataSize() {
    return dataSize;
  }

  long indexSize() {
    return indexSize;
  }

  long lastSeq() {
    return lastSeq;
  }

  /** Appends a batch message at the end of the data file and returns its offset. */
  long appendData(ByteBuffer message, long batchLastSeq) throws IOException {
    long offset = dataSize;
    int length = message.remaining();
    writeFully(data, message, offset);
    dataSize = offset + length;
    lastSeq = batchLastSeq;
    return offset;
  }

  /** Appends index entries (one write) at the end of the index file. */
  void appendEntries(List<WalIndexEntry> entries) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(entries.size() * WalIndexEntry.BYTES);
    for (WalIndexEntry e : entries) {
      e.encode(b);
    }
    b.flip();
    long start = indexSize;
    writeFully(index, b, start);
    indexSize = start + (long) entries.size() * WalIndexEntry.BYTES;
  }

  /** Cuts both files back to the given sizes, undoing a failed append. */
  void rollback(long toDataSize, long toIndexSize, long toLastSeq) throws IOException {
    data.truncate(toDataSize);
    index.truncate(toIndexSize);
    dataSize = toDataSize;
    indexSize = toIndexSize;
    lastSeq = toLastSeq;
  }

  void syncData() throws IOException {
    data.force(false);
  }

  void syncIndex() throws IOException {
    index.force(false);
  }

  @Override
  public void close() throws IOException {
    try {
      data.close();
    } finally {
      index.close();
    }
  }

  private static void closeQuietly(Closeable c, Exception into) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        into.addSuppressed(e);
      }
    }
  }

  private static void deleteQuietly(Path p, Exception into) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      into.addSuppressed(e);
    }
  }
}
