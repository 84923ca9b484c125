package io.ticklake.gold.bars;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The bar intervals of {@code gold.bars}. Intraday bars are aligned to the clock in the exchange's
 * time zone and cut at session boundaries; {@link #D1} is one bar per session.
 */
public enum BarInterval {
  /** One second. */
  S1("1s", Duration.ofSeconds(1)),
  /** One minute. */
  M1("1m", Duration.ofMinutes(1)),
  /** Five minutes. */
  M5("5m", Duration.ofMinutes(5)),
  /** One hour. */
  H1("1h", Duration.ofHours(1)),
  /** One bar per session of the trading date (pre, regular, post). */
  D1("1d", Duration.ofDays(1));

  private final String label;
  private final Duration width;

  BarInterval(String label, Duration width) {
    this.label = label;
    this.width = width;
  }

  /** The label stored in the {@code interval} column: 1s, 1m, 5m, 1h or 1d. */
  public String label() {
    return label;
  }

  /** The nominal width; a bar is shorter where a session boundary cuts it. */
  public Duration width() {
    return width;
  }

  /** Whether bars span whole sessions rather than clock buckets. */
  public boolean isSession() {
    return this == D1;
  }

  /** The interval with this label, if any. */
  public static Optional<BarInterval> find(String label) {
    for (BarInterval i : values()) {
      if (i.label.equals(label.strip().toLowerCase(Locale.ROOT))) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /**
   * Parses a comma-separated list such as {@code 1s,1m}, in the order of this enum, without
   * repeats.
   *
   * @throws IllegalArgumentException naming the first unknown label
   */
  public static List<BarInterval> parseList(String text) {
    List<BarInterval> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      BarInterval i =
          find(part)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "Cannot build bars at interval '"
                              + part.strip()
                              + "': expected one of 1s, 1m, 5m, 1h, 1d"));
      if (!out.contains(i)) {
        out.add(i);
      }
    }
    out.sort(null);
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return label;
  }
}
