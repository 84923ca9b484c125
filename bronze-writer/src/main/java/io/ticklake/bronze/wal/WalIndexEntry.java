package io.ticklake.bronze.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * One entry of a segment's sidecar index: where one record batch lies in the data file, which
 * sequence numbers it holds and the CRC32C of its bytes. Encoded little-endian in {@link #BYTES}
 * bytes, the last four being the CRC32C of the first 36.
 *
 * @param firstSeq first sequence number of the batch
 * @param lastSeq last sequence number of the batch
 * @param count number of rows, {@code lastSeq - firstSeq + 1}
 * @param offset byte offset of the batch's IPC message in the data file
 * @param length byte length of the batch's IPC message (metadata and body)
 * @param crc CRC32C of those {@code length} bytes
 */
public record WalIndexEntry(
    long firstSeq, long lastSeq, int count, long offset, int length, int crc) {

  /** Encoded size of an entry. */
  public static final int BYTES = 40;

  /** Checks the components. */
  public WalIndexEntry {
    if (firstSeq < 1 || lastSeq < firstSeq || lastSeq - firstSeq + 1 != count) {
      throw new IllegalArgumentException(
          "Invalid index entry seqs " + firstSeq + ".." + lastSeq + " count " + count);
    }
    if (offset < 0 || length <= 0) {
      throw new IllegalArgumentException(
          "Invalid index entry position " + offset + " length " + length);
    }
  }

  /** End offset (exclusive) of the batch in the data file. */
  public long end() {
    return offset + length;
  }

  /** The batch's sequence numbers. */
  public SeqRange seqs() {
    return SeqRange.of(firstSeq, lastSeq);
  }

  /** Writes the encoded entry at the buffer's position. */
  void encode(ByteBuffer out) {
    ByteBuffer b = out.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int start = b.position();
    b.putLong(firstSeq).putLong(lastSeq).putInt(count).putInt(length).putLong(offset).putInt(crc);
    CRC32C c = new CRC32C();
    c.update(b.duplicate().position(start).limit(start + BYTES - 4));
    b.putInt((int) c.getValue());
    out.position(start + BYTES);
  }

  /**
   * Decodes the entry at {@code pos}, or returns null with the reason in {@code why[0]} when its
   * checksum or its fields are invalid.
   */
  static WalIndexEntry decode(ByteBuffer in, int pos, String[] why) {
    ByteBuffer b = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    CRC32C c = new CRC32C();
    c.update(b.duplicate().position(pos).limit(pos + BYTES - 4));
    int stored = b.getInt(pos + BYTES - 4);
    if ((int) c.getValue() != stored) {
      why[0] =
          String.format(
              java.util.Locale.ROOT,
              "index entry checksum mismatch (stored %08x, computed %08x)",
              stored,
              (int) c.getValue());
      return null;
    }
    long first = b.getLong(pos);
    long last = b.getLong(pos + 8);
    int count = b.getInt(pos + 16);
    int length = b.getInt(pos + 20);
    long offset = b.getLong(pos + 24);
    int crc = b.getInt(pos + 32);
    try {
      return new WalIndexEntry(first, last, count, offset, length, crc);
    } catch (IllegalArgumentException e) {
      why[0] = "invalid index entry: " + e.getMessage();
      return null;
    }
  }
}
