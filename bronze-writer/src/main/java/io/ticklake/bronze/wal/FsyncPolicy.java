package io.ticklake.bronze.wal;

/**
 * When the WAL forces appended bytes to stable storage, and therefore what an acknowledgement
 * promises. An append is acknowledged when its index entry is durable in the sense of the policy.
 */
public enum FsyncPolicy {
  /**
   * No fsync: an append is acknowledged once its batch and index entry are written to the page
   * cache. Fastest. Survives a process crash (SIGKILL) but a power loss or kernel crash loses
   * whatever the kernel had not yet written back, acknowledged or not.
   */
  OS,

  /**
   * Group commit: a background syncer forces the data file, then writes and forces the index
   * entries of every append since the previous group. A group is committed as soon as an appender
   * waits for it ({@link WalWriter#append}, {@link WalWriter#awaitDurable}) and the syncer is free,
   * so appends that arrive while one fsync pair runs form the next group; writes nobody waits for
   * ({@link WalWriter#write}) are committed at the latest after {@code maxDelay} or once {@code
   * maxEvents} events are pending. An acknowledgement survives a power loss; one fsync pair is
   * amortised over every append of the group. A lone appender that blocks on each append pays one
   * fsync pair per append; concurrent appenders, or one that pipelines {@code write} and {@code
   * awaitDurable}, share them.
   */
  BATCH,

  /**
   * Each append writes its batch, forces the data file, writes its index entry and forces the index
   * before it is acknowledged. Survives a power loss with the lowest latency for a single append
   * but the lowest throughput: appends are serialised on two fsyncs each.
   */
  EVERY
}
