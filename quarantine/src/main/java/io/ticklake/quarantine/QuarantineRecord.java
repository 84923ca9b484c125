package io.ticklake.quarantine;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One rejected or flagged row: which rule, why, the offending field and value, where the row came
 * from and the whole row as received. A row of {@code ops.quarantine}.
 *
 * @param sourceTable the table the row was meant for, e.g. {@code bronze.trades}
 * @param stage where it was caught: {@code ingest}, {@code writer} or {@code compact}
 * @param rule the rule name, e.g. {@code parse_error}, {@code price_positive}
 * @param severity error (rejected) or warn (kept and flagged)
 * @param message what is wrong, as a sentence
 * @param field the offending field, if one
 * @param value the offending value as text, if one
 * @param exchange market, when known
 * @param tradingDate trading date, when known
 * @param symbol symbol, when known
 * @param tsEvent event time, when known
 * @param vendor source vendor/format
 * @param fileId manifest id of the source file, for file input
 * @param fileSeq line number in the source file, for file input
 * @param writerId live writer id, for WAL input
 * @param walSeq WAL sequence, for WAL input
 * @param rawLine the raw input line, when there is one
 * @param rowJson the whole row as JSON, when it was parsed
 * @param bronzeSnapshotId the Bronze snapshot a compaction read, for compaction rejects
 * @param quarantinedAt when the row was quarantined
 */
public record QuarantineRecord(
    String sourceTable,
    String stage,
    String rule,
    Severity severity,
    String message,
    String field,
    String value,
    String exchange,
    LocalDate tradingDate,
    String symbol,
    Instant tsEvent,
    String vendor,
    Long fileId,
    Long fileSeq,
    String writerId,
    Long walSeq,
    String rawLine,
    String rowJson,
    Long bronzeSnapshotId,
    Instant quarantinedAt) {

  public QuarantineRecord {
    requireNonNull(sourceTable, "sourceTable is null");
    requireNonNull(stage, "stage is null");
    requireNonNull(rule, "rule is null");
    requireNonNull(severity, "severity is null");
    requireNonNull(message, "message is null");
    requireNonNull(quarantinedAt, "quarantinedAt is null");
  }

  /**
   * A parse error of a line in a vendor file: rule {@code parse_error}, severity error.
   *
   * @param sourceTable target table of the file's rows
   * @param vendor vendor/format of the file
   * @param fileId manifest id of the file
   * @param line 1-based line number
   * @param field the field that failed, or null when the whole line is bad
   * @param value the raw value of that field, or null
   * @param rawLine the raw line
   * @param message what is wrong
   * @param exchange the exchange of the file's rows, when its path says (else null)
   * @param tradingDate the trading date of the file's rows, when its path says (else null)
   * @param symbol the symbol of the file's rows, when its path says (else null)
   * @param at when
   */
  public static QuarantineRecord parseError(
      String sourceTable,
      String vendor,
      long fileId,
      long line,
      String field,
      String value,
      String rawLine,
      String message,
      String exchange,
      LocalDate tradingDate,
      String symbol,
      Instant at) {
    return new QuarantineRecord(
        sourceTable,
        "ingest",
        "parse_error",
        Severity.ERROR,
        message,
        field,
        value,
        exchange,
        tradingDate,
        symbol,
        null,
        vendor,
        fileId,
        line,
        null,
        null,
        rawLine,
        null,
        null,
        at);
  }
}
