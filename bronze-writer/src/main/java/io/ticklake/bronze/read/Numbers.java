package io.ticklake.bronze.read;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Exact number parsing straight from ASCII bytes: no regex, no intermediate strings and no {@code
 * BigDecimal(String)} on the common path (plain decimals of up to 18 significant digits). Anything
 * unusual (an exponent, more digits) takes a slower exact path through {@link BigDecimal}. Nothing
 * is ever rounded: a value that needs more digits than the target has is an error. NaN, Infinity
 * and other text are "not a number".
 */
final class Numbers {
  /** Largest 18-digit unscaled value: the bound of {@code decimal(18, s)}. */
  static final long MAX_DECIMAL_18 = Rows.MAX_UNSCALED_EXCLUSIVE - 1;

  static final String EMPTY = "value is empty";
  static final String NOT_A_NUMBER = "not a number";
  static final String NOT_AN_INTEGER = "not an integer";

  private static final int MAX_NUMBER_CHARS = 100;

  private static final long[] POW10 = new long[19];

  // Reasons per target scale, built once: the hot path must not concatenate strings.
  private static final String[] TOO_FINE = new String[19];
  private static final String[] TOO_LARGE = new String[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
    for (int scale = 0; scale < TOO_FINE.length; scale++) {
      TOO_FINE[scale] = "needs more than " + scale + " decimal places";
      TOO_LARGE[scale] = "does not fit decimal(18," + scale + ")";
    }
  }

  private Numbers() {}

  /** 10^n for 0 ≤ n ≤ 18. */
  static long pow10(int n) {
    return POW10[n];
  }

  /** A decimal at {@code scale} (9 for prices, 8 for sizes) with at most 18 digits. */
  static BigDecimal decimal(byte[] b, int s, int e, int scale, int impliedDecimals, String field)
      throws FieldProblem {
    long unscaled =
        scaled(
            b,
            s,
            e,
            scale - impliedDecimals,
            MAX_DECIMAL_18,
            field,
            TOO_FINE[scale],
            TOO_LARGE[scale]);
    return BigDecimal.valueOf(unscaled, scale);
  }

  /**
   * The exact value of the decimal text {@code b[s, e)} times 10^{@code shift}, as a long with
   * absolute value at most {@code maxAbs}.
   *
   * @param tooFine the reason when the value has more decimals than {@code shift}
   * @param tooLarge the reason when the result exceeds {@code maxAbs}
   */
  static long scaled(
      byte[] b, int s, int e, int shift, long maxAbs, String field, String tooFine, String tooLarge)
      throws FieldProblem {
    if (s >= e) {
      throw FieldProblem.field(field, "", EMPTY);
    }
    int i = s;
    boolean negative = false;
    if (b[i] == '-' || b[i] == '+') {
      negative = b[i] == '-';
      i++;
    }
    long u = 0;
    int digits = 0;
    int fraction = 0;
    boolean dot = false;
    boolean any = false;
    for (; i < e; i++) {
      int c = b[i];
      if (c >= '0' && c <= '9') {
        any = true;
        if (u == 0 && c == '0') {
          if (dot) {
            fraction++;
          }
          continue;
        }
        if (digits == 18) {
          return slow(b, s, e, shift, maxAbs, field, tooFine, tooLarge);
        }
        u = u * 10 + (c - '0');
        digits++;
        if (dot) {
          fraction++;
        }
      } else if (c == '.' && !dot) {
        dot = true;
      } else {
        return slow(b, s, e, shift, maxAbs, field, tooFine, tooLarge);
      }
    }
    if (!any) {
      return slow(b, s, e, shift, maxAbs, field, tooFine, tooLarge);
    }
    if (fraction > shift) {
      int drop = fraction - shift;
      if (u != 0) {
        if (drop > 18 || u % POW10[drop] != 0) {
          throw FieldProblem.field(field, b, s, e, tooFine);
        }
        u /= POW10[drop];
      }
    } else if (shift > fraction && u != 0) {
      int up = shift - fraction;
      if (up > 18 || u > maxAbs / POW10[up]) {
        throw FieldProblem.field(field, b, s, e, tooLarge);
      }
      u *= POW10[up];
    }
    if (u > maxAbs) {
      throw FieldProblem.field(field, b, s, e, tooLarge);
    }
    return negative ? -u : u;
  }

  private static long slow(
      byte[] b, int s, int e, int shift, long maxAbs, String field, String tooFine, String tooLarge)
      throws FieldProblem {
    if (e - s > MAX_NUMBER_CHARS) {
      throw FieldProblem.field(
          field, b, s, e, NOT_A_NUMBER + " (longer than " + MAX_NUMBER_CHARS + " characters)");
    }
    for (int i = s; i < e; i++) {
      int c = b[i];
      boolean allowed =
          (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
      if (!allowed) {
        throw FieldProblem.field(field, b, s, e, NOT_A_NUMBER);
      }
    }
    BigDecimal value;
    try {
      value = new BigDecimal(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
    } catch (NumberFormatException ex) {
      throw FieldProblem.field(field, b, s, e, NOT_A_NUMBER);
    }
    if (value.signum() == 0) {
      return 0;
    }
    // Integer digits of value * 10^shift; checked before any scaling so 1e999999999 stays cheap.
    long integerDigits = (long) value.precision() - value.scale() + shift;
    if (integerDigits > 19) {
      throw FieldProblem.field(field, b, s, e, tooLarge);
    }
    if (value.scale() > shift) {
      value = value.stripTrailingZeros();
      if (value.scale() > shift) {
        throw FieldProblem.field(field, b, s, e, tooFine);
      }
    }
    BigInteger scaled = value.movePointRight(shift).toBigIntegerExact();
    if (scaled.abs().compareTo(BigInteger.valueOf(maxAbs)) > 0) {
      throw FieldProblem.field(field, b, s, e, tooLarge);
    }
    return scaled.longValue();
  }

  /** A signed decimal integer (no fraction, no exponent). */
  static long integer(byte[] b, int s, int e, String field) throws FieldProblem {
    if (s >= e) {
      throw FieldProblem.field(field, "", EMPTY);
    }
    int i = s;
    boolean negative = false;
    if (b[i] == '-' || b[i] == '+') {
      negative = b[i] == '-';
      i++;
      if (i == e) {
        throw FieldProblem.field(field, b, s, e, NOT_AN_INTEGER);
      }
    }
    long v = 0;
    // Up to 18 digits cannot overflow: skip the (slow) overflow division on the common path.
    boolean check = e - i > 18;
    for (; i < e; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw FieldProblem.field(field, b, s, e, NOT_AN_INTEGER);
      }
      if (check && v > (Long.MAX_VALUE - d) / 10) {
        throw FieldProblem.field(field, b, s, e, "out of range for a 64-bit integer");
      }
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }

  /** Up to 16 hexadecimal digits (case-insensitive, no prefix) as an unsigned 64-bit value. */
  static long hex(byte[] b, int s, int e, String field) throws FieldProblem {
    if (s >= e) {
      throw FieldProblem.field(field, "", EMPTY);
    }
    if (e - s > 16) {
      throw FieldProblem.field(field, b, s, e, "more than 16 hexadecimal digits");
    }
    long v = 0;
    for (int i = s; i < e; i++) {
      int c = b[i];
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        throw FieldProblem.field(field, b, s, e, "not a hexadecimal number");
      }
      v = (v << 4) | d;
    }
    return v;
  }
}
