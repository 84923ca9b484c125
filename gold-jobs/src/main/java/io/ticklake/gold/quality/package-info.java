/**
 * Gold data quality: {@code gold.quality_daily} per (exchange, symbol, trading date) built from
 * Silver trades, the quarantine and the compaction summaries ({@link
 * io.ticklake.gold.quality.QualityJob}), and a self-contained HTML report with charts ({@link
 * io.ticklake.gold.quality.QualityReport}).
 */
package io.ticklake.gold.quality;
