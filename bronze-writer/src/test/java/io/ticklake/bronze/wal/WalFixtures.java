package io.ticklake.bronze.wal;

import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Deterministic synthetic events for WAL tests. */
final class WalFixtures {
  private WalFixtures() {}

  static TradeRow trade(long i) {
    boolean odd = i % 2 == 1;
    return new TradeRow(
        "SYM" + (i % 7),
        odd ? "binance-futures" : null,
        1_700_000_000_000_000L + i,
        odd ? (1_700_000_000_000_000L + i) * 1000 + 7 : null,
        odd ? 1_700_000_000_000_100L + i : null,
        BigDecimal.valueOf(100_000_000_000L + i, 9),
        BigDecimal.valueOf(5_000_000L + i, 8),
        odd ? "P" : null,
        odd ? TradeRow.BUY : null,
        odd ? "t" + i : null,
        odd ? i : null,
        odd ? "20002020" : null,
        odd ? Boolean.FALSE : null,
        odd ? 10 * i : null,
        1);
  }

  static QuoteRow quote(long i) {
    boolean odd = i % 2 == 1;
    return new QuoteRow(
        "Q" + (i % 3),
        "us-equity",
        1_700_000_000_000_000L + i,
        null,
        null,
        BigDecimal.valueOf(99_000_000_000L + i, 9),
        BigDecimal.valueOf(100_000_000L, 8),
        odd ? BigDecimal.valueOf(101_000_000_000L + i, 9) : null,
        odd ? BigDecimal.valueOf(200_000_000L, 8) : null,
        "N",
        null,
        null,
        odd ? Boolean.TRUE : null,
        i,
        1);
  }

  static List<TradeRow> trades(long from, int n) {
    List<TradeRow> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(trade(from + i));
    }
    return rows;
  }

  static List<QuoteRow> quotes(long from, int n) {
    List<QuoteRow> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(quote(from + i));
    }
    return rows;
  }

  /** The trade as replayed with {@code seq}: the same event with the seq as its line. */
  static TradeRow withLine(TradeRow r, long seq) {
    return new TradeRow(
        r.symbol(),
        r.exchange(),
        r.tsEventMicros(),
        r.tsEventNanos(),
        r.tsRecvMicros(),
        r.price(),
        r.size(),
        r.venue(),
        r.side(),
        r.vendorTradeId(),
        r.saleCondition(),
        r.saleConditionRaw(),
        r.suspicious(),
        r.vendorSeq(),
        seq);
  }

  static QuoteRow withLine(QuoteRow r, long seq) {
    return new QuoteRow(
        r.symbol(),
        r.exchange(),
        r.tsEventMicros(),
        r.tsEventNanos(),
        r.tsRecvMicros(),
        r.bidPrice(),
        r.bidSize(),
        r.askPrice(),
        r.askSize(),
        r.venue(),
        r.quoteCondition(),
        r.quoteConditionRaw(),
        r.suspicious(),
        r.vendorSeq(),
        seq);
  }

  static WalOptions options(FsyncPolicy policy) {
    return WalOptions.defaults().withFsyncPolicy(policy).withSegmentBytes(1 << 20);
  }

  /** Every seq replayed above the watermark, in order. */
  static List<Long> replaySeqs(WalWriter wal, long watermark) {
    List<Long> seqs = new ArrayList<>();
    wal.replayTrades(watermark, r -> seqs.add(r.seq()));
    return seqs;
  }
}
