/**
 * The live writer's write-ahead log: one WAL per (writer id, table) directory, {@code
 * <walRoot>/<writerId>/trades|quotes/}.
 *
 * <h2>On-disk format</h2>
 *
 * <p>A WAL is a sequence of segments, each named by the 20-digit zero-padded sequence number of its
 * first event ({@code 00000000000000000001}) and made of two files:
 *
 * <ul>
 *   <li>{@code <seq>.arrows}: a plain Arrow IPC <em>stream</em> (the schema message of {@link
 *       io.ticklake.bronze.wal.WalTable}, then one record batch message per append, no
 *       end-of-stream marker), readable by any Arrow stream reader. A batch of n events holds
 *       sequence numbers {@code first..first+n-1} in its {@code wal_seq} column.
 *   <li>{@code <seq>.index}: a 32-byte header (magic {@code TLWALIX1}, version 1, table code,
 *       schema message length and CRC32C, 4 reserved bytes, CRC32C of the first 28 bytes), then one
 *       40-byte little-endian entry per batch: first seq (8), last seq (8), count (4), length (4),
 *       offset in the data file (8), CRC32C of the batch's message bytes (4), CRC32C of the entry's
 *       first 36 bytes (4).
 * </ul>
 *
 * <p>An Arrow stream cut exactly at a batch boundary ends silently, so the index is the commit
 * record: an event is acknowledged when its entry is durable per {@link
 * io.ticklake.bronze.wal.FsyncPolicy}, and the data file is always forced before the entries that
 * name it are written (BATCH, EVERY). {@link io.ticklake.bronze.wal.WalRecovery} cuts a torn tail
 * (everything after the last valid batch), refuses corruption before it unless salvaging, and
 * {@link io.ticklake.bronze.wal.WalReader} replays records above a watermark exactly once.
 */
package io.ticklake.bronze.wal;
