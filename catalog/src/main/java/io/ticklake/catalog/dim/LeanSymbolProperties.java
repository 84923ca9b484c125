package io.ticklake.catalog.dim;

import io.ticklake.catalog.TicklakeException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * QuantConnect Lean's symbol-properties database ({@code symbol-properties-database.csv}): tick
 * size, lot size, contract multiplier and quote currency per market, security type and symbol, with
 * {@code [*]} rows as the defaults of a market and type (e.g. every US equity: USD, tick 0.01, lot
 * 1, multiplier 1).
 *
 * <p>Columns used: {@code market, symbol, type, quote_currency, contract_multiplier,
 * minimum_price_variation} (tick size) and {@code lot_size}; lines starting with {@code #} and
 * blank lines are skipped; where a market, type and symbol repeat, the first row wins (as in Lean).
 * A ticklake exchange is matched to a Lean market and type through the bundled market-hours mapping
 * ({@code us-equity} = usa/equity, {@code binance-futures} = binance/cryptofuture, ...), and a
 * ticker to a Lean symbol by its normalised key ({@link SymbolIds#normalize}), so {@code BTC-USD}
 * finds {@code BTCUSD}.
 *
 * <p>The structure of every row is checked on reading. Whether a row's decimals fit ticklake's
 * columns (tick size 9 decimal places, lot size and multiplier 8) is checked when the row is used:
 * the real database has rows with finer ticks for symbols ticklake may never load. Immutable and
 * thread-safe.
 */
public final class LeanSymbolProperties {
  /** The bundled trimmed database (QuantConnect Lean, Apache License 2.0; see NOTICE.md). */
  static final String BUNDLED = "lean-symbol-properties.csv";

  private static final String WHAT = "Lean symbol properties";
  private static final List<String> HEADER =
      List.of(
          "market",
          "symbol",
          "type",
          "description",
          "quote_currency",
          "contract_multiplier",
          "minimum_price_variation",
          "lot_size");

  private record Row(
      int line,
      String market,
      String symbol,
      String type,
      String quoteCurrency,
      BigDecimal multiplier,
      BigDecimal tickSize,
      BigDecimal lotSize) {}

  private final ReferenceText text;
  private final Map<String, Row> rows;

  private LeanSymbolProperties(ReferenceText text, Map<String, Row> rows) {
    this.text = text;
    this.rows = rows;
  }

  /**
   * Reads a database file.
   *
   * @throws TicklakeException of kind INPUT for a missing file, a wrong header or a malformed row
   *     (naming the file, line and field)
   */
  public static LeanSymbolProperties read(Path file) {
    return parse(ReferenceText.read(file, WHAT));
  }

  /**
   * The bundled trimmed database: the {@code usa} rows and a few Binance, Bybit and Coinbase rows.
   */
  public static LeanSymbolProperties bundled() {
    return Bundled.INSTANCE;
  }

  private static final class Bundled {
    static final LeanSymbolProperties INSTANCE = parse(ReferenceText.bundled(BUNDLED));
  }

  static LeanSymbolProperties parse(ReferenceText text) {
    Map<String, Row> rows = new HashMap<>();
    boolean header = false;
    List<String> lines = text.lines();
    for (int i = 0; i < lines.size(); i++) {
      int lineNo = i + 1;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (!header) {
        for (int c = 0; c < HEADER.size(); c++) {
          if (f.length <= c || !f[c].strip().equalsIgnoreCase(HEADER.get(c))) {
            throw text.error(
                WHAT,
                lineNo,
                "expected the header %s,... but found '%s'",
                String.join(",", HEADER),
                line);
          }
        }
        header = true;
        continue;
      }
      if (f.length < HEADER.size()) {
        throw text.error(
            WHAT,
            lineNo,
            "expected at least %d fields (%s) but found %d",
            HEADER.size(),
            String.join(",", HEADER),
            f.length);
      }
      String market = required(text, lineNo, "market", f[0]).toLowerCase(Locale.ROOT);
      String symbol = required(text, lineNo, "symbol", f[1]);
      String type = required(text, lineNo, "type", f[2]).toLowerCase(Locale.ROOT);
      String currency = required(text, lineNo, "quote_currency", f[4]);
      Row row =
          new Row(
              lineNo,
              market,
              symbol,
              type,
              currency,
              number(text, lineNo, "contract_multiplier", f[5]),
              number(text, lineNo, "minimum_price_variation", f[6]),
              number(text, lineNo, "lot_size", f[7]));
      String key = key(market, type, symbol.equals("[*]") ? symbol : SymbolIds.normalize(symbol));
      rows.putIfAbsent(key, row);
    }
    if (!header) {
      throw text.error(WHAT, "it has no header line (%s,...)", String.join(",", HEADER));
    }
    return new LeanSymbolProperties(text, Map.copyOf(rows));
  }

  private static String key(String market, String type, String symbol) {
    return market + "\u0000" + type + "\u0000" + symbol;
  }

  private static String required(ReferenceText text, int line, String field, String value) {
    String v = value.strip();
    if (v.isEmpty()) {
      throw text.error(WHAT, line, "field %s is empty", field);
    }
    return v;
  }

  private static BigDecimal number(ReferenceText text, int line, String field, String value) {
    String v = required(text, line, field, value);
    try {
      return new BigDecimal(v);
    } catch (NumberFormatException e) {
      throw text.error(WHAT, line, "field %s '%s' is not a number", field, v);
    }
  }

  /**
   * The attributes of {@code ticker} on {@code exchange}: its own row, else the {@code [*]} row of
   * the exchange's Lean market and type, else empty. The attributes carry the asset class of the
   * exchange, the quote currency, tick size, lot size and multiplier; no aliases.
   *
   * @throws TicklakeException of kind INPUT when the row's decimals do not fit ticklake's columns
   */
  public Optional<SymbolAttributes> find(String exchange, String ticker) {
    Optional<ExchangeInfo.LeanMarket> market = ExchangeInfo.leanMarket(exchange);
    if (market.isEmpty()) {
      return Optional.empty();
    }
    String m = market.get().market();
    String t = market.get().type();
    Row row = rows.get(key(m, t, SymbolIds.normalize(ticker)));
    if (row == null) {
      row = rows.get(key(m, t, "[*]"));
    }
    return row == null ? Optional.empty() : Optional.of(attributes(exchange, row));
  }

  /** The {@code [*]} defaults of an exchange's Lean market and type, if the database has them. */
  public Optional<SymbolAttributes> defaults(String exchange) {
    return ExchangeInfo.leanMarket(exchange)
        .map(m -> rows.get(key(m.market(), m.type(), "[*]")))
        .map(row -> attributes(exchange, row));
  }

  private SymbolAttributes attributes(String exchange, Row row) {
    String field = "minimum_price_variation";
    try {
      BigDecimal tick = SymbolAttributes.scaled("tick size", row.tickSize(), 9);
      field = "lot_size";
      BigDecimal lot = SymbolAttributes.scaled("lot size", row.lotSize(), 8);
      field = "contract_multiplier";
      BigDecimal multiplier = SymbolAttributes.scaled("multiplier", row.multiplier(), 8);
      return new SymbolAttributes(
          ExchangeInfo.assetClass(exchange).orElse(row.type()),
          row.quoteCurrency(),
          null,
          tick,
          lot,
          multiplier,
          null);
    } catch (IllegalArgumentException e) {
      throw text.error(WHAT, row.line(), "field %s: %s", field, e.getMessage());
    }
  }
}
