package io.ticklake.gold.quality;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * A regular-session stretch without a print: from the last print before it (or the session open) to
 * the next print (or the session close).
 *
 * @param start last print before the gap, or the open
 * @param end first print after the gap, or the close
 */
public record Gap(Instant start, Instant end) {
  public Gap {
    requireNonNull(start, "start is null");
    requireNonNull(end, "end is null");
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("Cannot make a gap from " + start + " back to " + end);
    }
  }

  /** Length in whole milliseconds (truncated). */
  public long millis() {
    return Duration.between(start, end).toMillis();
  }
}
