package io.ticklake.catalog.dim;

import io.ticklake.catalog.TicklakeException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads ticklake's crypto symbol list, a small CSV file that names the crypto symbols of each
 * exchange and the other spellings vendors use for them.
 *
 * <pre>
 * # comments and blank lines are skipped
 * exchange,symbol,base,quote,tick_size,lot_size,multiplier,aliases
 * binance-futures,BTCUSDT,BTC,USDT,0.1,0.001,1,BTC-USDT|BTC/USDT|BTC/USDT:USDT
 * </pre>
 *
 * <ul>
 *   <li>{@code exchange}: a ticklake exchange id (lower-case letters, digits, hyphens);
 *   <li>{@code symbol}: the exchange's own symbol, stored as the ticker; an exchange does not
 *       rename a pair, so the normalised symbol ({@link SymbolIds#normalize}) is the canonical id;
 *   <li>{@code base}, {@code quote}: the currencies of the pair ({@code quote} is the {@code
 *       currency} column);
 *   <li>{@code tick_size}, {@code lot_size}, {@code multiplier}: positive decimals, at most 9, 8
 *       and 8 decimal places; blank means "take it from the Lean symbol-properties database";
 *   <li>{@code aliases}: other spellings separated by {@code |}, may be blank.
 * </ul>
 *
 * <p>Fields cannot contain commas (no quoting). A symbol is valid from {@link #LISTED}
 * (1970-01-01T00:00Z, so that lookups of old data work) and open-ended. Stateless and thread-safe.
 */
public final class CryptoSymbols {
  /** The header line of the format. */
  public static final String HEADER =
      "exchange,symbol,base,quote,tick_size,lot_size,multiplier,aliases";

  /** Start of validity of every symbol from a crypto CSV. */
  public static final Instant LISTED = Instant.EPOCH;

  /** Prefix of the {@code source} column of rows from a crypto CSV. */
  public static final String SOURCE_PREFIX = "crypto-csv:";

  /** The bundled list. */
  static final String BUNDLED = "crypto-symbols.csv";

  private static final String WHAT = "crypto symbols";
  private static final Pattern EXCHANGE = Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)*");
  private static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9.\\-_/:]+");
  private static final Pattern CURRENCY = Pattern.compile("[A-Za-z0-9]+");

  private CryptoSymbols() {}

  /**
   * Reads a crypto CSV file.
   *
   * @throws TicklakeException of kind INPUT for a missing file, a wrong header, a malformed row
   *     (naming the file, line and field) or a symbol listed twice
   */
  public static List<SymbolReference> read(Path file) {
    return parse(ReferenceText.read(file, WHAT));
  }

  /** The bundled list (Binance USD-M futures BTCUSDT and ETHUSDT, a few spot pairs). */
  public static List<SymbolReference> bundled() {
    return parse(ReferenceText.bundled(BUNDLED));
  }

  static List<SymbolReference> parse(ReferenceText text) {
    List<SymbolReference> refs = new ArrayList<>();
    Map<String, Integer> lineByKey = new HashMap<>();
    boolean header = false;
    List<String> lines = text.lines();
    for (int i = 0; i < lines.size(); i++) {
      int lineNo = i + 1;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (!header) {
        if (!line.replace(" ", "").equalsIgnoreCase(HEADER)) {
          throw text.error(WHAT, lineNo, "expected the header %s but found '%s'", HEADER, line);
        }
        header = true;
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != 8) {
        throw text.error(WHAT, lineNo, "expected 8 fields (%s) but found %d", HEADER, f.length);
      }
      String exchange = f[0].strip();
      if (!EXCHANGE.matcher(exchange).matches()) {
        throw text.error(
            WHAT,
            lineNo,
            "field exchange '%s' is not a ticklake exchange id (lower-case letters, digits and"
                + " hyphens)",
            exchange);
      }
      String symbol = f[1].strip();
      if (symbol.isEmpty()) {
        throw text.error(WHAT, lineNo, "field symbol is empty");
      }
      if (!SYMBOL.matcher(symbol).matches()) {
        throw text.error(
            WHAT, lineNo, "field symbol '%s' has characters a symbol cannot have", symbol);
      }
      if (SymbolIds.normalize(symbol).isEmpty()) {
        throw text.error(WHAT, lineNo, "field symbol '%s' %s", symbol, SymbolIds.EMPTY_KEY);
      }
      String base = currency(text, lineNo, "base", f[2]);
      String quote = currency(text, lineNo, "quote", f[3]);
      BigDecimal tick = decimal(text, lineNo, "tick_size", "tick size", f[4], 9);
      BigDecimal lot = decimal(text, lineNo, "lot_size", "lot size", f[5], 8);
      BigDecimal multiplier = decimal(text, lineNo, "multiplier", "multiplier", f[6], 8);
      List<String> aliases = new ArrayList<>();
      String aliasText = f[7].strip();
      if (!aliasText.isEmpty()) {
        for (String a : aliasText.split("\\|", -1)) {
          String alias = a.strip();
          if (alias.isEmpty()) {
            throw text.error(WHAT, lineNo, "field aliases '%s' has an empty alias", aliasText);
          }
          if (!SYMBOL.matcher(alias).matches()) {
            throw text.error(
                WHAT, lineNo, "field aliases: '%s' has characters a symbol cannot have", alias);
          }
          if (SymbolIds.normalize(alias).isEmpty()) {
            throw text.error(WHAT, lineNo, "field aliases: '%s' %s", alias, SymbolIds.EMPTY_KEY);
          }
          aliases.add(alias);
        }
      }
      String canonical = SymbolIds.normalize(symbol);
      Integer previous = lineByKey.putIfAbsent(exchange + "\u0000" + canonical, lineNo);
      if (previous != null) {
        throw text.error(
            WHAT, lineNo, "symbol %s on %s repeats line %d", symbol, exchange, previous);
      }
      SymbolAttributes attributes =
          new SymbolAttributes(
              ExchangeInfo.assetClass(exchange).orElse("crypto"),
              quote,
              base,
              tick,
              lot,
              multiplier,
              aliases);
      refs.add(
          new SymbolReference(
              exchange,
              canonical,
              List.of(new SymbolReference.Segment(LISTED, Optional.empty(), symbol, null)),
              attributes,
              SOURCE_PREFIX + text.fileName()));
    }
    if (!header) {
      throw text.error(WHAT, "it has no header line (%s)", HEADER);
    }
    return refs;
  }

  private static String currency(ReferenceText text, int line, String field, String value) {
    String v = value.strip();
    if (v.isEmpty()) {
      throw text.error(WHAT, line, "field %s is empty", field);
    }
    if (!CURRENCY.matcher(v).matches()) {
      throw text.error(WHAT, line, "field %s '%s' is not a currency code", field, v);
    }
    return v.toUpperCase(Locale.ROOT);
  }

  private static BigDecimal decimal(
      ReferenceText text, int line, String field, String what, String value, int scale) {
    String v = value.strip();
    if (v.isEmpty()) {
      return null;
    }
    BigDecimal d;
    try {
      d = new BigDecimal(v);
    } catch (NumberFormatException e) {
      throw text.error(WHAT, line, "field %s '%s' is not a number", field, v);
    }
    try {
      return SymbolAttributes.scaled(what, d, scale);
    } catch (IllegalArgumentException e) {
      throw text.error(WHAT, line, "field %s: %s", field, e.getMessage());
    }
  }
}
