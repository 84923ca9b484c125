/**
 * Bronze: vendor readers, the Arrow IPC write-ahead log, micro-batch flushes and exactly-once
 * appends.
 */
package io.ticklake.bronze;
