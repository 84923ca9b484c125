package io.ticklake.bronze.read;

import java.util.Locale;

/** The kind of events a vendor file holds; {@link #id()} is the manifest's {@code data_type}. */
public enum DataType {
  /** Trades (prints), for {@code bronze.trades}. */
  TRADES("trades"),
  /** Top-of-book quote updates, for {@code bronze.quotes}. */
  QUOTES("quotes");

  private final String id;

  DataType(String id) {
    this.id = id;
  }

  /** The lower-case id used in the ingest manifest and in mapping files. */
  public String id() {
    return id;
  }

  /** The data type with this id ({@code trades} or {@code quotes}), ignoring case. */
  public static DataType fromId(String id) {
    String key = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
    for (DataType type : values()) {
      if (type.id.equals(key)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        String.format(Locale.ROOT, "Cannot use data type '%s': expected trades or quotes", id));
  }
}
