package io.ticklake.catalog.dim;

import io.ticklake.catalog.contract.TableContracts;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The descriptive attributes of one symbol version: what may change over an instrument's life
 * besides its ticker. A change of any of them makes a new SCD2 version.
 *
 * <p>Every field may be null. In a stored version null means unknown; in reference data being
 * loaded it means "the source does not say", and the stored value is kept (see {@link
 * #overriddenBy}). Decimals are normalised to the scale of their column ({@code tick_size} 9,
 * {@code lot_size} and {@code multiplier} 8) and must be positive; a value that needs rounding to
 * fit is refused, never rounded. Aliases are kept sorted and without duplicates.
 *
 * @param assetClass asset class, e.g. {@code equity}, {@code crypto}, {@code crypto-future}
 * @param currency quote currency, e.g. {@code USD}, {@code USDT}
 * @param baseCurrency base currency of a pair, e.g. {@code BTC}
 * @param tickSize minimum price variation
 * @param lotSize minimum size increment
 * @param multiplier contract multiplier
 * @param aliases other spellings that resolve to this instrument, e.g. {@code BTC-USDT}
 */
public record SymbolAttributes(
    String assetClass,
    String currency,
    String baseCurrency,
    BigDecimal tickSize,
    BigDecimal lotSize,
    BigDecimal multiplier,
    List<String> aliases) {

  /** Nothing known. */
  public static final SymbolAttributes UNKNOWN =
      new SymbolAttributes(null, null, null, null, null, null, null);

  /**
   * Normalises the decimals and aliases.
   *
   * @throws IllegalArgumentException when a decimal is not positive or needs rounding, or an alias
   *     is blank
   */
  public SymbolAttributes {
    assetClass = blankToNull(assetClass);
    currency = blankToNull(currency);
    baseCurrency = blankToNull(baseCurrency);
    tickSize = scaled("tick size", tickSize, TableContracts.PRICE.scale());
    lotSize = scaled("lot size", lotSize, TableContracts.SIZE.scale());
    multiplier = scaled("multiplier", multiplier, TableContracts.SIZE.scale());
    if (aliases != null) {
      TreeSet<String> sorted = new TreeSet<>();
      for (String alias : aliases) {
        if (alias == null || alias.isBlank()) {
          throw new IllegalArgumentException("an alias is blank");
        }
        sorted.add(alias.strip());
      }
      aliases = List.copyOf(sorted);
    }
  }

  /**
   * Scales a decimal to a column's scale without rounding.
   *
   * @throws IllegalArgumentException naming {@code what} when the value is not positive or has more
   *     fractional digits than the scale, or too many integer digits for 18 digits in total
   */
  static BigDecimal scaled(String what, BigDecimal value, int scale) {
    if (value == null) {
      return null;
    }
    if (value.signum() <= 0) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "%s %s is not positive",
              what,
              value.stripTrailingZeros().toPlainString()));
    }
    BigDecimal scaled;
    try {
      scaled = value.setScale(scale, RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "%s %s has more than %d decimal places",
              what,
              value.stripTrailingZeros().toPlainString(),
              scale),
          e);
    }
    if (scaled.precision() > 18) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "%s %s has more than %d integer digits",
              what,
              value.stripTrailingZeros().toPlainString(),
              18 - scale));
    }
    return scaled;
  }

  /** These attributes with every non-null field of {@code update} taking precedence. */
  public SymbolAttributes overriddenBy(SymbolAttributes update) {
    return new SymbolAttributes(
        update.assetClass != null ? update.assetClass : assetClass,
        update.currency != null ? update.currency : currency,
        update.baseCurrency != null ? update.baseCurrency : baseCurrency,
        update.tickSize != null ? update.tickSize : tickSize,
        update.lotSize != null ? update.lotSize : lotSize,
        update.multiplier != null ? update.multiplier : multiplier,
        update.aliases != null ? update.aliases : aliases);
  }

  /** The aliases, or an empty list when unknown. */
  public List<String> aliasList() {
    return aliases == null ? List.of() : aliases;
  }

  /** A copy with other aliases. */
  public SymbolAttributes withAliases(List<String> newAliases) {
    return new SymbolAttributes(
        assetClass, currency, baseCurrency, tickSize, lotSize, multiplier, newAliases);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
