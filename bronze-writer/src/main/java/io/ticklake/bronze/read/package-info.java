/**
 * Vendor file readers: Lean/AlgoSeek tick zips, Tardis CSV (plain or gzip) and generic CSV/JSONL
 * driven by a declared {@link io.ticklake.bronze.read.ReaderMapping}.
 *
 * <p>Every reader streams its file line by line with bounded memory and hands each data line to a
 * {@link io.ticklake.bronze.read.RowSink} as exactly one row or one {@link
 * io.ticklake.bronze.read.ParseError}. A file that cannot be read at all raises a {@link
 * io.ticklake.bronze.read.FileFormatException}. Readers parse; they do not validate business rules
 * (positive prices, crossed quotes, sessions): that is the quarantine module's job.
 */
package io.ticklake.bronze.read;
