package io.ticklake.bronze.live;

/**
 * An input line of the live writer that is not a valid event: the writer quarantines it with the
 * raw line and this message and continues.
 */
public final class EventLineException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String value;

  /** A bad line; {@code field} and {@code value} name the offending field when there is one. */
  public EventLineException(String field, String value, String message) {
    super(message);
    this.field = field;
    this.value = value;
  }

  /** The offending field, or null when the whole line is bad. */
  public String field() {
    return field;
  }

  /** The offending value as text, or null. */
  public String value() {
    return value;
  }
}
