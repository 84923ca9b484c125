package io.ticklake.bronze.read;

import java.nio.charset.StandardCharsets;

/**
 * A field or line of the current input line cannot be parsed. Thrown and caught inside a reader
 * (never escapes it); carries no stack trace, so the error path stays cheap.
 */
final class FieldProblem extends Exception {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String rawValue;

  private FieldProblem(String field, String rawValue, String reason) {
    super(reason, null, false, false);
    this.field = field;
    this.rawValue = rawValue;
  }

  /** A bad value {@code bytes[start, end)} of {@code field}. */
  static FieldProblem field(String field, byte[] bytes, int start, int end, String reason) {
    return new FieldProblem(
        field, new String(bytes, start, end - start, StandardCharsets.UTF_8), reason);
  }

  /** A bad value of {@code field} given as text. */
  static FieldProblem field(String field, String rawValue, String reason) {
    return new FieldProblem(field, rawValue, reason);
  }

  /** The whole line is bad. */
  static FieldProblem line(String reason) {
    return new FieldProblem(null, null, reason);
  }

  /** Re-labels a problem found by a shared parser with the field it was parsing. */
  FieldProblem forField(String name) {
    return new FieldProblem(name, rawValue, getMessage());
  }

  String field() {
    return field;
  }

  String rawValue() {
    return rawValue;
  }

  String reason() {
    return getMessage();
  }
}
