package io.ticklake.bronze.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.bronze.wal.FsyncPolicy;
import io.ticklake.bronze.wal.WalOptions;
import io.ticklake.bronze.wal.WalRows;
import io.ticklake.bronze.wal.WalTable;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSONL scanner of {@link EventBatcher} must accept and reject exactly the lines {@link
 * EventLineParser} does, with the same values and the same error messages: each line goes through
 * both and the resulting batch row is compared column by column with the parser's row.
 */
class EventBatcherTest {
  @TempDir Path dir;

  static final String TRADE =
      "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
          + "\"ts\":\"2020-02-22T00:00:02.111Z\",\"price\":\"9682.00\",\"size\":\"0.132\","
          + "\"side\":\"buy\",\"id\":\"42377944\",\"seq\":17}";
  static final String QUOTE =
      "{\"type\":\"quote\",\"exchange\":\"binance-futures\",\"symbol\":\"ETHUSDT\","
          + "\"ts\":1582329602111000,\"bid_price\":\"250.00\",\"bid_size\":\"1.5\","
          + "\"ask_price\":250.01,\"ask_size\":2,\"seq\":18}";

  static List<String> lines() {
    List<String> l = new ArrayList<>();
    l.add(TRADE);
    l.add(QUOTE);
    l.add("");
    l.add("   ");
    l.add("{}");
    l.add("[1,2]");
    l.add("not json");
    l.add(TRADE + " x");
    l.add(TRADE.substring(0, TRADE.length() - 1));
    l.add(" " + TRADE.replace(",", " , ").replace(":", " : ") + " ");
    // keys given twice are bad lines, known or not; many keys outside the schema are fine
    l.add(TRADE.replace("\"seq\":17", "\"price\":\"1.00\",\"seq\":17"));
    l.add(TRADE.replace("{", "{\"local\":1,\"note\":\"a\",\"local\":2,"));
    l.add(TRADE.replace("{", "{\"local\":1,\"note\":\"a\",\"locals\":2,"));
    StringBuilder many = new StringBuilder("{");
    for (int k = 0; k < 12; k++) {
      many.append("\"x").append(k).append("\":").append(k).append(',');
    }
    l.add(TRADE.replace("{", many));
    l.add(TRADE.replace("{", many + "\"x3\":0,"));
    // values of every shape in every field
    String[] values = {
      "\"9682.5\"",
      "9682.5",
      "\"-1.25\"",
      "-1.25",
      "1e3",
      "\"1e3\"",
      "\"+1\"",
      "\"0.1234567891\"",
      "\"1.000000000000\"",
      "\"1234567890123456789\"",
      "123456789.123456789",
      "\"123456789.123456789\"",
      "\"1234567890.12345678\"",
      "\"12345678901\"",
      "null",
      "true",
      "{\"a\":1}",
      "\"\"",
      "\" \"",
      "\"BUY\"",
      "\"Sell\"",
      "\"unknown\"",
      "\"maybe\"",
      "0",
      "-0",
      "01",
      "\"007\"",
      "\"a\\\"b\"",
      "\"caf\u00e9\"",
      "\"\\u00e9\"",
      "99999999999999999999",
      "\"2020-02-22T00:00:02Z\"",
      "\"2020-02-22T00:00:02.123456Z\"",
      "\"2020-02-22T00:00:02.123456789Z\"",
      "\"2020-02-22T00:00:02.123456000Z\"",
      "\"2020-02-30T00:00:02Z\"",
      "\"2020-02-22T24:00:02Z\"",
      "\"2020-02-22 00:00:02Z\"",
      "\"2020-02-22T00:00:02+01:00\"",
      "\"9999-12-31T23:59:59.999999Z\"",
      "\"+10000-01-01T00:00:00Z\"",
      "\"0001-01-01T00:00:00Z\"",
      "\"-0001-06-01T00:00:00Z\"",
      "253402300799999999",
      "253402300800000000",
      "\"999999999999999999\"",
      "-62135596800000001",
      "\"1582329602111000\"",
      "\"1582329602111000.0\"",
      "1582329602111000.0",
      "-5",
      "1.5",
      "\"trade\"",
      "\"quote\"",
      "\"bar\"",
      "17",
      "\"17\"",
      "\"-17\"",
      "17.0"
    };
    String[] keys = {
      "type", "exchange", "symbol", "ts", "price", "size", "side", "id", "seq", "venue", "other"
    };
    for (String k : keys) {
      for (String v : values) {
        l.add(set(TRADE, k, v));
        l.add(drop(TRADE, k));
      }
    }
    String[] qkeys = {"bid_price", "bid_size", "ask_price", "ask_size", "ts", "seq", "price"};
    for (String k : qkeys) {
      for (String v : values) {
        l.add(set(QUOTE, k, v));
        l.add(drop(QUOTE, k));
      }
    }
    l.add(QUOTE.replace("\"bid_price\":\"250.00\",\"bid_size\":\"1.5\",", ""));
    l.add(TRADE.replace("\"seq\":17}", "\"seq\":17,\"seq\":19}"));
    // random mutations of valid lines: cut, duplicate or swap characters
    Random r = new Random(42);
    for (int i = 0; i < 2000; i++) {
      StringBuilder b = new StringBuilder(r.nextBoolean() ? TRADE : QUOTE);
      int p = r.nextInt(b.length());
      switch (r.nextInt(4)) {
        case 0 -> b.deleteCharAt(p);
        case 1 -> b.insert(p, b.charAt(r.nextInt(b.length())));
        case 2 -> b.setCharAt(p, "0123456789.-e\"\\,:{} Tz".charAt(r.nextInt(22)));
        default -> b.setLength(p);
      }
      l.add(b.toString());
    }
    return l;
  }

  /** The line with key k set to raw JSON value v (added if absent). */
  static String set(String line, String k, String v) {
    String d = drop(line, k);
    return d.substring(0, d.length() - 1) + ",\"" + k + "\":" + v + "}";
  }

  static String drop(String line, String k) {
    return line.replaceAll("\"" + k + "\":(\"[^\"]*\"|[^,}]*),?", "").replace(",}", "}");
  }

  @Test
  void scannerAndParserAgreeOnEveryLine() {
    try (Warehouse warehouse = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      new LakeInitializer(warehouse).commit();
      BronzeWriterOptions o =
          BronzeWriterOptions.of("eq")
              .withWal(WalOptions.defaults().withFsyncPolicy(FsyncPolicy.OS))
              .withFlush(Duration.ofMinutes(10), 1_000_000);
      EventLineParser parser = new EventLineParser(EventLineParser.Format.JSONL);
      int accepted = 0;
      int rejected = 0;
      try (BronzeWriter w =
              BronzeWriter.open(warehouse, ExchangeTable.load(warehouse.catalog()), o);
          VectorSchemaRoot expectTrades = w.newBatch(WalTable.TRADES);
          VectorSchemaRoot expectQuotes = w.newBatch(WalTable.QUOTES)) {
        for (String line : lines()) {
          Object expected;
          String error = null;
          try {
            expected = parser.parse(line, 1);
          } catch (EventLineException e) {
            expected = null;
            error = e.getMessage() + " [" + e.field() + "=" + e.value() + "]";
          }
          try (EventBatcher batcher =
              new EventBatcher(
                  w, EventLineParser.Format.JSONL, 4, Long.MIN_VALUE, Long.MIN_VALUE)) {
            EventBatcher.Outcome outcome;
            try {
              outcome = batcher.add(line, 1);
            } catch (EventLineException e) {
              assertThat(e.getMessage() + " [" + e.field() + "=" + e.value() + "]")
                  .as(line)
                  .isEqualTo(error);
              assertThat(batcher.pending()).as(line).isZero();
              rejected++;
              continue;
            }
            assertThat(error).as(line).isNull();
            if (expected instanceof TradeRow t) {
              assertThat(outcome).as(line).isEqualTo(EventBatcher.Outcome.TRADE);
              WalRows.setTrade(expectTrades, 0, t);
              expectTrades.setRowCount(1);
              assertSameRow(line, expectTrades, batcher.batch(WalTable.TRADES));
              accepted++;
            } else if (expected instanceof QuoteRow q) {
              assertThat(outcome).as(line).isEqualTo(EventBatcher.Outcome.QUOTE);
              WalRows.setQuote(expectQuotes, 0, q);
              expectQuotes.setRowCount(1);
              assertSameRow(line, expectQuotes, batcher.batch(WalTable.QUOTES));
              accepted++;
            } else {
              assertThat(outcome).as(line).isEqualTo(EventBatcher.Outcome.SKIPPED);
            }
            Long seq =
                expected instanceof TradeRow t
                    ? t.vendorSeq()
                    : expected instanceof QuoteRow q ? q.vendorSeq() : null;
            assertThat(batcher.lastSeq()).as(line).isEqualTo(seq == null ? -1L : seq.longValue());
          }
        }
      }
      assertThat(accepted).isGreaterThan(300);
      assertThat(rejected).isGreaterThan(300);
    }
  }

  @Test
  void eventsAtOrBelowTheResumePointAreDropped() throws Exception {
    try (Warehouse warehouse = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      new LakeInitializer(warehouse).commit();
      BronzeWriterOptions o =
          BronzeWriterOptions.of("rs")
              .withWal(WalOptions.defaults().withFsyncPolicy(FsyncPolicy.OS))
              .withFlush(Duration.ofMinutes(10), 1_000_000);
      try (BronzeWriter w =
              BronzeWriter.open(warehouse, ExchangeTable.load(warehouse.catalog()), o);
          EventBatcher b = new EventBatcher(w, EventLineParser.Format.JSONL, 4, 17, 17)) {
        assertThat(b.add(TRADE, 1)).isEqualTo(EventBatcher.Outcome.ALREADY_COMMITTED);
        assertThat(b.add(QUOTE, 2)).isEqualTo(EventBatcher.Outcome.QUOTE);
        // a bad line is an error even when its seq was committed, as with the parser alone
        assertThatThrownBy(() -> b.add(TRADE.replace("9682.00", "9682.0000000001"), 3))
            .isInstanceOf(EventLineException.class)
            .hasMessage("Cannot read price: more than 9 decimal places");
        assertThat(b.pending()).isEqualTo(1);
        assertThat(b.lastSeq()).isEqualTo(18);
        b.appendPending();
        assertThat(b.pending()).isZero();
        w.flush();
        assertThat(w.committedRows(WalTable.QUOTES)[0]).isEqualTo(1);
      }
    }
  }

  private static void assertSameRow(String line, VectorSchemaRoot expected, VectorSchemaRoot got) {
    assertThat(got.getRowCount()).as(line).isEqualTo(1);
    for (FieldVector e : expected.getFieldVectors()) {
      String name = e.getName();
      if (name.equals(WalTable.WAL_SEQ) || name.equals(WalTable.RECEIVED_AT)) {
        continue;
      }
      assertThat(String.valueOf(got.getVector(name).getObject(0)))
          .as(String.format(Locale.ROOT, "%s: %s", name, line))
          .isEqualTo(String.valueOf(e.getObject(0)));
    }
  }
}
