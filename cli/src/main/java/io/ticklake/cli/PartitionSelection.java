package io.ticklake.cli;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.calendar.ExchangeTable;
import java.time.LocalDate;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options that pick (exchange, trading date) partitions, shared by {@code compact}, {@code
 * bars} and {@code quality} as a picocli mixin: {@code --exchange}, and {@code --date} or {@code
 * --from}/{@code --to}.
 */
final class PartitionSelection {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--exchange", paramLabel = "EXCHANGE", description = "Only this exchange.")
  String exchange;

  @Option(names = "--date", paramLabel = "DATE", description = "Only this trading date.")
  LocalDate date;

  @Option(names = "--from", paramLabel = "DATE", description = "First trading date (inclusive).")
  LocalDate from;

  @Option(names = "--to", paramLabel = "DATE", description = "Last trading date (inclusive).")
  LocalDate to;

  /** The exchange, if one was given; a usage error when it is blank. */
  Optional<String> exchange() {
    return Optional.ofNullable(
        OptionValues.notBlank(spec, "--exchange", exchange, OptionValues.EXCHANGE));
  }

  /**
   * The first trading date selected, if any.
   *
   * @throws CommandLine.ParameterException when {@code --date} comes with {@code --from} or {@code
   *     --to}
   */
  Optional<LocalDate> first() {
    check();
    return Optional.ofNullable(date != null ? date : from);
  }

  /** The last trading date selected, if any (checked as {@link #first()}). */
  Optional<LocalDate> last() {
    check();
    return Optional.ofNullable(date != null ? date : to);
  }

  /**
   * Refuses an {@code --exchange} that {@code ref.exchange} does not know: a typo would otherwise
   * select nothing and read as "nothing to do".
   *
   * @param job what the command does, for the message: "compact", "build bars of"
   */
  void checkExchange(Warehouse warehouse, String job) {
    checkExchange(warehouse, exchange().orElse(null), job);
  }

  /** {@link #checkExchange(Warehouse, String)} for an {@code --exchange} of another command. */
  static void checkExchange(Warehouse warehouse, String exchange, String job) {
    if (exchange == null) {
      return;
    }
    ExchangeCalendars calendars = ExchangeTable.load(warehouse.catalog());
    if (calendars.find(exchange).isEmpty()) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot %s exchange %s: it is not in ref.exchange (%s)",
          job,
          exchange,
          calendars.knownIdsFor(exchange));
    }
  }

  private void check() {
    if (date != null && (from != null || to != null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Cannot combine --date with --from/--to: give one or the other");
    }
  }
}
