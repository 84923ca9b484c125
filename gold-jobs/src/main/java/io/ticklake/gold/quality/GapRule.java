package io.ticklake.gold.quality;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * When a pause between prints counts as a gap: longer than {@code multiple} times the symbol-day's
 * usual pause (the lower median of the pauses between consecutive regular-session prints), and
 * never shorter than {@code floor}.
 *
 * @param multiple how many usual pauses make a gap (at least 1)
 * @param floor the shortest pause that can be a gap
 */
public record GapRule(int multiple, Duration floor) {
  public GapRule {
    requireNonNull(floor, "floor is null");
    if (multiple < 1) {
      throw new IllegalArgumentException("Cannot use a gap multiple of " + multiple + ": use >= 1");
    }
    if (floor.isNegative() || floor.isZero()) {
      throw new IllegalArgumentException("Cannot use a gap floor of " + floor + ": use > 0");
    }
  }

  /** The default: 20 times the usual pause, at least 60 seconds. */
  public static GapRule defaults() {
    return new GapRule(20, Duration.ofSeconds(60));
  }

  /** The rule as recorded in a quality commit's summary, e.g. {@code 20x-median-min-PT1M}. */
  public String label() {
    return multiple + "x-median-min-" + floor;
  }

  /**
   * The gap threshold in microseconds: a pause strictly longer is a gap.
   *
   * @param usualMicros the usual pause, or a negative value when there is none (fewer than two
   *     prints in a regular window)
   */
  public long thresholdMicros(long usualMicros) {
    // a threshold beyond what a long holds is no threshold a pause reaches: Long.MAX_VALUE
    long floorMicros =
        floor.getSeconds() >= Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE : floor.toNanos() / 1000;
    if (usualMicros < 0) {
      return floorMicros;
    }
    long scaled = usualMicros > Long.MAX_VALUE / multiple ? Long.MAX_VALUE : usualMicros * multiple;
    return Math.max(floorMicros, scaled);
  }
}
