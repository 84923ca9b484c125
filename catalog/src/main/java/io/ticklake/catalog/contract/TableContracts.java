package io.ticklake.catalog.contract;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

/**
 * The contracts of every ticklake table, in one place.
 *
 * <p>Rules that keep these definitions safe to change: a field id is never reused or renumbered;
 * new columns are appended with the next id and are optional (so {@code init} can add them to
 * existing tables without rewriting data); prices are {@code decimal(18,9)} and sizes {@code
 * decimal(18,8)} — exact, and small enough for 64-bit decimal arithmetic in DuckDB; event times are
 * {@code timestamptz} in microseconds, with any finer vendor precision kept in {@code ts_event_ns}.
 */
public final class TableContracts {
  /** Prices: up to 9 integer and 9 fractional digits (satoshi-level crypto prices fit). */
  public static final Types.DecimalType PRICE = Types.DecimalType.of(18, 9);

  /** Sizes: up to 10 integer and 8 fractional digits (fractional crypto amounts fit). */
  public static final Types.DecimalType SIZE = Types.DecimalType.of(18, 8);

  /** Summed sizes (bar volume): 20 integer digits. */
  public static final Types.DecimalType VOLUME = Types.DecimalType.of(28, 8);

  private static final Type STRING = Types.StringType.get();
  private static final Type LONG = Types.LongType.get();
  private static final Type INT = Types.IntegerType.get();
  private static final Type DATE = Types.DateType.get();
  private static final Type BOOLEAN = Types.BooleanType.get();
  private static final Type TIMESTAMPTZ = Types.TimestampType.withZone();

  private TableContracts() {}

  // ---- shared column groups (same ids in Bronze and Silver so Silver is Bronze plus columns)

  private static List<NestedField> eventKey() {
    return List.of(
        required(1, "exchange", STRING, "Market the feed belongs to, e.g. us-equity"),
        required(2, "trading_date", DATE, "Session date in the exchange's calendar, not UTC"),
        required(3, "symbol", STRING, "Ticker as the vendor sent it"),
        required(4, "ts_event", TIMESTAMPTZ, "Exchange event time (microseconds, UTC)"),
        optional(5, "ts_event_ns", LONG, "Event time in epoch nanoseconds when finer than µs"),
        optional(6, "ts_recv", TIMESTAMPTZ, "Time the vendor or writer received the event"));
  }

  private static List<NestedField> lineage() {
    return List.of(
        required(16, "vendor", STRING, "Source format/vendor: lean, tardis, csv:<name>, live"),
        optional(17, "file_id", LONG, "Ingest manifest id of the source file"),
        optional(18, "file_seq", LONG, "Line number of the record in its source file"),
        optional(19, "writer_id", STRING, "Id of the live writer that logged the event"),
        optional(20, "wal_seq", LONG, "WAL sequence number of the event in that writer"),
        required(21, "ingested_at", TIMESTAMPTZ, "Time the row was written to Bronze"));
  }

  private static List<NestedField> tradeBody() {
    return List.of(
        required(7, "price", PRICE, "Trade price, exact"),
        required(8, "size", SIZE, "Trade size, exact"),
        optional(9, "venue", STRING, "Venue of the print (Lean exchange letter)"),
        optional(10, "side", STRING, "Aggressor side: buy, sell or unknown"),
        optional(11, "vendor_trade_id", STRING, "The vendor's trade id, where it has one"),
        optional(12, "sale_condition", LONG, "Sale-condition flags as a number"),
        optional(13, "sale_condition_raw", STRING, "Sale-condition flags as the vendor wrote them"),
        optional(14, "suspicious", BOOLEAN, "The vendor marked the print suspicious"),
        optional(15, "vendor_seq", LONG, "The vendor's sequence number in its stream"));
  }

  private static List<NestedField> quoteBody() {
    return List.of(
        optional(7, "bid_price", PRICE, "Best bid price; null when the bid side is not quoted"),
        optional(8, "bid_size", SIZE, "Best bid size; null when the bid side is not quoted"),
        optional(9, "ask_price", PRICE, "Best ask price; null when the ask side is not quoted"),
        optional(10, "ask_size", SIZE, "Best ask size; null when the ask side is not quoted"),
        optional(11, "venue", STRING, "Venue of the quote (Lean exchange letter)"),
        optional(12, "quote_condition", LONG, "Quote-condition flags as a number"),
        optional(
            13, "quote_condition_raw", STRING, "Quote-condition flags as the vendor wrote them"),
        optional(14, "suspicious", BOOLEAN, "The vendor marked the quote suspicious"),
        optional(15, "vendor_seq", LONG, "The vendor's sequence number in its stream"));
  }

  private static List<NestedField> silverExtra() {
    return List.of(
        required(
            22, "event_id", Types.UUIDType.get(), "Stable hash of the vendor record's identity"),
        required(23, "symbol_id", LONG, "ref.dim_symbol id valid at ts_event"),
        optional(24, "session", STRING, "Session of ts_event: pre, regular, post or closed"));
  }

  @SafeVarargs
  private static Schema schema(List<NestedField>... groups) {
    List<NestedField> fields = new java.util.ArrayList<>();
    for (List<NestedField> group : groups) {
      fields.addAll(group);
    }
    fields.sort(java.util.Comparator.comparingInt(NestedField::fieldId));
    return new Schema(fields);
  }

  private static Map<String, String> props(String codecLevel) {
    return Map.of(
        TableProperties.FORMAT_VERSION, "2",
        TableProperties.PARQUET_COMPRESSION, "zstd",
        TableProperties.PARQUET_COMPRESSION_LEVEL, codecLevel,
        TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
        TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "100");
  }

  private static PartitionSpec byExchangeAndDate(Schema schema) {
    return PartitionSpec.builderFor(schema).identity("exchange").identity("trading_date").build();
  }

  private static TableIdentifier id(Tier tier, String name) {
    return TableIdentifier.of(Namespace.of(tier.namespace()), name);
  }

  // ---- Bronze

  private static final Schema BRONZE_TRADES_SCHEMA = schema(eventKey(), tradeBody(), lineage());

  /** Vendor trades as received, append-only. */
  public static final TableContract BRONZE_TRADES =
      new TableContract(
          id(Tier.BRONZE, "trades"),
          Tier.BRONZE,
          "Trades as received from vendor files and live writers (append-only)",
          BRONZE_TRADES_SCHEMA,
          byExchangeAndDate(BRONZE_TRADES_SCHEMA),
          SortOrder.unsorted(),
          props("1"));

  private static final Schema BRONZE_QUOTES_SCHEMA = schema(eventKey(), quoteBody(), lineage());

  /** Vendor quotes (top of book) as received, append-only. */
  public static final TableContract BRONZE_QUOTES =
      new TableContract(
          id(Tier.BRONZE, "quotes"),
          Tier.BRONZE,
          "Quotes as received from vendor files and live writers (append-only)",
          BRONZE_QUOTES_SCHEMA,
          byExchangeAndDate(BRONZE_QUOTES_SCHEMA),
          SortOrder.unsorted(),
          props("1"));

  // ---- Silver

  private static final Schema SILVER_TRADES_SCHEMA =
      schema(eventKey(), tradeBody(), lineage(), silverExtra());

  private static SortOrder silverOrder(Schema schema) {
    return SortOrder.builderFor(schema)
        .asc("symbol", NullOrder.NULLS_FIRST)
        .asc("ts_event", NullOrder.NULLS_FIRST)
        .asc("ts_event_ns", NullOrder.NULLS_FIRST)
        .asc("vendor_seq", NullOrder.NULLS_FIRST)
        .asc("file_seq", NullOrder.NULLS_FIRST)
        .asc("wal_seq", NullOrder.NULLS_FIRST)
        .asc("event_id", NullOrder.NULLS_FIRST)
        .build();
  }

  /**
   * The Silver order within one symbol as SQL, the contract's sort order after {@code symbol}:
   * event time (µs, then the vendor's nanoseconds where it gives them), then the vendor's own order
   * for equal times (its sequence number, else the position in the source), then event_id, which is
   * unique, so the order is total. Silver, the bar job and exports order by it.
   */
  public static final String SILVER_EVENT_ORDER =
      silverOrder(SILVER_TRADES_SCHEMA).fields().stream()
          .skip(1) // symbol
          .map(
              f ->
                  SILVER_TRADES_SCHEMA.findColumnName(f.sourceId())
                      + (f.direction() == org.apache.iceberg.SortDirection.ASC ? "" : " DESC")
                      + (f.nullOrder() == NullOrder.NULLS_FIRST ? " NULLS FIRST" : " NULLS LAST"))
          .collect(java.util.stream.Collectors.joining(", "));

  /** Validated, deduplicated, sorted trades; one row per event_id. */
  public static final TableContract SILVER_TRADES =
      new TableContract(
          id(Tier.SILVER, "trades"),
          Tier.SILVER,
          "Validated, deduplicated trades sorted by symbol and event time",
          SILVER_TRADES_SCHEMA,
          byExchangeAndDate(SILVER_TRADES_SCHEMA),
          silverOrder(SILVER_TRADES_SCHEMA),
          props("3"));

  private static final Schema SILVER_QUOTES_SCHEMA =
      schema(eventKey(), quoteBody(), lineage(), silverExtra());

  /** Validated, deduplicated, sorted quotes; one row per event_id. */
  public static final TableContract SILVER_QUOTES =
      new TableContract(
          id(Tier.SILVER, "quotes"),
          Tier.SILVER,
          "Validated, deduplicated quotes sorted by symbol and event time",
          SILVER_QUOTES_SCHEMA,
          byExchangeAndDate(SILVER_QUOTES_SCHEMA),
          silverOrder(SILVER_QUOTES_SCHEMA),
          props("3"));

  // ---- Gold

  private static final Schema GOLD_BARS_SCHEMA =
      new Schema(
          required(1, "exchange", STRING, "Market the bars belong to"),
          required(2, "trading_date", DATE, "Session date in the exchange's calendar"),
          required(3, "interval", STRING, "Bar interval: 1s, 1m, 5m, 1h or 1d"),
          required(4, "symbol", STRING, "Ticker"),
          optional(5, "symbol_id", LONG, "ref.dim_symbol id"),
          required(6, "bar_start", TIMESTAMPTZ, "Start of the bar (inclusive)"),
          required(7, "bar_end", TIMESTAMPTZ, "End of the bar (exclusive)"),
          optional(8, "session", STRING, "Session of the bar: pre, regular or post"),
          optional(9, "open", PRICE, "First eligible price"),
          optional(10, "high", PRICE, "Highest eligible price"),
          optional(11, "low", PRICE, "Lowest eligible price"),
          optional(12, "close", PRICE, "Last eligible price"),
          required(13, "volume", VOLUME, "Sum of sizes of volume-eligible prints"),
          optional(14, "vwap", PRICE, "Volume-weighted average price of volume-eligible prints"),
          required(15, "trade_count", LONG, "Number of prints in the bar"),
          optional(16, "first_ts", TIMESTAMPTZ, "Event time of the first print"),
          optional(17, "last_ts", TIMESTAMPTZ, "Event time of the last print"));

  /** OHLCV bars at 1s, 1m, 5m, 1h and 1d. */
  public static final TableContract GOLD_BARS =
      new TableContract(
          id(Tier.GOLD, "bars"),
          Tier.GOLD,
          "OHLCV bars built from Silver trades",
          GOLD_BARS_SCHEMA,
          PartitionSpec.builderFor(GOLD_BARS_SCHEMA)
              .identity("exchange")
              .identity("trading_date")
              .identity("interval")
              .build(),
          SortOrder.builderFor(GOLD_BARS_SCHEMA).asc("symbol").asc("bar_start").build(),
          props("3"));

  private static final Schema GOLD_QUALITY_SCHEMA =
      new Schema(
          required(1, "exchange", STRING, "Market"),
          required(2, "trading_date", DATE, "Session date"),
          required(3, "symbol", STRING, "Ticker"),
          optional(4, "symbol_id", LONG, "ref.dim_symbol id"),
          optional(5, "rows_bronze", LONG, "Bronze rows of the symbol-day"),
          optional(6, "rows_silver", LONG, "Silver rows of the symbol-day"),
          optional(7, "duplicates", LONG, "Rows removed as re-deliveries"),
          optional(8, "quarantined", LONG, "Rows moved to quarantine"),
          optional(9, "quarantined_by_rule", STRING, "JSON object rule -> count"),
          optional(10, "gap_count", INT, "Regular-session gaps far longer than usual"),
          optional(11, "max_gap_ms", LONG, "Longest regular-session gap in milliseconds"),
          optional(12, "gaps", STRING, "JSON array of gaps with start and end"),
          optional(13, "outliers", LONG, "Prints flagged as price outliers"),
          optional(14, "session_minutes", INT, "Minutes in the regular session"),
          optional(15, "covered_minutes", INT, "Regular-session minutes with at least one print"),
          optional(16, "coverage", Types.DecimalType.of(7, 6), "covered / session minutes"),
          optional(17, "score", Types.DecimalType.of(7, 4), "Quality score 0..100"),
          optional(18, "grade", STRING, "Letter grade from the score"));

  /** One quality row per exchange, symbol and trading date. */
  public static final TableContract GOLD_QUALITY_DAILY =
      new TableContract(
          id(Tier.GOLD, "quality_daily"),
          Tier.GOLD,
          "Daily data-quality figures and grade per symbol",
          GOLD_QUALITY_SCHEMA,
          PartitionSpec.builderFor(GOLD_QUALITY_SCHEMA)
              .identity("exchange")
              .month("trading_date")
              .build(),
          SortOrder.builderFor(GOLD_QUALITY_SCHEMA).asc("trading_date").asc("symbol").build(),
          props("3"));

  // ---- Reference data

  private static final Schema DIM_SYMBOL_SCHEMA =
      new Schema(
          required(1, "symbol_id", LONG, "Stable id derived from the permanent identity"),
          required(2, "exchange", STRING, "Market"),
          required(3, "ticker", STRING, "Ticker valid in [valid_from, valid_until)"),
          required(4, "canonical_id", STRING, "Permanent identifier that survives renames"),
          optional(5, "aliases", STRING, "JSON array of other spellings resolving to this id"),
          optional(6, "asset_class", STRING, "equity, crypto, crypto-future, …"),
          optional(7, "currency", STRING, "Quote currency"),
          optional(8, "tick_size", PRICE, "Minimum price variation"),
          optional(9, "lot_size", SIZE, "Minimum size increment"),
          optional(10, "multiplier", SIZE, "Contract multiplier"),
          required(11, "valid_from", TIMESTAMPTZ, "Start of validity (inclusive)"),
          optional(12, "valid_until", TIMESTAMPTZ, "End of validity (exclusive); null = open"),
          required(13, "is_current", BOOLEAN, "This is the current version"),
          required(14, "auto_registered", BOOLEAN, "Registered on first sight, without ref data"),
          optional(15, "source", STRING, "Where the row came from"),
          required(16, "updated_at", TIMESTAMPTZ, "When this version was written"),
          optional(17, "exchange_code", STRING, "Vendor's listing-venue code (Lean map file)"),
          optional(18, "base_currency", STRING, "Base currency of a currency pair (crypto)"));

  /** Symbols as a slowly changing dimension (type 2). */
  public static final TableContract DIM_SYMBOL =
      new TableContract(
          id(Tier.REF, "dim_symbol"),
          Tier.REF,
          "Symbol versions (SCD2) guarded by optimistic concurrency",
          DIM_SYMBOL_SCHEMA,
          PartitionSpec.builderFor(DIM_SYMBOL_SCHEMA).build(),
          SortOrder.builderFor(DIM_SYMBOL_SCHEMA)
              .asc("exchange")
              .asc("canonical_id")
              .asc("valid_from")
              .build(),
          props("3"));

  private static final Schema EXCHANGE_SCHEMA =
      new Schema(
          required(1, "exchange_id", STRING, "Exchange id used in every event table"),
          optional(2, "name", STRING, "Display name"),
          optional(3, "asset_class", STRING, "equity, crypto, crypto-future, …"),
          required(4, "time_zone", STRING, "IANA time zone of the exchange"),
          required(5, "day_rollover", STRING, "Local time the next trading date starts"),
          required(6, "weekly_sessions", STRING, "JSON: sessions per weekday, local times"),
          optional(7, "holidays", STRING, "JSON array of closed dates"),
          optional(8, "early_closes", STRING, "JSON object date -> local close time"),
          optional(9, "late_opens", STRING, "JSON object date -> local open time"),
          optional(10, "source", STRING, "Where the calendar came from"),
          required(11, "updated_at", TIMESTAMPTZ, "When this row was written"));

  /** Exchanges with their calendars. */
  public static final TableContract EXCHANGE =
      new TableContract(
          id(Tier.REF, "exchange"),
          Tier.REF,
          "Exchanges: time zone, sessions, holidays and early closes",
          EXCHANGE_SCHEMA,
          PartitionSpec.builderFor(EXCHANGE_SCHEMA).build(),
          SortOrder.builderFor(EXCHANGE_SCHEMA).asc("exchange_id").build(),
          props("3"));

  // ---- Operations

  private static final Schema MANIFEST_SCHEMA =
      new Schema(
          required(1, "file_id", LONG, "Id of the file identity"),
          required(2, "vendor", STRING, "Vendor/format"),
          required(3, "data_type", STRING, "trades or quotes"),
          required(4, "path", STRING, "Path the file was read from"),
          required(5, "sha256", STRING, "SHA-256 of the file's bytes"),
          optional(6, "size_bytes", LONG, "File size"),
          required(7, "status", STRING, "pending, ingesting, ingested or failed"),
          optional(8, "rows_total", LONG, "Data lines read"),
          optional(9, "rows_written", LONG, "Rows appended to Bronze"),
          optional(10, "rows_quarantined", LONG, "Lines sent to quarantine"),
          optional(11, "min_trading_date", DATE, "First trading date in the file"),
          optional(12, "max_trading_date", DATE, "Last trading date in the file"),
          optional(13, "bronze_table", STRING, "Bronze table holding the rows"),
          optional(14, "bronze_snapshot_id", LONG, "Bronze snapshot that committed the rows"),
          optional(15, "reason", STRING, "Why the file failed, or a note"),
          optional(16, "revision_of", LONG, "file_id of the earlier content at the same path"),
          optional(17, "started_at", TIMESTAMPTZ, "When ingest of the file started"),
          required(18, "updated_at", TIMESTAMPTZ, "When this status was recorded"));

  /** One row per status change of an ingested file; the latest row per file_id is current. */
  public static final TableContract INGEST_MANIFEST =
      new TableContract(
          id(Tier.OPS, "ingest_manifest"),
          Tier.OPS,
          "Status history of ingested vendor files (latest row per file_id is current)",
          MANIFEST_SCHEMA,
          PartitionSpec.builderFor(MANIFEST_SCHEMA).build(),
          SortOrder.unsorted(),
          props("3"));

  private static final Schema QUARANTINE_SCHEMA =
      new Schema(
          required(1, "source_table", STRING, "Table the row was meant for"),
          required(2, "stage", STRING, "ingest, writer or compact"),
          required(3, "rule", STRING, "Rule that rejected or flagged the row"),
          required(4, "severity", STRING, "error (rejected) or warn (kept and flagged)"),
          required(5, "message", STRING, "What is wrong, in a sentence"),
          optional(6, "field", STRING, "Offending field"),
          optional(7, "value", STRING, "Offending value as text"),
          optional(8, "exchange", STRING, "Market, when known"),
          optional(9, "trading_date", DATE, "Trading date, when known"),
          optional(10, "symbol", STRING, "Symbol, when known"),
          optional(11, "ts_event", TIMESTAMPTZ, "Event time, when known"),
          optional(12, "vendor", STRING, "Source format/vendor"),
          optional(13, "file_id", LONG, "Source file (manifest id)"),
          optional(14, "file_seq", LONG, "Line number in the source file"),
          optional(15, "writer_id", STRING, "Live writer id"),
          optional(16, "wal_seq", LONG, "WAL sequence number"),
          optional(17, "raw_line", STRING, "The raw input line"),
          optional(18, "row_json", STRING, "The whole rejected row as JSON"),
          optional(19, "bronze_snapshot_id", LONG, "Bronze snapshot a compaction read"),
          required(20, "quarantined_at", TIMESTAMPTZ, "When the row was quarantined"));

  /** Rejected and flagged rows with rule, values and lineage. */
  public static final TableContract QUARANTINE =
      new TableContract(
          id(Tier.OPS, "quarantine"),
          Tier.OPS,
          "Rows rejected or flagged by validation, with rule, values and lineage",
          QUARANTINE_SCHEMA,
          PartitionSpec.builderFor(QUARANTINE_SCHEMA)
              .identity("source_table")
              .identity("exchange")
              .identity("trading_date")
              .build(),
          SortOrder.unsorted(),
          props("3"));

  private static final Schema COMPACTION_LOG_SCHEMA =
      new Schema(
          required(1, "target_table", STRING, "Table the partition was rebuilt in: silver.trades"),
          required(2, "exchange", STRING, "Market of the partition"),
          required(3, "trading_date", DATE, "Trading date of the partition"),
          required(
              4,
              "snapshot_id",
              LONG,
              "Snapshot of the target table that committed it (a check: the one it read)"),
          required(
              5, "committed_at", TIMESTAMPTZ, "When the rebuild committed (a check: was made)"),
          optional(6, "data_files", STRING, "The partition's data files it left, one per line"),
          optional(
              7,
              "quarantine_files",
              STRING,
              "The partition's quarantine files it left, one per line"),
          required(8, "markers", STRING, "JSON object: the commit's ticklake.* summary entries"));

  /**
   * One row per committed partition rebuild, with the markers its commits' snapshot summaries hold
   * and the files it left: what the planner reads for a partition whose commits have expired.
   */
  public static final TableContract COMPACTION_LOG =
      new TableContract(
          id(Tier.OPS, "compaction_log"),
          Tier.OPS,
          "Markers of partition rebuilds, kept beyond snapshot expiry",
          COMPACTION_LOG_SCHEMA,
          PartitionSpec.builderFor(COMPACTION_LOG_SCHEMA).build(),
          SortOrder.unsorted(),
          props("3"));

  /**
   * The tables whose every row is rebuilt from Bronze by compaction, so they may be dropped and
   * recreated when their contract changes incompatibly ({@code ticklake init --recreate-silver}).
   */
  public static List<TableContract> regenerable() {
    return List.of(SILVER_TRADES, SILVER_QUOTES);
  }

  /** Every contract, in creation order (tiers first to last). */
  public static List<TableContract> all() {
    return List.of(
        BRONZE_TRADES,
        BRONZE_QUOTES,
        SILVER_TRADES,
        SILVER_QUOTES,
        GOLD_BARS,
        GOLD_QUALITY_DAILY,
        DIM_SYMBOL,
        EXCHANGE,
        INGEST_MANIFEST,
        QUARANTINE,
        COMPACTION_LOG);
  }

  /** The contract of a table, by name ({@code silver.trades}). */
  public static Optional<TableContract> find(String name) {
    return all().stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
