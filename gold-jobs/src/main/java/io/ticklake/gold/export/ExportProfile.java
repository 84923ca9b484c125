package io.ticklake.gold.export;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The file formats an export can write, each aimed at one tool. */
public enum ExportProfile {
  /** One Parquet file (snappy); times as timestamp[ns, UTC] so pandas reads datetime64[ns, UTC]. */
  PANDAS("pandas"),
  /** CSV with a header, ISO-8601 UTC times, LF line ends (readr/data.table parse the times). */
  R("r"),
  /** CSV like {@link #R} but with a UTF-8 byte-order mark and CRLF line ends, as Excel expects. */
  EXCEL("excel"),
  /** One Arrow IPC file (Feather v2), uncompressed; times as timestamp[us, UTC]. */
  ARROW("arrow"),
  /** CSV plus a {@code CREATE TABLE} script and a psql {@code \copy} script. */
  POSTGRES("postgres"),
  /** QuantConnect Lean's minute/second trade-bar zips (gold.bars at 1m or 1s only). */
  LEAN("lean"),
  /** Parquet files in a hive layout {@code symbol=…/date=…/part-0.parquet}. */
  PARQUET_PARTITIONED("parquet-partitioned");

  private final String cliName;

  ExportProfile(String cliName) {
    this.cliName = cliName;
  }

  /** The name users type, e.g. {@code parquet-partitioned}. */
  public String cliName() {
    return cliName;
  }

  /**
   * The profile named {@code name} (case-insensitive).
   *
   * @throws TicklakeException of kind INPUT naming the known profiles
   */
  public static ExportProfile parse(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    for (ExportProfile p : values()) {
      if (p.cliName.equals(n)) {
        return p;
      }
    }
    throw TicklakeException.of(
        Kind.INPUT, "Cannot export: unknown profile '%s' (profiles: %s)", name, names());
  }

  /** The profile names, comma-separated. */
  public static String names() {
    return Arrays.stream(values()).map(ExportProfile::cliName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
