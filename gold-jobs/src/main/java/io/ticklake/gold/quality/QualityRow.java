package io.ticklake.gold.quality;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.contract.ExchangeDate;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One row of {@code gold.quality_daily}: the quality figures of one symbol's trades on one trading
 * date. See docs/ARCHITECTURE.md, "Quality", for how each figure is defined.
 *
 * @param exchange the market
 * @param tradingDate the exchange's session date
 * @param symbol the ticker
 * @param symbolId the {@code ref.dim_symbol} id, null when no Silver row names one
 * @param rowsBronze Bronze rows at the snapshot the compaction pinned, null when that snapshot has
 *     expired
 * @param rowsSilver Silver rows
 * @param duplicates rows removed as re-deliveries ({@code rowsBronze - rowsSilver - quarantined}),
 *     null when rowsBronze is
 * @param quarantined rows rejected into quarantine (error severity), each counted once
 * @param quarantinedByRule rejected rows by rule (a row failing two rules counts under both)
 * @param gaps regular-session gaps, in time order
 * @param maxGapMs the longest regular-session pause in ms, gap or not (0 without a session)
 * @param outliers prints flagged by the {@code price_spike} rule
 * @param sessionMinutes minutes of the regular session(s) of the date
 * @param coveredMinutes regular-session minutes with at least one Silver print
 * @param coverage coveredMinutes / sessionMinutes (scale 6), null without a regular session
 * @param score 0..100 (scale 4)
 * @param grade A, B, C, D or F
 */
public record QualityRow(
    String exchange,
    LocalDate tradingDate,
    String symbol,
    Long symbolId,
    Long rowsBronze,
    long rowsSilver,
    Long duplicates,
    long quarantined,
    Map<String, Long> quarantinedByRule,
    List<Gap> gaps,
    long maxGapMs,
    long outliers,
    int sessionMinutes,
    int coveredMinutes,
    BigDecimal coverage,
    BigDecimal score,
    String grade) {
  public QualityRow {
    requireNonNull(exchange, "exchange is null");
    requireNonNull(tradingDate, "tradingDate is null");
    requireNonNull(symbol, "symbol is null");
    quarantinedByRule =
        Collections.unmodifiableMap(
            new TreeMap<>(requireNonNull(quarantinedByRule, "quarantinedByRule is null")));
    gaps = List.copyOf(requireNonNull(gaps, "gaps is null"));
    requireNonNull(score, "score is null");
    requireNonNull(grade, "grade is null");
    if (coveredMinutes < 0 || coveredMinutes > sessionMinutes) {
      throw new IllegalArgumentException(
          "Cannot cover "
              + coveredMinutes
              + " of "
              + sessionMinutes
              + " session minutes for "
              + symbol
              + " on "
              + tradingDate);
    }
    if (rowsBronze != null
        && duplicates != null
        && rowsBronze != rowsSilver + duplicates + quarantined) {
      throw new IllegalArgumentException(
          String.format(
              java.util.Locale.ROOT,
              "Cannot account for %s on %s %s: %d Bronze rows but %d Silver + %d duplicates + %d"
                  + " quarantined",
              symbol,
              exchange,
              tradingDate,
              rowsBronze,
              rowsSilver,
              duplicates,
              quarantined));
    }
  }

  /** The day this row belongs to. */
  public ExchangeDate day() {
    return new ExchangeDate(exchange, tradingDate);
  }

  /** Number of gaps. */
  public int gapCount() {
    return gaps.size();
  }
}
