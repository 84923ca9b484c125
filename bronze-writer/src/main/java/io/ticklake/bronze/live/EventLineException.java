package io.ticklake.bronze.live;

import io.ticklake.bronze.wal.WalTable;

/**
 * An input line of the live writer that is not a valid event: the writer quarantines it with the
 * raw line and this message and continues. {@link EventLineParser} also says, when it can still
 * read them from the bad line, which table the line was meant for ({@link #table()}) and its feed
 * sequence number ({@link #seq()}).
 */
public final class EventLineException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String value;
  private final WalTable table;
  private final Long seq;

  /** A bad line; {@code field} and {@code value} name the offending field when there is one. */
  public EventLineException(String field, String value, String message) {
    this(field, value, message, null, null);
  }

  private EventLineException(String field, String value, String message, WalTable table, Long seq) {
    super(message);
    this.field = field;
    this.value = value;
    this.table = table;
    this.seq = seq;
  }

  /** This error about a line whose {@code type} says {@code table} and whose seq is {@code seq}. */
  EventLineException about(WalTable table, Long seq) {
    EventLineException e = new EventLineException(field, value, getMessage(), table, seq);
    e.setStackTrace(getStackTrace());
    return e;
  }

  /** The offending field, or null when the whole line is bad. */
  public String field() {
    return field;
  }

  /** The offending value as text, or null. */
  public String value() {
    return value;
  }

  /**
   * The table the line was meant for: its {@code type} ({@code trade} or {@code quote}) could be
   * read; null when it could not.
   */
  public WalTable table() {
    return table;
  }

  /** The line's {@code seq} when it could be read as a 64-bit integer, else null. */
  public Long seq() {
    return seq;
  }
}
