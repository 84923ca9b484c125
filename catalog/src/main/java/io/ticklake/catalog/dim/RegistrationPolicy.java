package io.ticklake.catalog.dim;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.util.Locale;
import java.util.Map;

/** What happens to a symbol that {@code ref.dim_symbol} does not know when events for it arrive. */
public enum RegistrationPolicy {
  /**
   * Register it on first sight with default attributes, marked {@code auto_registered}, valid from
   * 1970-01-01T00:00Z and open-ended. The default, so a fresh warehouse works without reference
   * data.
   */
  AUTO,
  /** Reject it: its events go to quarantine. For production, where reference data is loaded. */
  STRICT;

  /** Environment variable that selects the policy ({@code auto} or {@code strict}). */
  public static final String ENV = "TICKLAKE_SYMBOL_REGISTRATION";

  /**
   * Parses {@code auto} or {@code strict} (any case); null or blank is {@link #AUTO}.
   *
   * @throws TicklakeException of kind CONFIGURATION for any other text
   */
  public static RegistrationPolicy parse(String text) {
    if (text == null || text.isBlank()) {
      return AUTO;
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "strict" -> STRICT;
      default ->
          throw TicklakeException.of(
              Kind.CONFIGURATION,
              "Cannot use symbol registration policy '%s': expected auto or strict",
              text.strip());
    };
  }

  /** The policy named by {@link #ENV} in {@code env}, else {@link #AUTO}. */
  public static RegistrationPolicy fromEnvironment(Map<String, String> env) {
    return parse(env.get(ENV));
  }
}
