/**
 * The live writer: events appended through a write-ahead log per table and flushed to Bronze in
 * Iceberg appends whose summaries carry the writer id and WAL sequence range ({@link
 * io.ticklake.bronze.live.BronzeWriter}), and the line format a feed handler pipes into {@code
 * ticklake writer} ({@link io.ticklake.bronze.live.EventLineParser}).
 */
package io.ticklake.bronze.live;
