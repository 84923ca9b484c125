package io.ticklake.bronze.read;

import java.util.ArrayList;
import java.util.List;

/** A sink that keeps everything, in order, for assertions. */
final class CollectingSink implements RowSink {
  final List<TradeRow> trades = new ArrayList<>();
  final List<QuoteRow> quotes = new ArrayList<>();
  final List<ParseError> errors = new ArrayList<>();
  final List<Long> order = new ArrayList<>();

  @Override
  public void trade(TradeRow row) {
    trades.add(row);
    order.add(row.line());
  }

  @Override
  public void quote(QuoteRow row) {
    quotes.add(row);
    order.add(row.line());
  }

  @Override
  public void error(ParseError error) {
    errors.add(error);
    order.add(error.line());
  }
}
