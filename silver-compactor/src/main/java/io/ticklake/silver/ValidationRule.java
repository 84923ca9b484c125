package io.ticklake.silver;

import static java.util.Objects.requireNonNull;

import io.ticklake.quarantine.Severity;

/**
 * A named validation rule of the compactor, as SQL over one deduplicated event row.
 *
 * <p>The expressions may use every Bronze column plus {@code symbol_id}, {@code session}, {@code
 * ref_price} / {@code ref_count} (the rolling price reference of the symbol) and the placeholders
 * {@code ${before_window}} / {@code ${after_window}} (whether the event, to the vendor's
 * nanosecond, lies before the trading date's session window widened by the tolerance, or at or
 * after its end; both true when the date has no session) and {@code ${zone}} (the exchange's time
 * zone as SQL text).
 *
 * @param name rule name stored in quarantine, e.g. {@code price_positive}
 * @param severity error (row to quarantine) or warn (row kept, logged in quarantine)
 * @param field the offending field
 * @param condition SQL boolean: true when the row violates the rule (NULL counts as no violation)
 * @param value SQL text expression of the offending value
 * @param message SQL text expression of the message
 * @param description what the rule checks, in words, for {@code ticklake rules}
 */
public record ValidationRule(
    String name,
    Severity severity,
    String field,
    String condition,
    String value,
    String message,
    String description) {
  public ValidationRule {
    requireNonNull(name, "name is null");
    requireNonNull(severity, "severity is null");
    requireNonNull(field, "field is null");
    requireNonNull(condition, "condition is null");
    requireNonNull(value, "value is null");
    requireNonNull(message, "message is null");
    requireNonNull(description, "description is null");
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("Cannot name a rule " + name + ": use lower_snake_case");
    }
  }

  /**
   * Whether the condition uses the rolling price reference ({@code ref_price}/{@code ref_count}).
   */
  public boolean usesReference() {
    return REFERENCE.matcher(condition).find();
  }

  /**
   * Whether the condition needs only the row's own Bronze columns (and the placeholders): not the
   * symbol id, the session or the price reference, which exist only after dedup.
   */
  public boolean rowLocal() {
    return !RESOLVED.matcher(condition).find();
  }

  private static final java.util.regex.Pattern REFERENCE =
      java.util.regex.Pattern.compile("\\b(ref_price|ref_count)\\b");

  private static final java.util.regex.Pattern RESOLVED =
      java.util.regex.Pattern.compile("\\b(symbol_id|session|ref_price|ref_count)\\b");

  /** The same rule with another severity. */
  public ValidationRule withSeverity(Severity newSeverity) {
    return new ValidationRule(name, newSeverity, field, condition, value, message, description);
  }
}
