package io.ticklake.silver;

import static java.util.Objects.requireNonNull;

import io.ticklake.quarantine.Severity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the compactor validates: rule severities and thresholds.
 *
 * @param severities severity overrides by rule name
 * @param disabled rules not to run
 * @param sessionTolerance how far outside the trading date's session window an event may lie
 * @param spikePercent a trade deviating more than this many percent from its reference is a spike
 * @param spikeWindow number of preceding valid trades of the symbol the reference (median) uses
 * @param spikeMinPoints fewest preceding trades needed before the spike rule judges
 */
public record ValidationSettings(
    Map<String, Severity> severities,
    Set<String> disabled,
    Duration sessionTolerance,
    BigDecimal spikePercent,
    int spikeWindow,
    int spikeMinPoints) {
  public ValidationSettings {
    severities = Map.copyOf(requireNonNull(severities, "severities is null"));
    disabled = Set.copyOf(requireNonNull(disabled, "disabled is null"));
    requireNonNull(sessionTolerance, "sessionTolerance is null");
    requireNonNull(spikePercent, "spikePercent is null");
    if (sessionTolerance.isNegative()) {
      throw new IllegalArgumentException(
          "Cannot use a negative session tolerance: " + sessionTolerance);
    }
    if (spikePercent.signum() <= 0) {
      throw new IllegalArgumentException(
          "Cannot use a spike threshold of " + spikePercent + "%: it must be positive");
    }
    if (disabled.contains(SilverTable.UNKNOWN_SYMBOL)
        || severities.get(SilverTable.UNKNOWN_SYMBOL) == Severity.WARN) {
      throw new IllegalArgumentException(
          "Cannot relax rule unknown_symbol: symbol_id is required in Silver");
    }
    if (spikeWindow < 1 || spikeMinPoints < 1 || spikeMinPoints > spikeWindow) {
      throw new IllegalArgumentException(
          "Cannot use spike window " + spikeWindow + " with " + spikeMinPoints + " minimum points");
    }
  }

  /** Defaults: 1 minute tolerance, spikes over 10% against the median of the last 50 trades. */
  public static ValidationSettings defaults() {
    return new ValidationSettings(
        Map.of(), Set.of(), Duration.ofMinutes(1), new BigDecimal("10"), 50, 5);
  }

  /** The same settings with one rule's severity changed. */
  public ValidationSettings withSeverity(String rule, Severity severity) {
    Map<String, Severity> m = new java.util.HashMap<>(severities);
    m.put(rule, severity);
    return new ValidationSettings(
        m, disabled, sessionTolerance, spikePercent, spikeWindow, spikeMinPoints);
  }

  /** The same settings with a rule disabled. */
  public ValidationSettings without(String rule) {
    Set<String> d = new java.util.HashSet<>(disabled);
    d.add(rule);
    return new ValidationSettings(
        severities, d, sessionTolerance, spikePercent, spikeWindow, spikeMinPoints);
  }

  /** The rules of a table after overrides and disabling. */
  public List<ValidationRule> rules(SilverTable table) {
    List<ValidationRule> out = new ArrayList<>();
    for (ValidationRule r : table.defaultRules(this)) {
      if (!disabled.contains(r.name())) {
        Severity s = severities.get(r.name());
        out.add(s == null ? r : r.withSeverity(s));
      }
    }
    return out;
  }
}
