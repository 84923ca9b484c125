package io.ticklake.bronze.read;

/**
 * Receives what a {@link VendorReader} makes of each data line, in file order: exactly one call per
 * line, either a row or an error. A trades file only calls {@link #trade} and {@link #error}, a
 * quotes file only {@link #quote} and {@link #error}. An exception thrown by the sink stops the
 * read and propagates unchanged.
 */
public interface RowSink {
  /** A parsed trade. */
  void trade(TradeRow row);

  /** A parsed quote update. */
  void quote(QuoteRow row);

  /** A line that could not be parsed. */
  void error(ParseError error);
}
