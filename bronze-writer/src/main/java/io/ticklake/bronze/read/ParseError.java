package io.ticklake.bronze.read;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One input line that could not be turned into a row.
 *
 * @param file the path of the source file as given to the reader
 * @param line the 1-based physical line number in the source (for a zip: in its CSV entry)
 * @param field the Bronze field that failed ({@code price}, {@code ts_event}, …), or null when the
 *     whole line is bad (wrong number of fields, not JSON, too long, empty)
 * @param rawValue the offending value as text, or null when {@code field} is null
 * @param rawLine the raw line, decoded as UTF-8 with replacement characters; lines longer than
 *     {@link #MAX_RAW_LINE} characters are cut and end with {@code …[truncated, N bytes]}
 * @param message one sentence, e.g. {@code Cannot parse price '18x5200' at line 17 of
 *     20131007_ibm_Trade_Tick.csv: not a number}
 */
public record ParseError(
    String file, long line, String field, String rawValue, String rawLine, String message) {

  /** The longest raw line kept, in characters. */
  public static final int MAX_RAW_LINE = 4096;

  private static final int MAX_VALUE_IN_MESSAGE = 80;

  /** Checks the components. */
  public ParseError {
    requireNonNull(file, "file is null");
    requireNonNull(rawLine, "rawLine is null");
    requireNonNull(message, "message is null");
    if (line < 1) {
      throw new IllegalArgumentException("line must be >= 1: " + line);
    }
    if (field == null && rawValue != null) {
      throw new IllegalArgumentException("rawValue needs a field");
    }
  }

  /**
   * An error for {@code field} (null: the whole line) at {@code line} of the source called {@code
   * sourceName} in messages (the CSV's name, or a zip's entry name).
   */
  public static ParseError of(
      String file,
      String sourceName,
      long line,
      String field,
      String rawValue,
      String rawLine,
      String reason) {
    String message;
    if (field == null) {
      message =
          String.format(Locale.ROOT, "Cannot parse line %d of %s: %s", line, sourceName, reason);
    } else {
      message =
          String.format(
              Locale.ROOT,
              "Cannot parse %s '%s' at line %d of %s: %s",
              field,
              shorten(rawValue),
              line,
              sourceName,
              reason);
    }
    return new ParseError(file, line, field, field == null ? null : rawValue, rawLine, message);
  }

  /**
   * The raw line of {@code bytes[start, end)}, truncated when longer than {@link #MAX_RAW_LINE}.
   */
  static String rawLine(byte[] bytes, int start, int end, long totalBytes) {
    int length = end - start;
    if (totalBytes <= MAX_RAW_LINE && length == totalBytes) {
      return new String(bytes, start, length, StandardCharsets.UTF_8);
    }
    String head = new String(bytes, start, Math.min(length, MAX_RAW_LINE), StandardCharsets.UTF_8);
    if (head.length() > MAX_RAW_LINE) {
      head = head.substring(0, MAX_RAW_LINE);
    }
    return head + "…[truncated, " + totalBytes + " bytes]";
  }

  private static String shorten(String value) {
    if (value == null) {
      return "";
    }
    if (value.length() <= MAX_VALUE_IN_MESSAGE) {
      return value;
    }
    return value.substring(0, MAX_VALUE_IN_MESSAGE) + "…";
  }
}
