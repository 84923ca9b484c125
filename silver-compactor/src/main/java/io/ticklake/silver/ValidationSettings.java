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
    // one number, one threshold: trailing zeros are not decimals of the number, but they would be
    // of the SQL literal (its scale adds to the product's) and of the rules key
    spikePercent = spikePercent.stripTrailingZeros();
    if (spikePercent.scale() < 0) {
      spikePercent = spikePercent.setScale(0);
    }
    if (sessionTolerance.isNegative()) {
      throw new IllegalArgumentException(
          "Cannot use a negative session tolerance: " + sessionTolerance);
    }
    // a day already admits every event of the trading date; far larger ones overflow the
    // window's timestamps and every compaction would fail
    if (sessionTolerance.compareTo(MAX_SESSION_TOLERANCE) > 0) {
      throw new IllegalArgumentException(
          "Cannot use a session tolerance of "
              + sessionTolerance
              + ": give at most 1 day (PT24H; to turn session_window off, disable it)");
    }
    if (spikePercent.signum() <= 0) {
      throw new IllegalArgumentException(
          "Cannot use a spike threshold of "
              + spikePercent.toPlainString()
              + "%: it must be positive");
    }
    // the compactor multiplies prices (DECIMAL(38,9)) by the threshold in DuckDB: a larger one or
    // more decimals overflow DECIMAL(38) and every compaction would fail
    if (spikePercent.compareTo(MAX_SPIKE_PERCENT) > 0 || spikePercent.scale() > 9) {
      throw new IllegalArgumentException(
          "Cannot use a spike threshold of "
              + spikePercent
              + "%: give at most "
              + MAX_SPIKE_PERCENT.toPlainString()
              + " with at most 9 decimals (to turn price_spike off, disable it)");
    }
    if (disabled.contains(SilverTable.UNKNOWN_SYMBOL)
        || severities.get(SilverTable.UNKNOWN_SYMBOL) == Severity.WARN) {
      throw new IllegalArgumentException(
          "Cannot relax rule unknown_symbol: symbol_id is required in Silver");
    }
    if (spikeWindow < 1) {
      throw new IllegalArgumentException(
          "Cannot use a spike window of " + spikeWindow + " trades: give 1 or more");
    }
    if (spikeMinPoints < 1 || spikeMinPoints > spikeWindow) {
      throw new IllegalArgumentException(
          "Cannot use "
              + spikeMinPoints
              + " spike minimum points with a spike window of "
              + spikeWindow
              + ": give 1 to the window");
    }
  }

  /** The largest session tolerance: a day (more admits nothing more). */
  public static final Duration MAX_SESSION_TOLERANCE = Duration.ofDays(1);

  /** The largest spike threshold, in percent: a price 10,000 times its reference. */
  public static final BigDecimal MAX_SPIKE_PERCENT = new BigDecimal("1000000");

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

  /** Prefix of the Silver table properties that hold a table's validation settings. */
  public static final String PROPERTY_PREFIX = "ticklake.rules.";

  /** Property: {@code error} or {@code warn} for the rule named after this prefix. */
  public static final String SEVERITY_PREFIX = PROPERTY_PREFIX + "severity.";

  /** Property: comma-separated names of the rules not to run. */
  public static final String DISABLED = PROPERTY_PREFIX + "disabled";

  /** Property: the session tolerance as an ISO-8601 duration ({@code PT1M}). */
  public static final String SESSION_TOLERANCE = PROPERTY_PREFIX + "session-tolerance";

  /** Property: the spike threshold in percent. */
  public static final String SPIKE_PERCENT = PROPERTY_PREFIX + "spike-percent";

  /** Property: how many preceding trades the spike reference uses. */
  public static final String SPIKE_WINDOW = PROPERTY_PREFIX + "spike-window";

  /** Property: fewest preceding trades before the spike rule judges. */
  public static final String SPIKE_MIN_POINTS = PROPERTY_PREFIX + "spike-min-points";

  /**
   * The settings a Silver table's properties hold (written by {@link #toProperties}; {@code
   * ticklake rules set}): the defaults changed by each {@code ticklake.rules.*} property present.
   * Iceberg versions table properties with the table's metadata and commits them atomically, so
   * every compactor of the table reads the same settings.
   *
   * @throws IllegalArgumentException naming the property, when one is malformed or names a rule the
   *     table does not have
   */
  public static ValidationSettings fromProperties(SilverTable table, Map<String, String> props) {
    ValidationSettings d = defaults();
    Set<String> names = ruleNames(table);
    Map<String, Severity> severities = new java.util.TreeMap<>();
    Set<String> disabled = new java.util.TreeSet<>();
    Duration tolerance = d.sessionTolerance();
    BigDecimal spike = d.spikePercent();
    int window = d.spikeWindow();
    int minPoints = d.spikeMinPoints();
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(props).entrySet()) {
      String k = e.getKey();
      String v = e.getValue().strip();
      if (!k.startsWith(PROPERTY_PREFIX)) {
        continue;
      }
      try {
        if (k.startsWith(SEVERITY_PREFIX)) {
          String rule = k.substring(SEVERITY_PREFIX.length());
          checkRule(table, names, rule);
          severities.put(rule, Severity.ofLabel(v));
        } else if (k.equals(DISABLED)) {
          for (String rule : v.split(",")) {
            if (!rule.isBlank()) {
              checkRule(table, names, rule.strip());
              disabled.add(rule.strip());
            }
          }
        } else if (k.equals(SESSION_TOLERANCE)) {
          tolerance = Duration.parse(v);
        } else if (k.equals(SPIKE_PERCENT)) {
          spike = new BigDecimal(v);
        } else if (k.equals(SPIKE_WINDOW)) {
          window = Integer.parseInt(v);
        } else if (k.equals(SPIKE_MIN_POINTS)) {
          minPoints = Integer.parseInt(v);
        } else {
          throw new IllegalArgumentException("unknown setting");
        }
      } catch (RuntimeException ex) {
        throw new IllegalArgumentException(
            "Cannot read validation setting "
                + k
                + "="
                + v
                + " of "
                + table.silver().name()
                + ": "
                + (ex.getMessage() == null ? ex.toString() : ex.getMessage()),
            ex);
      }
    }
    try {
      return new ValidationSettings(severities, disabled, tolerance, spike, window, minPoints);
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException(
          "Cannot use the validation settings of " + table.silver().name() + ": " + ex.getMessage(),
          ex);
    }
  }

  /**
   * The properties that hold these settings for {@code table}: only what differs from the defaults,
   * and only what concerns the table's rules (the spike settings belong to trades).
   */
  public Map<String, String> toProperties(SilverTable table) {
    ValidationSettings d = defaults();
    Set<String> names = ruleNames(table);
    Map<String, String> out = new java.util.TreeMap<>();
    severities.forEach(
        (rule, s) -> {
          if (names.contains(rule) && !defaultSeverities(table, rule).equals(Set.of(s))) {
            out.put(SEVERITY_PREFIX + rule, s.label());
          }
        });
    String off =
        disabled.stream()
            .filter(names::contains)
            .sorted()
            .collect(java.util.stream.Collectors.joining(","));
    if (!off.isEmpty()) {
      out.put(DISABLED, off);
    }
    if (!sessionTolerance.equals(d.sessionTolerance())) {
      out.put(SESSION_TOLERANCE, sessionTolerance.toString());
    }
    if (table == SilverTable.TRADES) {
      if (spikePercent.compareTo(d.spikePercent()) != 0) {
        out.put(SPIKE_PERCENT, spikePercent.toPlainString());
      }
      if (spikeWindow != d.spikeWindow()) {
        out.put(SPIKE_WINDOW, Integer.toString(spikeWindow));
      }
      if (spikeMinPoints != d.spikeMinPoints()) {
        out.put(SPIKE_MIN_POINTS, Integer.toString(spikeMinPoints));
      }
    }
    return out;
  }

  /**
   * What a partition's rows depend on in these settings, for {@code table}: SHA-256 (hex) over the
   * session tolerance and the spike window (their defaults when their rule does not run) and every
   * rule that runs, with its severity, condition, value and message (thresholds are part of the
   * conditions). Recorded with each compaction ({@code ticklake.rules}); a partition built under
   * another key is rebuilt (plan reason {@code rules}).
   */
  public String key(SilverTable table) {
    List<ValidationRule> running = rules(table);
    ValidationSettings d = defaults();
    // a setting that no running rule reads stands at its default, so changing it (say the spike
    // window while price_spike is disabled) rebuilds nothing; the built-in key is unchanged
    List<String> parts = new ArrayList<>();
    parts.add("rules-v1");
    parts.add(
        (runs(running, "session_window") ? sessionTolerance : d.sessionTolerance()).toString());
    parts.add(Integer.toString(runs(running, "price_spike") ? spikeWindow : d.spikeWindow()));
    for (ValidationRule r : running) {
      parts.addAll(
          List.of(
              r.name(), r.severity().label(), r.field(), r.condition(), r.value(), r.message()));
    }
    return io.ticklake.catalog.snapshot.CompactionMarkers.sha256Hex(String.join("\u001f", parts));
  }

  private static boolean runs(List<ValidationRule> rules, String name) {
    return rules.stream().anyMatch(r -> r.name().equals(name));
  }

  /** The names of a table's built-in rules, sorted. */
  public static Set<String> ruleNames(SilverTable table) {
    Set<String> out = new java.util.TreeSet<>();
    table.defaultRules(defaults()).forEach(r -> out.add(r.name()));
    return out;
  }

  /** The built-in severities of a rule name (a name some tables use for several rules). */
  private static Set<Severity> defaultSeverities(SilverTable table, String rule) {
    Set<Severity> out = new java.util.HashSet<>();
    table.defaultRules(defaults()).stream()
        .filter(r -> r.name().equals(rule))
        .forEach(r -> out.add(r.severity()));
    return out;
  }

  private static void checkRule(SilverTable table, Set<String> names, String rule) {
    if (!names.contains(rule)) {
      throw new IllegalArgumentException(
          table.silver().name() + " has no rule " + rule + "; its rules are " + names);
    }
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
