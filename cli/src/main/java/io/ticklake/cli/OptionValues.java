package io.ticklake.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Checks of option values that several commands share. */
final class OptionValues {
  private OptionValues() {}

  /** What to give for an {@code --exchange}. */
  static final String EXCHANGE = "an exchange, e.g. us-equity";

  /**
   * {@code value} unless it is empty or blank, which is a usage error (exit 2) naming the option,
   * e.g. "Cannot use --exchange '': give an exchange, e.g. us-equity": an empty name would
   * otherwise be looked up and read as an unknown one, or select nothing.
   *
   * @param option the option, e.g. {@code --exchange}
   * @param value its value, or null when it was not given
   * @param expected what to give instead, e.g. "an exchange, e.g. us-equity"
   */
  static String notBlank(CommandSpec spec, String option, String value, String expected) {
    if (value != null && value.isBlank()) {
      throw usage(spec, option, value, expected);
    }
    return value;
  }

  /** {@link #notBlank} for a comma-separated option: none of its values may be blank. */
  static List<String> noneBlank(
      CommandSpec spec, String option, List<String> values, String expected) {
    if (values != null && values.stream().anyMatch(String::isBlank)) {
      throw usage(spec, option, String.join(",", values), expected);
    }
    return values;
  }

  /**
   * The epoch milliseconds {@code age} before now: the cutoff of an {@code --older-than}. An age
   * reaching back before the epoch gives 0 (nothing is that old) rather than overflowing.
   */
  static long cutoffMillis(Duration age) {
    Instant now = Instant.now();
    return age.compareTo(Duration.between(Instant.EPOCH, now)) >= 0
        ? 0
        : now.minus(age).toEpochMilli();
  }

  private static CommandLine.ParameterException usage(
      CommandSpec spec, String option, String value, String expected) {
    return new CommandLine.ParameterException(
        spec.commandLine(),
        String.format(Locale.ROOT, "Cannot use %s '%s': give %s", option, value, expected));
  }
}
