package io.ticklake.silver;

import io.ticklake.catalog.contract.TableContract;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.quarantine.Severity;
import java.util.List;
import java.util.Locale;

/** A Silver table the compactor builds, with its Bronze source, identity columns and rules. */
public enum SilverTable {
  /** {@code bronze.trades} to {@code silver.trades}. */
  TRADES(
      TableContracts.BRONZE_TRADES,
      TableContracts.SILVER_TRADES,
      List.of(
          "exchange",
          "symbol",
          "ts_event",
          "ts_event_ns",
          "price",
          "size",
          "venue",
          "side",
          "sale_condition",
          "sale_condition_raw",
          "suspicious")),
  /** {@code bronze.quotes} to {@code silver.quotes}. */
  QUOTES(
      TableContracts.BRONZE_QUOTES,
      TableContracts.SILVER_QUOTES,
      List.of(
          "exchange",
          "symbol",
          "ts_event",
          "ts_event_ns",
          "bid_price",
          "bid_size",
          "ask_price",
          "ask_size",
          "venue",
          "quote_condition",
          "quote_condition_raw",
          "suspicious"));

  /** The rule that rejects events whose symbol names no instrument at their time. */
  public static final String UNKNOWN_SYMBOL = "unknown_symbol";

  private final TableContract bronze;
  private final TableContract silver;
  private final List<String> identity;

  SilverTable(TableContract bronze, TableContract silver, List<String> identity) {
    this.bronze = bronze;
    this.silver = silver;
    this.identity = identity;
  }

  /** The Bronze source contract. */
  public TableContract bronze() {
    return bronze;
  }

  /** The Silver target contract. */
  public TableContract silver() {
    return silver;
  }

  /**
   * The columns that identify a vendor record when it has neither trade id nor sequence number
   * (lineage, receive and ingest times excluded: a re-delivery differs in those).
   */
  public List<String> identityColumns() {
    return identity;
  }

  /** The table with the given name: {@code trades}, {@code quotes} or a qualified name. */
  public static SilverTable parse(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (SilverTable t : values()) {
      if (n.equals(t.silver.id().name())
          || n.equals(t.silver.name())
          || n.equals(t.bronze.name())) {
        return t;
      }
    }
    throw new IllegalArgumentException("Cannot compact table " + name + ": use trades or quotes");
  }

  /** The built-in rules of this table with the given thresholds. */
  List<ValidationRule> defaultRules(ValidationSettings s) {
    // the placeholders compare the event time to the vendor's nanosecond where the window's ends
    // are finer than a microsecond (a tolerance or a session time with a fraction)
    String window = "(${before_window} OR ${after_window})";
    ValidationRule session =
        new ValidationRule(
            "session_window",
            Severity.ERROR,
            "ts_event",
            window,
            "CAST(ts_event AS VARCHAR)",
            "'Event time ' || CAST(timezone(${zone}, ts_event) AS VARCHAR) || ' ' || ${zone}"
                + " || ' (' || CAST(ts_event AS VARCHAR) || ') is outside the sessions of "
                + "trading date ' || CAST(trading_date AS VARCHAR) || ' (tolerance "
                + s.sessionTolerance()
                + ")'",
            "event time outside the trading date's sessions, widened by the tolerance");
    ValidationRule unknown =
        new ValidationRule(
            UNKNOWN_SYMBOL,
            Severity.ERROR,
            "symbol",
            "symbol_id IS NULL",
            "symbol",
            "'Symbol ' || symbol || ' names no instrument of ' || exchange || ' at ' ||"
                + " CAST(ts_event AS VARCHAR)",
            "ref.dim_symbol has no instrument for the symbol at the event time");
    if (this == TRADES) {
      return List.of(
          new ValidationRule(
              "price_positive",
              Severity.ERROR,
              "price",
              "price <= 0",
              "CAST(price AS VARCHAR)",
              "'Price must be positive'",
              "price <= 0"),
          new ValidationRule(
              "size_positive",
              Severity.ERROR,
              "size",
              "size <= 0",
              "CAST(size AS VARCHAR)",
              "'Size must be positive'",
              "size <= 0"),
          new ValidationRule(
              "side_known",
              Severity.ERROR,
              "side",
              "side IS NOT NULL AND side NOT IN ('buy', 'sell', 'unknown')",
              "side",
              "'Side must be buy, sell or unknown'",
              "side given but not buy, sell or unknown"),
          session,
          unknown,
          new ValidationRule(
              "price_spike",
              Severity.WARN,
              "price",
              "ref_count >= "
                  + s.spikeMinPoints()
                  + " AND abs(CAST(price AS DECIMAL(38,9)) - ref_price) * 100 > ref_price * "
                  + s.spikePercent().toPlainString(),
              "CAST(price AS VARCHAR)",
              // the trades the median was taken over: the window, or fewer early in the day
              "'Price deviates more than "
                  + s.spikePercent().toPlainString()
                  + "% from the median ' || CAST(ref_price AS VARCHAR) || ' of the previous ' ||"
                  + " CAST(ref_count AS VARCHAR) || CASE WHEN ref_count = 1 THEN ' trade' ELSE"
                  + " ' trades' END",
              "price more than "
                  + s.spikePercent().toPlainString()
                  + "% from the median of the symbol's previous "
                  + s.spikeWindow()
                  + " valid trades (from "
                  + s.spikeMinPoints()
                  + " on)"));
    }
    return List.of(
        new ValidationRule(
            "quote_crossed",
            Severity.ERROR,
            "bid_price",
            // a zero or negative ask is price_positive's, not a crossed market
            "bid_price > ask_price AND ask_price > 0",
            "CAST(bid_price AS VARCHAR) || ' > ' || CAST(ask_price AS VARCHAR)",
            "'Bid is above ask (crossed quote)'",
            "bid > ask > 0 (crossed)"),
        new ValidationRule(
            "quote_locked",
            Severity.WARN,
            "bid_price",
            "bid_price = ask_price",
            "CAST(bid_price AS VARCHAR)",
            "'Bid equals ask (locked quote)'",
            "bid = ask (locked)"),
        // no side at all: kept (a feed may mean "no quotes"), but worth a look
        new ValidationRule(
            "quote_empty",
            Severity.WARN,
            "bid_price",
            "bid_price IS NULL AND ask_price IS NULL AND bid_size IS NULL AND ask_size IS NULL",
            "'(none)'",
            "'Quote has neither a bid nor an ask'",
            "neither a bid nor an ask"),
        // one rule per side, so that the field names the side at fault (a row with both sides
        // wrong gets a quarantine row for each)
        sideRule(
            "size_non_negative",
            "bid_size",
            "bid_size < 0",
            "'Bid size must not be negative'",
            "bid size < 0"),
        sideRule(
            "size_non_negative",
            "ask_size",
            "ask_size < 0",
            "'Ask size must not be negative'",
            "ask size < 0"),
        sideRule(
            "price_positive",
            "bid_price",
            "bid_price <= 0",
            "'Bid price must be positive'",
            "bid price <= 0"),
        sideRule(
            "price_positive",
            "ask_price",
            "ask_price <= 0",
            "'Ask price must be positive'",
            "ask price <= 0"),
        session,
        unknown);
  }

  private static ValidationRule sideRule(
      String name, String field, String condition, String message, String description) {
    return new ValidationRule(
        name,
        Severity.ERROR,
        field,
        condition,
        "CAST(" + field + " AS VARCHAR)",
        message,
        description);
  }
}
