package io.ticklake.silver;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.calendar.ExchangeCalendar;
import io.ticklake.catalog.calendar.SessionInterval;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.dim.SymbolLookup;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PartitionFilter;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.duckdb.Sql;
import io.ticklake.catalog.snapshot.CompactionMarkers;
import io.ticklake.quarantine.QuarantineRecord;
import io.ticklake.quarantine.Severity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types.NestedField;

/**
 * Rebuilds the content of one Silver partition in DuckDB from all its Bronze rows at a pinned
 * snapshot: event ids, dedup, symbol ids, sessions, validation, sort and one Parquet file. Commits
 * nothing. Not thread-safe (uses one bridge).
 */
final class PartitionRebuild {
  /** The {@code stage} of the quarantine rows a compaction writes. */
  static final String STAGE = "compact";

  /**
   * Columns the digest leaves out: lineage, and the receive time, which is a property of one
   * delivery (the live writer stamps its own), not of the event.
   */
  static final Set<String> NOT_DIGESTED =
      Set.of("vendor", "file_id", "file_seq", "writer_id", "wal_seq", "ingested_at", "ts_recv");

  /** The Silver sort order as SQL; event_id is unique, so the order is total. */
  static final String ORDER = "symbol NULLS FIRST, " + TableContracts.SILVER_EVENT_ORDER;

  private static final int ROW_GROUP_SIZE = 122_880;

  private final DuckDbBridge bridge;
  private final SilverTable kind;
  private final Schema silverSchema;
  private final List<ValidationRule> rules;
  private final ValidationSettings settings;

  PartitionRebuild(
      DuckDbBridge bridge, SilverTable kind, Schema silverSchema, ValidationSettings settings) {
    this.bridge = bridge;
    this.kind = kind;
    this.silverSchema = silverSchema;
    this.settings = settings;
    this.rules = settings.rules(kind);
  }

  /**
   * What the rebuild produced.
   *
   * @param rowsIn Bronze rows read
   * @param duplicates rows removed by dedup
   * @param quarantined rows rejected
   * @param warned rows kept but flagged
   * @param rowsOut rows written
   * @param digest digest of the event columns in order
   * @param quarantine quarantine rows (errors and warnings)
   * @param bronzeFiles the Bronze files read, as {@link CompactionMarkers#fileSetKey}
   */
  record Built(
      long rowsIn,
      long duplicates,
      long quarantined,
      long warned,
      long rowsOut,
      String digest,
      List<QuarantineRecord> quarantine,
      String bronzeFiles) {}

  /**
   * Rebuilds one partition.
   *
   * @param bronze the Bronze table
   * @param snapshot the pinned Bronze snapshot
   * @param key the partition
   * @param calendar the exchange's calendar
   * @param lookupFor registers the given distinct symbols and returns a lookup pinned afterwards
   * @param sourceTable the Silver table name, for quarantine rows
   * @param outputPath local path of the Parquet file to write when any row survives
   */
  Built build(
      Table bronze,
      Snapshot snapshot,
      ExchangeDate key,
      ExchangeCalendar calendar,
      Function<List<String>, SymbolLookup> lookupFor,
      String sourceTable,
      String outputPath) {
    PartitionFilter filter = PartitionFilter.of(key.exchange(), key.tradingDate());
    PinnedScan scan = PinnedScan.plan(bronze, Optional.of(snapshot), filter.expression());
    String columns =
        silverSchema.columns().stream()
            .map(f -> Sql.ident(f.name()))
            .collect(Collectors.joining(", "));
    try {
      // The intermediate tables need no order (every reader orders explicitly), and keeping
      // insertion order makes DuckDB buffer results it could otherwise spill or stream.
      bridge.execute("SET preserve_insertion_order = false");
      // Bronze rows with their source stream and identity hash: the one full-width copy; every
      // later step names its rows by this table's rowid and keeps only the columns it needs
      step(
          "read Bronze rows",
          "CREATE OR REPLACE TEMP TABLE tl_b AS "
              + identitySql("(" + DuckDbBridge.relationSql(scan, filter) + ")"));
      long rowsIn = count("SELECT count(*) FROM tl_b");
      // identities seen more than once: only their rows need occurrence numbers and dedup
      step(
          "find repeated identities",
          "CREATE OR REPLACE TEMP TABLE tl_m AS SELECT tl_h FROM tl_b GROUP BY tl_h HAVING"
              + " count(*) > 1");
      long repeatedIdentities = count("SELECT count(*) FROM tl_m");
      long duplicates = 0;
      long conflicting = 0;
      if (repeatedIdentities > 0) {
        step(
            "number occurrences",
            "CREATE OR REPLACE TEMP TABLE tl_o AS " + occurrenceSql(calendar, key));
        // An identity repeated within one stream only has one first occurrence and distinct
        // ids; more first occurrences than identities means one repeats across streams, and a
        // repeated record with a vendor id is a re-sent one: only then can ids collide.
        // A stream position committed twice (a writer re-committing its WAL's active segment,
        // a suffix: the first occurrence may be there once) shares its occurrence number, so its
        // copies share an id too.
        // (one scan of tl_o for the three)
        boolean redelivered =
            count(
                    "SELECT CAST(count(*) FILTER (WHERE tl_occurrence = 1) > "
                        + repeatedIdentities
                        + " OR coalesce(bool_or(NOT tl_occ), false) OR coalesce(bool_or(tl_tie),"
                        + " false) AS BIGINT) FROM tl_o")
                > 0;
        step(
            "dedup",
            "CREATE OR REPLACE TEMP TABLE tl_r AS "
                + (redelivered ? repeatedSql() : occurrencesSql()));
        bridge.execute("DROP TABLE tl_o");
        long dropped = count("SELECT count(*) FROM tl_r WHERE NOT tl_keep");
        // applied in place, so that no later statement joins every row to tl_r (a join the
        // sorted write would hold in memory next to its sort)
        step(
            "apply the event ids of repeated records",
            "UPDATE tl_b SET tl_h = r.event_id FROM tl_r AS r WHERE tl_b.rowid = r.tl_rid AND"
                + " r.event_id <> tl_b.tl_h");
        if (dropped > 0) {
          if (kind == SilverTable.TRADES) {
            conflicting = conflictingCopies();
          }
          step(
              "drop duplicates",
              "DELETE FROM tl_b WHERE rowid IN (SELECT tl_rid FROM tl_r WHERE NOT tl_keep)");
        }
        bridge.execute("DROP TABLE tl_r");
        duplicates = dropped - conflicting;
      }
      // dedup never removes the last row of a symbol, so Bronze has the same symbols
      List<String> symbols = strings("SELECT DISTINCT symbol FROM tl_b ORDER BY symbol");
      SymbolLookup lookup = lookupFor.apply(symbols);
      if (conflicting > 0) {
        // the conflicting copies' quarantine rows carry symbol id and session like any other
        step(
            "resolve the symbols and sessions of conflicting copies",
            "CREATE OR REPLACE TEMP TABLE tl_cq AS SELECT x.*, "
                + sessionSql(calendar, key.tradingDate())
                + " AS session FROM ("
                + lookup.resolveSql("tl_cq0")
                + ") AS x");
      }
      // the deduplicated rows with their event ids, symbol ids and sessions: a view, so no
      // second full-width copy is made
      step(
          "resolve symbols and sessions",
          "CREATE OR REPLACE TEMP VIEW tl_d0 AS SELECT x.* EXCLUDE (tl_occ, tl_h),"
              + " CAST(x.tl_h AS UUID) AS event_id, "
              + sessionSql(calendar, key.tradingDate())
              + " AS session FROM ("
              + lookup.resolveSql("(SELECT *, rowid AS tl_rid FROM tl_b)")
              + ") AS x");
      String enriched;
      if (kind == SilverTable.TRADES) {
        // the spike reference: the median of the previous trades of the symbol with price > 0
        // that no other error rule rejects, a window over the partition (symbol, counted) so that
        // other rows neither count nor get one; computed over the few columns it needs
        step(
            "compute spike references",
            "CREATE OR REPLACE TEMP TABLE tl_s AS SELECT tl_rid, CASE WHEN tl_ref THEN"
                + " CAST(quantile_disc(price, 0.5) OVER w AS DECIMAL(38,9)) END AS ref_price,"
                + " CASE WHEN tl_ref THEN count(*) OVER w ELSE 0 END AS ref_count FROM (SELECT"
                + " tl_rid, symbol, price, ts_event, ts_event_ns, vendor_seq, file_seq, wal_seq,"
                + " event_id, coalesce(price > 0, false) AND NOT "
                // rules that use the reference cannot take rows out of it: a window cannot
                // depend on its own output
                + rejectedBy(r -> !r.usesReference(), calendar, key)
                + " AS tl_ref FROM tl_d0) WINDOW w AS (PARTITION BY symbol, tl_ref ORDER BY "
                + ORDER
                + " ROWS BETWEEN "
                + settings.spikeWindow()
                + " PRECEDING AND 1 PRECEDING)");
        enriched =
            "SELECT d.*, s.ref_price, s.ref_count FROM tl_d0 AS d LEFT JOIN tl_s AS s USING"
                + " (tl_rid)";
      } else {
        enriched =
            "SELECT d.*, CAST(NULL AS DECIMAL(38,9)) AS ref_price, CAST(0 AS BIGINT) AS ref_count"
                + " FROM tl_d0 AS d";
      }
      step("prepare the Silver rows", "CREATE OR REPLACE TEMP VIEW tl_e AS " + enriched);
      long deduped = rowsIn - duplicates - conflicting;
      // the rules in one scan; the rows breaking one, with the whole row, for quarantine
      step("validate", "CREATE OR REPLACE TEMP TABLE tl_v AS " + violationsSql(calendar, key));
      step(
          "collect rejected rows",
          "CREATE OR REPLACE TEMP TABLE tl_rejected AS SELECT DISTINCT tl_rid FROM tl_v WHERE"
              + " severity = 'error'");
      long quarantined = count("SELECT count(*) FROM tl_rejected");
      // warn means kept in Silver and logged: a rejected row gets only its error findings
      step(
          "drop the warnings of rejected rows",
          "DELETE FROM tl_v WHERE severity = 'warn' AND tl_rid IN (SELECT tl_rid FROM"
              + " tl_rejected)");
      long warned = count("SELECT count(DISTINCT tl_rid) FROM tl_v WHERE severity = 'warn'");
      long rowsOut = 0;
      String digest = "md5x:" + "0".repeat(32);
      if (deduped > quarantined) {
        bridge.execute("SET preserve_insertion_order = true");
        rowsOut =
            update(
                "COPY (SELECT "
                    + columns
                    + " FROM tl_e"
                    + (quarantined > 0
                        ? " WHERE tl_rid NOT IN (SELECT tl_rid FROM tl_rejected)"
                        : "")
                    + " ORDER BY "
                    + ORDER
                    + ") TO "
                    + Sql.string(outputPath)
                    + " (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 3, ROW_GROUP_SIZE "
                    + ROW_GROUP_SIZE
                    + ", FIELD_IDS {"
                    + silverSchema.columns().stream()
                        .map(f -> Sql.ident(f.name()) + ": " + f.fieldId())
                        .collect(Collectors.joining(", "))
                    + "})");
        digest = digest(outputPath);
      }
      List<QuarantineRecord> q =
          quarantineRows(
              sourceTable, snapshot.snapshotId(), snapshotTime(snapshot), conflicting > 0);
      String files =
          CompactionMarkers.fileSetKey(scan.dataFiles().stream().map(DataFile::location).toList());
      return new Built(
          rowsIn, duplicates, quarantined + conflicting, warned, rowsOut, digest, q, files);
    } finally {
      bridge.execute("RESET preserve_insertion_order");
      for (String v : List.of("tl_e", "tl_d0")) {
        bridge.execute("DROP VIEW IF EXISTS " + v);
      }
      for (String t :
          List.of(
              "tl_b", "tl_m", "tl_o", "tl_r", "tl_s", "tl_v", "tl_rejected", "tl_cq0", "tl_cq")) {
        bridge.execute("DROP TABLE IF EXISTS " + t);
      }
    }
  }

  /** Commit time of the Bronze snapshot: quarantine rows carry it so reruns write equal rows. */
  static Instant snapshotTime(Snapshot snapshot) {
    return Instant.ofEpochMilli(snapshot.timestampMillis());
  }

  /**
   * Adds tl_occ (whether the event id counts occurrences) and tl_h, the MD5 (a 128-bit number) of
   * the canonical identity text: the event id of a record's first occurrence (and of every record
   * with a vendor trade id or sequence number).
   */
  private String identitySql(String relation) {
    return "SELECT *, (vendor_seq IS NULL"
        + (kind == SilverTable.TRADES ? " AND vendor_trade_id IS NULL" : "")
        + ") AS tl_occ, md5_number("
        + identityText()
        + ") AS tl_h FROM "
        + relation;
  }

  /**
   * tl_cq0: the copies dedup drops for a vendor trade id whose identity fields (price, size, time,
   * …) differ from those of the copy it keeps — a correction or a corrupt re-send, not a plain
   * re-delivery — as quarantine findings (rule {@code conflicting_duplicate}, error), so that no
   * content is dropped without a trace. They count as quarantined, not as duplicates.
   *
   * @return how many
   */
  private long conflictingCopies() {
    step(
        "find re-sent trades with other content",
        "CREATE OR REPLACE TEMP TABLE tl_cq0 AS WITH g AS (SELECT r.tl_rid, r.event_id, r.tl_keep,"
            + " md5_number("
            + occurrenceText()
            + ") AS tl_content, file_id AS l_file, file_seq AS l_line, writer_id AS l_writer,"
            + " wal_seq AS l_wal FROM tl_r AS r JOIN tl_b ON tl_b.rowid = r.tl_rid WHERE"
            + " vendor_trade_id IS NOT NULL AND r.event_id IN (SELECT event_id FROM tl_r WHERE NOT"
            + " tl_keep)) SELECT b.* EXCLUDE (tl_occ, tl_h), CAST(d.event_id AS UUID) AS event_id,"
            + " d.tl_rid, 'conflicting_duplicate' AS rule, 'error' AS severity, 'vendor_trade_id'"
            + " AS field, b.vendor_trade_id AS value, 'Trade id ' || b.vendor_trade_id || ' arrived"
            + " more than once with different content; dedup keeps the copy from ' || CASE WHEN"
            + " k.l_file IS NOT NULL THEN 'file ' || k.l_file || ' line ' || k.l_line ELSE 'writer '"
            + " || k.l_writer || ' WAL seq ' || k.l_wal END AS message FROM g AS d JOIN g AS k ON"
            + " k.event_id = d.event_id AND k.tl_keep JOIN tl_b AS b ON b.rowid = d.tl_rid WHERE"
            + " NOT d.tl_keep AND d.tl_content <> k.tl_content");
    return count("SELECT count(*) FROM tl_cq0");
  }

  /** The identity fields of a record as canonical text expressions, comma-separated. */
  private String identityFields() {
    return kind.identityColumns().stream().map(this::text).collect(Collectors.joining(", "));
  }

  /** The canonical identity text of a record's first occurrence: its identity fields. */
  private String occurrenceText() {
    return "concat_ws(chr(31), 'v3', 'occ', " + identityFields() + ")";
  }

  /** The canonical identity text of a record, without its occurrence. */
  private String identityText() {
    String identityText = identityFields();
    String byOccurrence = occurrenceText();
    String bySeq =
        "concat_ws(chr(31), 'v3', 'seq', " + identityText + ", CAST(vendor_seq AS VARCHAR))";
    String tid =
        kind == SilverTable.TRADES
            ? "WHEN vendor_trade_id IS NOT NULL THEN concat_ws(chr(31), 'v3', 'tid', "
                + text("exchange")
                + ", "
                + text("symbol")
                + ", "
                + text("vendor_trade_id")
                + ") "
            : "";
    return "CASE "
        + tid
        + "WHEN vendor_seq IS NOT NULL THEN "
        + bySeq
        + " ELSE "
        + byOccurrence
        + " END";
  }

  /**
   * The rows of repeated identities (tl_m), by tl_b rowid: their event id and whether the row is
   * the copy dedup keeps. An identity seen once is a first occurrence without duplicates: its id is
   * tl_h and it needs no row here. Repeated identities are numbered by occurrence within their
   * stream (a file_id, or a writer_id), in source order — a later occurrence k hashes the first
   * occurrence's id followed by k — and of the rows with one event id the one with the earliest
   * lineage among those no row-level error rule rejects is kept (the earliest of all when every
   * copy is rejected): copies of one event differ only when a trade id was re-sent with other
   * content, and a valid correction of a bad print then survives it.
   */
  private static String repeatedSql() {
    return "SELECT tl_rid, event_id, row_number() OVER (PARTITION BY event_id ORDER BY tl_bad,"
        + " file_id NULLS LAST, file_seq NULLS LAST, writer_id NULLS LAST, wal_seq NULLS LAST, ingested_at,"
        + " ts_recv NULLS LAST) = 1 AS tl_keep FROM (SELECT *, "
        + occurrenceIdSql()
        + " AS event_id FROM tl_o)";
  }

  /**
   * {@link #repeatedSql()} when every repeated identity counts occurrences within one stream:
   * occurrence numbering alone gives every row a distinct id, so nothing is a duplicate and only
   * the rows whose id changes (k ≥ 2) are listed.
   */
  private static String occurrencesSql() {
    return "SELECT tl_rid, "
        + occurrenceIdSql()
        + " AS event_id, true AS tl_keep FROM tl_o WHERE tl_occurrence > 1";
  }

  /**
   * tl_o: the rows of repeated identities (tl_m) with their lineage, whether a row-level error rule
   * rejects them, and their occurrence number within their stream (a file_id, or a writer_id), in
   * source order. The number counts stream positions (file_seq, wal_seq), not rows: a position
   * holds one record, so the same position committed twice — WAL records committed again by a
   * writer that lost its watermark, a file ingested again under its own file id — gives both copies
   * one occurrence and one event id, and dedup keeps one. (Rows without a position, which
   * ticklake's writers never produce, stay one occurrence each.)
   */
  private String occurrenceSql(ExchangeCalendar calendar, ExchangeDate key) {
    // tl_tie: a row numbered past its occurrence follows a position that came twice
    return "SELECT *, dense_rank() OVER w AS tl_occurrence, row_number() OVER w <> dense_rank()"
        + " OVER w AS tl_tie FROM (SELECT b.rowid AS tl_rid, tl_h, tl_occ,"
        + " file_id, file_seq, writer_id, wal_seq, ingested_at, ts_recv, "
        + rejectedByRowRules(calendar, key)
        + " AS tl_bad FROM tl_b AS b SEMI JOIN tl_m USING (tl_h)) WINDOW w AS (PARTITION BY"
        + " file_id, CASE WHEN file_id IS NULL THEN writer_id END, tl_h ORDER BY file_seq NULLS"
        + " FIRST, wal_seq NULLS FIRST, CASE WHEN file_seq IS NULL AND wal_seq IS NULL THEN tl_rid"
        + " END)";
  }

  /**
   * Whether an error rule that needs nothing but the row's own columns (not the symbol lookup, the
   * session or the price reference) rejects the row, as SQL: what dedup can know before those
   * exist, to prefer a valid copy of an event.
   */
  private String rejectedByRowRules(ExchangeCalendar calendar, ExchangeDate key) {
    // only copies of a trade id can differ, so only they are judged (quotes never)
    return kind != SilverTable.TRADES
        ? "false"
        : "CASE WHEN vendor_trade_id IS NOT NULL THEN "
            + rejectedBy(ValidationRule::rowLocal, calendar, key)
            + " ELSE false END";
  }

  /** Whether an error rule that {@code which} accepts rejects the row, as SQL. */
  private String rejectedBy(
      java.util.function.Predicate<ValidationRule> which,
      ExchangeCalendar calendar,
      ExchangeDate key) {
    List<String> conditions =
        rules.stream()
            .filter(r -> r.severity() == Severity.ERROR && which.test(r))
            .map(r -> condition(r, calendar, key))
            .toList();
    return conditions.isEmpty() ? "false" : "(" + String.join(" OR ", conditions) + ")";
  }

  /**
   * The id of an occurrence: the identity hash for the first, and for the k-th (k ≥ 2) the MD5 of
   * the first id's text, U+001F and k.
   */
  private static String occurrenceIdSql() {
    return "CASE WHEN tl_occ AND tl_occurrence > 1 THEN md5_number(CAST(CAST(tl_h AS UUID) AS"
        + " VARCHAR) || chr(31) || CAST(tl_occurrence AS VARCHAR)) ELSE tl_h END";
  }

  /**
   * Canonical text of a column: timestamps as epoch microseconds, NULL as \u0001, and in strings
   * U+0010, U+001F and U+0001 escaped as U+0010 followed by {@code 0}, {@code 1} or {@code 2} — so
   * a value never holds the field separator or the NULL marker, and the joined text is injective
   * (two different records cannot render alike). Values without those three characters — every real
   * one seen — render as themselves.
   */
  private String text(String column) {
    NestedField f = silverSchema.findField(column);
    String c = Sql.ident(column);
    String v =
        switch (f.type().typeId()) {
          case TIMESTAMP -> "CAST(epoch_us(" + c + ") AS VARCHAR)";
          case STRING -> escaped(c);
          default -> "CAST(" + c + " AS VARCHAR)";
        };
    return "coalesce(" + v + ", chr(1))";
  }

  /** A string expression with U+0010, U+001F and U+0001 escaped (see {@link #text}). */
  private static String escaped(String expression) {
    return "replace(replace(replace("
        + expression
        + ", chr(16), chr(16) || '0'), chr(31), chr(16) || '1'), chr(1), chr(16) || '2')";
  }

  /**
   * An instant as a DuckDB TIMESTAMPTZ, from its epoch microseconds: {@code Instant.toString}
   * writes years after 9999 as {@code +10000-…}, which DuckDB does not parse (the session of
   * 9999-12-31 on a 24/7 UTC exchange closes at 10000-01-01T00:00Z).
   */
  private static String ts(Instant t) {
    long micros =
        Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    return "make_timestamptz(CAST(" + micros + " AS BIGINT))";
  }

  private static String sessionSql(ExchangeCalendar calendar, LocalDate date) {
    List<SessionInterval> sessions = calendar.sessions(date);
    if (sessions.isEmpty()) {
      return "'closed'";
    }
    StringBuilder sb = new StringBuilder("CASE");
    for (SessionInterval s : sessions) {
      sb.append(" WHEN ts_event >= ")
          .append(ts(s.open()))
          .append(" AND ts_event < ")
          .append(ts(s.close()))
          .append(" THEN ")
          .append(Sql.string(s.type().label()));
    }
    return sb.append(" ELSE 'closed' END").toString();
  }

  /** A rule's condition as SQL that is true exactly when the row breaks it (NULL → false). */
  private String condition(ValidationRule r, ExchangeCalendar calendar, ExchangeDate key) {
    return "coalesce(" + fill(r.condition(), calendar, key) + ", false)";
  }

  /**
   * Fills a rule expression's placeholders for one partition: {@code ${before_window}} / {@code
   * ${after_window}} (whether the event lies before the trading date's session window widened by
   * the tolerance, or at or after its end; both true when the date has no session) and {@code
   * ${zone}} (the exchange's time zone, as SQL text).
   */
  private String fill(String sql, ExchangeCalendar calendar, ExchangeDate key) {
    List<SessionInterval> sessions = calendar.sessions(key.tradingDate());
    Duration tol = settings.sessionTolerance();
    String before = "true";
    String after = "true";
    if (!sessions.isEmpty()) {
      before = eventBefore(sessions.get(0).open().minus(tol));
      after = eventAtOrAfter(sessions.get(sessions.size() - 1).close().plus(tol));
    }
    return sql.replace("${before_window}", before)
        .replace("${after_window}", after)
        .replace("${zone}", Sql.string(calendar.zone().getId()));
  }

  /**
   * The nanoseconds of the event within its microsecond, as SQL: from the vendor's {@code
   * ts_event_ns} where it gives them ({@code ts_event} is that time cut to the microsecond), else
   * 0.
   */
  private static final String EVENT_SUB_MICROS = "coalesce((ts_event_ns % 1000 + 1000) % 1000, 0)";

  /**
   * Whether the event time is before {@code t}, as SQL. An instant on a whole microsecond needs
   * only {@code ts_event} (the event's time cut to the microsecond); a finer one (a tolerance or a
   * session time with a fraction of a microsecond) also compares the vendor's nanoseconds.
   */
  private static String eventBefore(Instant t) {
    int sub = t.getNano() % 1000;
    if (sub == 0) {
      return "ts_event < " + ts(t);
    }
    String micro = ts(t);
    return "(ts_event < "
        + micro
        + " OR ts_event = "
        + micro
        + " AND "
        + EVENT_SUB_MICROS
        + " < "
        + sub
        + ")";
  }

  /**
   * Whether the event time is at or after {@code t}, as SQL: not before it (the rules key holds the
   * placeholders, not this text).
   */
  private static String eventAtOrAfter(Instant t) {
    return "(NOT " + eventBefore(t) + ")";
  }

  private String violationsSql(ExchangeCalendar calendar, ExchangeDate key) {
    // one scan of tl_e: rows breaking any rule, then one row per broken rule, with the whole row
    List<String> conditions = new ArrayList<>();
    List<String> findings = new ArrayList<>();
    for (ValidationRule r : rules) {
      String cond = condition(r, calendar, key);
      conditions.add(cond);
      findings.add(
          "CASE WHEN "
              + cond
              + " THEN {'rule': "
              + Sql.string(r.name())
              + ", 'severity': "
              + Sql.string(r.severity().label())
              + ", 'field': "
              + Sql.string(r.field())
              + ", 'value': CAST("
              + fill(r.value(), calendar, key)
              + " AS VARCHAR), 'message': CAST("
              + fill(r.message(), calendar, key)
              + " AS VARCHAR)} END");
    }
    if (rules.isEmpty()) {
      return "SELECT *, CAST(NULL AS VARCHAR) AS rule, CAST(NULL AS VARCHAR) AS severity,"
          + " CAST(NULL AS VARCHAR) AS field, CAST(NULL AS VARCHAR) AS value, CAST(NULL AS"
          + " VARCHAR) AS message FROM tl_e WHERE false";
    }
    return "SELECT * EXCLUDE (tl_f), tl_f.rule, tl_f.severity, tl_f.field, tl_f.value,"
        + " tl_f.message FROM (SELECT *, unnest(["
        + String.join(", ", findings)
        + "]) AS tl_f FROM tl_e WHERE "
        + String.join(" OR ", conditions)
        + ") WHERE tl_f IS NOT NULL";
  }

  /**
   * Order-sensitive digest of the event columns of the written file, read back in file order (no
   * second sort): the XOR over rows of MD5(UTF-8 of the row text, then the 16 bytes of the event
   * id), in hex. The row text is the position from 1 and the event columns the event id does not
   * already hash, each followed by U+001F: a record's identity fields enter through its event id
   * (their MD5, with the occurrence or sequence number), except for a trade with a vendor trade id,
   * whose id hashes only the trade id — its identity text is added. trading_date is the partition's
   * key, named in the summary, not repeated per row.
   */
  private String digest(String file) {
    Set<String> skipped = new java.util.HashSet<>(kind.identityColumns());
    skipped.addAll(NOT_DIGESTED);
    skipped.addAll(List.of("trading_date", "event_id"));
    List<String> fields = new ArrayList<>();
    fields.add("CAST(file_row_number + 1 AS VARCHAR)");
    silverSchema.columns().stream()
        .map(NestedField::name)
        .filter(n -> !skipped.contains(n))
        .map(this::text)
        .forEach(fields::add);
    if (kind == SilverTable.TRADES) {
      fields.add(
          "CASE WHEN vendor_trade_id IS NOT NULL THEN concat_ws(chr(31), "
              + kind.identityColumns().stream().map(this::text).collect(Collectors.joining(", "))
              + ") ELSE '' END");
    }
    String rowBytes = "encode(concat_ws(chr(31), " + String.join(", ", fields) + ") || chr(31))";
    List<String> r =
        strings(
            "SELECT CAST(bit_xor(md5_number("
                + rowBytes
                + " || CAST(event_id AS BLOB))) AS VARCHAR) FROM read_parquet("
                + Sql.string(file)
                + ", file_row_number = true)");
    return "md5x:" + digestHex(r.isEmpty() || r.get(0) == null ? "0" : r.get(0));
  }

  /**
   * The XOR of MD5 digests in their own byte order, as hex, from the XOR of DuckDB's {@code
   * md5_number}s (which read each digest as a little-endian number).
   */
  static String digestHex(String md5NumberXor) {
    java.math.BigInteger v = new java.math.BigInteger(md5NumberXor);
    StringBuilder hex = new StringBuilder(32);
    for (int i = 0; i < 16; i++) {
      hex.append(
          String.format(java.util.Locale.ROOT, "%02x", v.shiftRight(8 * i).intValue() & 0xff));
    }
    return hex.toString();
  }

  /**
   * The quarantine rows of the partition: the findings of the rules (tl_v) and, when {@code
   * conflicts}, the conflicting re-sent copies (tl_cq), in Silver order.
   */
  private List<QuarantineRecord> quarantineRows(
      String sourceTable, long bronzeSnapshotId, Instant at, boolean conflicts) {
    Schema bronzeSchema = kind.bronze().schema();
    List<String> jsonFields = new ArrayList<>();
    for (NestedField f : bronzeSchema.columns()) {
      jsonFields.add(Sql.string(f.name()) + ": e." + Sql.ident(f.name()));
    }
    jsonFields.add("'event_id': e.event_id");
    jsonFields.add("'symbol_id': e.symbol_id");
    jsonFields.add("'session': e.session");
    String sql =
        "SELECT e.rule, e.severity, e.message, e.field, e.value, e.exchange, e.trading_date,"
            + " e.symbol, epoch_us(e.ts_event), e.vendor, e.file_id, e.file_seq, e.writer_id,"
            + " e.wal_seq, CAST(to_json({"
            + String.join(", ", jsonFields)
            + "}) AS VARCHAR) FROM "
            + (conflicts ? "(SELECT * FROM tl_v UNION ALL BY NAME SELECT * FROM tl_cq)" : "tl_v")
            + " AS e ORDER BY "
            + ORDER
            + ", e.rule, e.field, e.file_id NULLS FIRST, e.writer_id NULLS FIRST";
    List<QuarantineRecord> out = new ArrayList<>();
    try (Statement s = bridge.connection().createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(
            new QuarantineRecord(
                sourceTable,
                STAGE,
                rs.getString(1),
                Severity.ofLabel(rs.getString(2)),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getObject(7, LocalDate.class),
                rs.getString(8),
                micros(rs, 9),
                rs.getString(10),
                (Long) rs.getObject(11),
                (Long) rs.getObject(12),
                rs.getString(13),
                (Long) rs.getObject(14),
                null,
                rs.getString(15),
                bronzeSnapshotId,
                at));
      }
    } catch (SQLException e) {
      throw failure("read quarantine rows", e);
    }
    return out;
  }

  private static Instant micros(ResultSet rs, int column) throws SQLException {
    long us = rs.getLong(column);
    if (rs.wasNull()) {
      return null;
    }
    return Instant.ofEpochSecond(
        Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000L);
  }

  private long count(String sql) {
    return bridge.queryLong(sql);
  }

  /** Runs one step of the rebuild; a failure names the step. */
  private void step(String what, String sql) {
    long start = System.nanoTime();
    try (Statement s = bridge.connection().createStatement()) {
      s.execute(sql);
      DuckDbBridge.trace(sql, start);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private long update(String sql) {
    long start = System.nanoTime();
    try (Statement s = bridge.connection().createStatement()) {
      long n = s.executeUpdate(sql);
      DuckDbBridge.trace(sql, start);
      return n;
    } catch (SQLException e) {
      throw failure("write the partition", e);
    }
  }

  private List<String> strings(String sql) {
    return bridge.queryStrings(sql);
  }

  private static TicklakeException failure(String what, SQLException e) {
    return new TicklakeException(
        Kind.FAILURE, "Cannot " + what + " in DuckDB: " + e.getMessage().strip(), e);
  }
}
