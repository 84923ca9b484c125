package io.ticklake.catalog.dim;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * How {@code ref.dim_symbol} names instruments: the stable {@code symbol_id} derived from an
 * instrument's permanent identity, and the lookup key a ticker or alias is normalised to.
 *
 * <p>Stateless and thread-safe.
 */
public final class SymbolIds {
  private SymbolIds() {}

  /**
   * Why reference data cannot name an instrument by a spelling that {@link #normalize}s to nothing
   * (only separators): its key would match every such spelling, the blank one included.
   */
  static final String EMPTY_KEY = "has no letter or digit (its lookup key would be empty)";

  /**
   * The {@code symbol_id} of an instrument: the first 8 bytes of SHA-256 over the UTF-8 bytes of
   * {@code exchange + '\u0000' + canonicalId}, read big-endian and masked to a non-negative long.
   * The same identity gives the same id in every warehouse and on every load, whatever the order.
   *
   * @param exchange the ticklake exchange id, e.g. {@code us-equity}
   * @param canonicalId the instrument's permanent identifier, e.g. {@code lean:NB:19980102}
   */
  public static long derive(String exchange, String canonicalId) {
    requireNonNull(exchange, "exchange is null");
    requireNonNull(canonicalId, "canonicalId is null");
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
    sha.update(exchange.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
    sha.update(canonicalId.getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(sha.digest()).getLong() & Long.MAX_VALUE;
  }

  /**
   * The lookup key of a ticker or alias: upper-cased with {@link Locale#ROOT}, without the
   * separators vendors disagree on ({@code - / _ .}, spaces and {@code :} are removed). So {@code
   * BTC-USDT}, {@code btc/usdt} and {@code BTCUSDT} share the key {@code BTCUSDT}, and {@code
   * BRK.B} and {@code BRK-B} share {@code BRKB}.
   *
   * <p>This is the only normalisation ticklake uses; the DuckDB bulk lookup applies it to the
   * spellings it meets through this method, so single and bulk lookups cannot disagree.
   */
  public static String normalize(String spelling) {
    requireNonNull(spelling, "spelling is null");
    String upper = spelling.toUpperCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(upper.length());
    for (int i = 0; i < upper.length(); i++) {
      char c = upper.charAt(i);
      if (c == '-' || c == '/' || c == '_' || c == '.' || c == ':' || Character.isWhitespace(c)) {
        continue;
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
