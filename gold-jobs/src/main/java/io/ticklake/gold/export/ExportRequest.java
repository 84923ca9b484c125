package io.ticklake.gold.export;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.gold.bars.BarInterval;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What a user asked to export: a table, symbols, a range of trading dates, a profile and a folder,
 * read at one point of the table's history.
 *
 * @param profile the file format
 * @param table {@code gold.bars}, {@code silver.trades} or {@code silver.quotes}
 * @param exchange only rows of this exchange, or null for every exchange
 * @param symbols tickers to export, in the order given, without duplicates
 * @param from first trading date (inclusive)
 * @param to last trading date (inclusive)
 * @param interval bar interval for {@code gold.bars} (default 1m); null for Silver tables
 * @param out the folder to create; it must not exist or be empty
 * @param asOf the {@code --as-of} text (snapshot id, ISO time, tag), or null for the latest
 */
public record ExportRequest(
    ExportProfile profile,
    String table,
    String exchange,
    List<String> symbols,
    LocalDate from,
    LocalDate to,
    String interval,
    Path out,
    String asOf) {

  /** Tables an export can read. */
  public static final List<String> TABLES = List.of("gold.bars", "silver.trades", "silver.quotes");

  /** Bar intervals of {@code gold.bars}. */
  public static final List<String> INTERVALS =
      java.util.Arrays.stream(BarInterval.values()).map(BarInterval::label).toList();

  public ExportRequest {
    requireNonNull(profile, "profile is null");
    requireNonNull(table, "table is null");
    requireNonNull(symbols, "symbols is null");
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    requireNonNull(out, "out is null");
    if (!TABLES.contains(table)) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot export table '%s': exportable tables are %s",
          table,
          String.join(", ", TABLES));
    }
    if (from.isAfter(to)) {
      throw TicklakeException.of(Kind.INPUT, "Cannot export: --from %s is after --to %s", from, to);
    }
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (String s : symbols) {
      if (s == null || s.isBlank()) {
        throw TicklakeException.of(Kind.INPUT, "Cannot export: a symbol is empty");
      }
      unique.add(s.strip());
    }
    if (unique.isEmpty()) {
      throw TicklakeException.of(Kind.INPUT, "Cannot export: no symbols given (--symbols A,B)");
    }
    symbols = List.copyOf(new ArrayList<>(unique));
    if (table.equals("gold.bars")) {
      interval = interval == null ? "1m" : interval.strip();
      if (!INTERVALS.contains(interval)) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot export gold.bars: unknown interval '%s' (intervals: %s)",
            interval,
            String.join(", ", INTERVALS));
      }
    } else if (interval != null) {
      throw TicklakeException.of(
          Kind.INPUT, "Cannot export %s with --interval: only gold.bars has intervals", table);
    }
    if (profile == ExportProfile.LEAN
        && !(table.equals("gold.bars") && (interval.equals("1m") || interval.equals("1s")))) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot export %s%s as lean: the lean profile writes gold.bars at 1m (minute) or 1s"
              + " (second) only",
          table,
          interval == null ? "" : " at " + interval);
    }
    if (exchange != null && exchange.isBlank()) {
      exchange = null;
    }
    if (asOf != null && asOf.isBlank()) {
      asOf = null;
    }
  }

  /** True when the table holds bars. */
  public boolean isBars() {
    return table.equals("gold.bars");
  }

  /** A short description: {@code gold.bars (1m)}. */
  public String describeTable() {
    return isBars() ? table + " (" + interval + ")" : table;
  }
}
