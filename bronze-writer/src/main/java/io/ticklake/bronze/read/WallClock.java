package io.ticklake.bronze.read;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * Turns wall-clock local times into instants with one rule for every ticklake reader, the rule Lean
 * applies to its own data (QuantConnect {@code Extensions.ConvertTo}: NodaTime {@code ReturnLater}
 * + {@code ReturnStartOfIntervalAfter}):
 *
 * <ul>
 *   <li>a local time that occurs twice (the hour repeated when clocks go back) is the <b>later</b>
 *       of the two instants, i.e. it takes the offset after the transition;
 *   <li>a local time that does not exist (the hour skipped when clocks go forward) is the <b>first
 *       instant after the gap</b>: on 2013-03-10 in New York, 02:30 is 03:00 EDT.
 * </ul>
 *
 * <p>Note this differs from {@link java.time.ZonedDateTime#of}, which picks the earlier offset for
 * repeated times and shifts skipped times forward by the length of the gap.
 *
 * <p>An instance serves one local date: {@link #epochMicros(long)} maps milliseconds since the
 * date's local midnight, read as wall-clock time (Lean: {@code date.AddMilliseconds(ms)} on a
 * zone-less local time), to epoch microseconds. Days without a transition take a constant-offset
 * fast path. Instances are immutable and thread-safe.
 */
final class WallClock {
  private static final long MILLIS_PER_DAY = 86_400_000L;

  private final ZoneRules rules;
  private final long localMidnightMillis;
  private final boolean uniform;
  private final long offsetMillis;

  WallClock(LocalDate date, ZoneId zone) {
    this.rules = zone.getRules();
    this.localMidnightMillis = date.toEpochDay() * MILLIS_PER_DAY;
    LocalDateTime dayStart = date.atStartOfDay();
    LocalDateTime dayEnd = date.plusDays(1).atStartOfDay();
    Instant scanTo = dayEnd.plusDays(2).toInstant(ZoneOffset.UTC);
    boolean changes = false;
    ZoneOffsetTransition t = rules.nextTransition(dayStart.minusDays(2).toInstant(ZoneOffset.UTC));
    while (t != null && t.getInstant().isBefore(scanTo)) {
      if (within(t.getDateTimeBefore(), dayStart, dayEnd)
          || within(t.getDateTimeAfter(), dayStart, dayEnd)) {
        changes = true;
        break;
      }
      t = rules.nextTransition(t.getInstant());
    }
    this.uniform = !changes;
    this.offsetMillis = rules.getOffset(dayStart).getTotalSeconds() * 1000L;
  }

  private static boolean within(LocalDateTime x, LocalDateTime start, LocalDateTime end) {
    return !x.isBefore(start) && !x.isAfter(end);
  }

  /** Epoch microseconds of the wall-clock time {@code msOfDay} milliseconds after midnight. */
  long epochMicros(long msOfDay) {
    long localMillis = localMidnightMillis + msOfDay;
    if (uniform) {
      return (localMillis - offsetMillis) * 1000L;
    }
    LocalDateTime local =
        LocalDateTime.ofEpochSecond(
            Math.floorDiv(localMillis, 1000L),
            (int) Math.floorMod(localMillis, 1000L) * 1_000_000,
            ZoneOffset.UTC);
    Instant instant = toInstant(local, rules);
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
  }

  /** The instant of a local date-time under the rule above. */
  static Instant toInstant(LocalDateTime local, ZoneRules rules) {
    ZoneOffsetTransition transition = rules.getTransition(local);
    if (transition == null) {
      return local.toInstant(rules.getOffset(local));
    }
    if (transition.isGap()) {
      return transition.getInstant();
    }
    return local.toInstant(transition.getOffsetAfter());
  }
}
