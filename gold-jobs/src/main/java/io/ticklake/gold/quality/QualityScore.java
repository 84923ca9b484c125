package io.ticklake.gold.quality;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The quality score (0..100) and letter grade of a symbol-day, in exact decimal arithmetic so that
 * the same figures always give the same score.
 *
 * <pre>
 * score = max(0, 100 - 60 * (1 - coverage)
 *                    - min(20, 5 * gaps)
 *                    - min(10, 1000 * quarantined / bronze)
 *                    - min(5, 100 * duplicates / bronze)
 *                    - min(5, 1000 * outliers / silver))
 * </pre>
 *
 * where {@code bronze} is the Bronze row count (Silver + quarantined when Bronze is unknown). A
 * symbol-day with no Silver row, or whose date has no regular session, scores 0. Grades: A from 90,
 * B from 80, C from 70, D from 60, F below.
 */
public final class QualityScore {
  private static final int SCALE = 12;
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

  private QualityScore() {}

  /**
   * The score, scale 4 (HALF_EVEN).
   *
   * @param coverage regular-session coverage 0..1, null without a regular session
   * @param gapCount number of gaps
   * @param bronzeRows Bronze rows, null when unknown
   * @param silverRows Silver rows
   * @param duplicates duplicates removed, null when unknown
   * @param quarantined rows rejected
   * @param outliers rows flagged as price outliers
   */
  public static BigDecimal score(
      BigDecimal coverage,
      int gapCount,
      Long bronzeRows,
      long silverRows,
      Long duplicates,
      long quarantined,
      long outliers) {
    if (silverRows == 0 || coverage == null) {
      return BigDecimal.ZERO.setScale(4);
    }
    long base = bronzeRows != null ? bronzeRows : silverRows + quarantined;
    BigDecimal penalty = BigDecimal.valueOf(60).multiply(BigDecimal.ONE.subtract(coverage));
    penalty = penalty.add(BigDecimal.valueOf(Math.min(20L, 5L * gapCount)));
    penalty = penalty.add(capped(THOUSAND, quarantined, base, 10));
    penalty = penalty.add(capped(HUNDRED, duplicates == null ? 0 : duplicates, base, 5));
    penalty = penalty.add(capped(THOUSAND, outliers, silverRows, 5));
    BigDecimal score = HUNDRED.subtract(penalty);
    if (score.signum() < 0) {
      score = BigDecimal.ZERO;
    }
    return score.setScale(4, RoundingMode.HALF_EVEN);
  }

  /** The letter grade of a score. */
  public static String grade(BigDecimal score) {
    if (score.compareTo(BigDecimal.valueOf(90)) >= 0) {
      return "A";
    }
    if (score.compareTo(BigDecimal.valueOf(80)) >= 0) {
      return "B";
    }
    if (score.compareTo(BigDecimal.valueOf(70)) >= 0) {
      return "C";
    }
    if (score.compareTo(BigDecimal.valueOf(60)) >= 0) {
      return "D";
    }
    return "F";
  }

  /** Coverage as a decimal of scale 6 (HALF_EVEN), null when there are no session minutes. */
  public static BigDecimal coverage(int coveredMinutes, int sessionMinutes) {
    if (sessionMinutes == 0) {
      return null;
    }
    return BigDecimal.valueOf(coveredMinutes)
        .divide(BigDecimal.valueOf(sessionMinutes), 6, RoundingMode.HALF_EVEN);
  }

  private static BigDecimal capped(BigDecimal factor, long count, long base, int cap) {
    if (count <= 0 || base <= 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal v =
        factor
            .multiply(BigDecimal.valueOf(count))
            .divide(BigDecimal.valueOf(base), SCALE, RoundingMode.HALF_EVEN);
    BigDecimal c = BigDecimal.valueOf(cap);
    return v.compareTo(c) > 0 ? c : v;
  }
}
