package io.ticklake.bronze.read;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Text fields from bytes: strict UTF-8 decoding and a small cache so the few distinct values of a
 * column (symbols, exchanges, venues, condition codes) are not allocated once per line. This class
 * is not thread-safe; a reader makes one per file.
 */
final class Texts {
  private static final int SLOTS = 512;
  private static final int MAX_CACHED_BYTES = 64;

  private final byte[][] keys = new byte[SLOTS][];
  private final String[] values = new String[SLOTS];
  // Values of up to 7 bytes are packed into a long (with their length) and compared as numbers.
  private final long[] shortKeys = new long[SLOTS];
  private final String[] shortValues = new String[SLOTS];
  private CharsetDecoder decoder;

  /** The text of {@code b[s, e)}, which must be valid UTF-8; cached when short. */
  String text(byte[] b, int s, int e, String field) throws FieldProblem {
    int length = e - s;
    if (length <= 7) {
      long key = length;
      for (int i = s; i < e; i++) {
        key = (key << 8) | (b[i] & 0xFF);
      }
      long mixed = key * 0x9E3779B97F4A7C15L;
      int slot = (int) (mixed >>> 55) & (SLOTS - 1);
      String cached = shortValues[slot];
      if (cached != null && shortKeys[slot] == key) {
        return cached;
      }
      String value = decode(b, s, e, field);
      shortKeys[slot] = key;
      shortValues[slot] = value;
      return value;
    }
    if (length > MAX_CACHED_BYTES) {
      return decode(b, s, e, field);
    }
    int h = 0;
    for (int i = s; i < e; i++) {
      h = 31 * h + b[i];
    }
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    byte[] key = keys[slot];
    if (key != null && Arrays.equals(key, 0, key.length, b, s, e)) {
      return values[slot];
    }
    String value = decode(b, s, e, field);
    keys[slot] = Arrays.copyOfRange(b, s, e);
    values[slot] = value;
    return value;
  }

  /** Like {@link #text} but null for an empty value. */
  String optionalText(byte[] b, int s, int e, String field) throws FieldProblem {
    return s >= e ? null : text(b, s, e, field);
  }

  /** Like {@link #text} but an empty value is an error. */
  String requiredText(byte[] b, int s, int e, String field) throws FieldProblem {
    if (s >= e) {
      throw FieldProblem.field(field, "", Numbers.EMPTY);
    }
    return text(b, s, e, field);
  }

  private String decode(byte[] b, int s, int e, String field) throws FieldProblem {
    boolean ascii = true;
    for (int i = s; i < e; i++) {
      if (b[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
    }
    if (decoder == null) {
      decoder =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
    try {
      return decoder.decode(ByteBuffer.wrap(b, s, e - s)).toString();
    } catch (CharacterCodingException ex) {
      throw FieldProblem.field(field, b, s, e, "not valid UTF-8");
    }
  }

  /**
   * Up to {@code max} bytes of {@code b[s, e)} as printable ASCII for a message: other bytes
   * (binary content, control characters) as {@code \xNN}, so a zip or gzip given to a text reader
   * does not write raw bytes into terminals and the manifest.
   */
  static String printable(byte[] b, int s, int e, int max) {
    StringBuilder out = new StringBuilder();
    int end = Math.min(e, s + max);
    for (int i = s; i < end; i++) {
      int c = b[i] & 0xff;
      if (c >= 0x20 && c < 0x7f) {
        out.append((char) c);
      } else {
        out.append(String.format("\\x%02x", c));
      }
    }
    if (end < e) {
      out.append("…");
    }
    return out.toString();
  }

  /** True when {@code b[s, e)} equals the ASCII text {@code expected}. */
  static boolean equalsAscii(byte[] b, int s, int e, String expected) {
    if (e - s != expected.length()) {
      return false;
    }
    for (int i = 0; i < expected.length(); i++) {
      if (b[s + i] != expected.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** True when {@code b[s, e)} equals the ASCII text {@code expected} ignoring ASCII case. */
  static boolean equalsAsciiIgnoreCase(byte[] b, int s, int e, String expected) {
    if (e - s != expected.length()) {
      return false;
    }
    for (int i = 0; i < expected.length(); i++) {
      int c = b[s + i];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      int x = expected.charAt(i);
      if (x >= 'A' && x <= 'Z') {
        x += 'a' - 'A';
      }
      if (c != x) {
        return false;
      }
    }
    return true;
  }
}
