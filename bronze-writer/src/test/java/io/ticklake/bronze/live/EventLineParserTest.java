package io.ticklake.bronze.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The writer's input lines: exact decimals, both timestamp forms, clear errors. */
class EventLineParserTest {
  private final EventLineParser json = new EventLineParser(EventLineParser.Format.JSONL);
  private final EventLineParser csv = new EventLineParser(EventLineParser.Format.CSV);

  @Test
  void parsesATradeWithStringAndNumberDecimalsExactly() throws Exception {
    TradeRow t =
        (TradeRow)
            json.parse(
                "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
                    + "\"ts\":\"2020-02-22T00:00:02.111Z\",\"price\":9682.1,"
                    + "\"size\":\"0.132\",\"side\":\"BUY\",\"id\":\"42377944\",\"seq\":17}",
                5);
    assertThat(t.price()).isEqualByComparingTo(new BigDecimal("9682.1"));
    assertThat(t.price().scale()).isEqualTo(9);
    assertThat(t.size()).isEqualTo(new BigDecimal("0.13200000"));
    assertThat(t.tsEventMicros()).isEqualTo(1_582_329_602_111_000L);
    assertThat(t.side()).isEqualTo("buy");
    assertThat(t.vendorSeq()).isEqualTo(17);
    assertThat(t.line()).isEqualTo(5);
  }

  @Test
  void aTradeIdGivenAsAJsonIntegerIsReadAsItsDigits() throws Exception {
    // exchanges (Binance's "t", Coinbase's "trade_id") and Tardis number their trades: the id as
    // a JSON number is the same id as its text, so both forms dedup against a Tardis file's rows
    String line =
        "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
            + "\"ts\":1582329602111000,\"price\":\"9682\",\"size\":\"0.132\",\"side\":\"buy\","
            + "\"id\":%s}";
    assertThat(((TradeRow) json.parse(String.format(line, "42377944"), 1)).vendorTradeId())
        .isEqualTo("42377944");
    assertThat(
            ((TradeRow) json.parse(String.format(line, "123456789012345678901234"), 1))
                .vendorTradeId())
        .isEqualTo("123456789012345678901234");
    assertThat(((TradeRow) json.parse(String.format(line, "-7"), 1)).vendorTradeId())
        .isEqualTo("-7");
    // a fraction or an exponent is no id: its text could be spelled several ways
    for (String notAnId : new String[] {"1.5", "1e3", "17.0", "true"}) {
      assertThatThrownBy(() -> json.parse(String.format(line, notAnId), 1))
          .isInstanceOf(EventLineException.class)
          .hasMessage("Cannot read id: not a string or a whole number");
    }
  }

  @Test
  void parsesAOneSidedQuoteWithEpochMicros() throws Exception {
    QuoteRow q =
        (QuoteRow)
            json.parse(
                "{\"type\":\"quote\",\"exchange\":\"x\",\"symbol\":\"S\",\"ts\":1582329602111000,"
                    + "\"ask_price\":\"1.5\",\"ask_size\":2,\"bid_price\":null,\"seq\":3}",
                1);
    assertThat(q.bidPrice()).isNull();
    assertThat(q.askSize()).isEqualTo(new BigDecimal("2.00000000"));
    assertThat(q.tsEventMicros()).isEqualTo(1_582_329_602_111_000L);
    Object c = csv.parse("quote,x,S,2020-02-22T00:00:02Z,4,,,,,1.0,3,,", 2);
    assertThat(((QuoteRow) c).askPrice()).isNull();
    assertThat(csv.parse(EventLineParser.CSV_HEADER, 1)).isNull();
    assertThat(json.parse("  ", 1)).isNull();
  }

  @Test
  void aTimeFinerThanMicrosecondsKeepsItsNanoseconds() throws Exception {
    // the brief's time rule: event times are µs, a source's finer precision is kept losslessly in
    // ts_event_ns; a nanosecond ISO time was a bad line, so a feed stamped in ns lost every event
    TradeRow t =
        (TradeRow)
            json.parse(
                "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
                    + "\"ts\":\"2020-02-22T00:00:02.111222333Z\",\"price\":1,\"size\":1}",
                1);
    assertThat(t.tsEventMicros()).isEqualTo(1_582_329_602_111_222L);
    assertThat(t.tsEventNanos()).isEqualTo(1_582_329_602_111_222_333L);
    QuoteRow q = (QuoteRow) csv.parse("quote,x,S,2020-02-22T00:00:02.0000001Z,4,,,,,1.0,3,,", 2);
    assertThat(q.tsEventMicros()).isEqualTo(1_582_329_602_000_000L);
    assertThat(q.tsEventNanos()).isEqualTo(1_582_329_602_000_000_100L);
    // whole microseconds keep no nanosecond column, as before
    TradeRow micro =
        (TradeRow)
            json.parse(
                "{\"type\":\"trade\",\"exchange\":\"x\",\"symbol\":\"S\","
                    + "\"ts\":\"2020-02-22T00:00:02.111222Z\",\"price\":1,\"size\":1}",
                1);
    assertThat(micro.tsEventNanos()).isNull();
    // before 1677 or after 2262 epoch nanoseconds do not fit a long: refused, never rounded
    assertThatThrownBy(
            () ->
                json.parse(
                    "{\"type\":\"trade\",\"exchange\":\"x\",\"symbol\":\"S\","
                        + "\"ts\":\"2300-01-01T00:00:00.000000001Z\",\"price\":1,\"size\":1}",
                    1))
        .isInstanceOf(EventLineException.class)
        .hasMessageContaining("Cannot read ts");
  }

  @Test
  void eventTimesOutsideTheYears1To9999AreRejected() throws Exception {
    String line =
        "{\"type\":\"trade\",\"exchange\":\"x\",\"symbol\":\"S\",\"ts\":%s,\"price\":1,"
            + "\"size\":1}";
    for (String ts :
        new String[] {
          "9223372036854775807",
          "253402300800000000",
          "\"+10000-01-01T00:00:00Z\"",
          "\"-0001-06-01T00:00:00Z\"",
          "-62135596800000001"
        }) {
      assertThatThrownBy(() -> json.parse(String.format(line, ts), 1))
          .as(ts)
          .isInstanceOf(EventLineException.class)
          .hasMessage("Cannot read ts: outside the years 1..9999");
    }
    assertThat(
            ((TradeRow) json.parse(String.format(line, "\"9999-12-31T23:59:59.999999Z\""), 1))
                .tsEventMicros())
        .isEqualTo(253_402_300_799_999_999L);
    assertThat(
            ((TradeRow) json.parse(String.format(line, "-62135596800000000"), 1)).tsEventMicros())
        .isEqualTo(-62_135_596_800_000_000L);
    assertThatThrownBy(() -> csv.parse("trade,x,S,+10000-01-01T00:00:00Z,1,1,1,,,,,,", 1))
        .hasMessage("Cannot read ts: outside the years 1..9999");
  }

  @Test
  void badLinesSayWhatIsWrong() {
    assertThatThrownBy(() -> json.parse("{\"type\":\"trade\"", 1))
        .isInstanceOf(EventLineException.class)
        .hasMessageStartingWith("Cannot parse the line as JSON");
    assertThatThrownBy(
            () ->
                json.parse(
                    "{\"type\":\"trade\",\"exchange\":\"x\",\"ts\":1,\"price\":1,\"size\":1}", 1))
        .isInstanceOf(EventLineException.class)
        .hasMessage("Cannot read symbol: missing");
    assertThatThrownBy(
            () ->
                json.parse(
                    "{\"type\":\"trade\",\"exchange\":\"x\",\"symbol\":\"S\",\"ts\":true,"
                        + "\"price\":1,\"size\":1}",
                    1))
        .isInstanceOf(EventLineException.class)
        .hasMessage("Cannot read ts: wrong type");
    assertThatThrownBy(
            () ->
                json.parse(
                    "{\"type\":\"trade\",\"exchange\":\"x\",\"symbol\":\"S\",\"ts\":1,"
                        + "\"price\":\"1.0000000001\",\"size\":1}",
                    1))
        .isInstanceOf(EventLineException.class)
        .hasMessage("Cannot read price: more than 9 decimal places");
    assertThatThrownBy(
            () ->
                json.parse(
                    "{\"type\":\"quote\",\"exchange\":\"x\",\"symbol\":\"S\",\"ts\":1,"
                        + "\"bid_price\":\"1\"}",
                    1))
        .isInstanceOf(EventLineException.class)
        .hasMessageContaining("bid price and size must both be set");
    assertThatThrownBy(() -> csv.parse("trade,x", 1))
        .isInstanceOf(EventLineException.class)
        .hasMessage("Cannot parse the line: 2 fields, expected 13");
  }

  @Test
  void aTimeThatIsNeitherIsoNorEpochMicrosSaysWhatTsMayBe() {
    // "2020-02-22 00:00:02.111" (a space for the T, as SQL prints times) was "not a number": it
    // starts with a digit, so it was read as epoch microseconds and the message named only those
    String line =
        "{\"type\":\"trade\",\"exchange\":\"x\",\"symbol\":\"S\",\"ts\":\"%s\","
            + "\"price\":1,\"size\":1}";
    for (String ts :
        new String[] {"2020-02-22 00:00:02.111", "2020-02-22", "20200222 000002", "1582329602x"}) {
      assertThatThrownBy(() -> json.parse(String.format(line, ts), 1))
          .isInstanceOf(EventLineException.class)
          .hasMessage("Cannot read ts: not an ISO-8601 instant or epoch microseconds");
      assertThatThrownBy(() -> csv.parse("trade,x,S," + ts + ",1,1,1,,,,,,", 1))
          .isInstanceOf(EventLineException.class)
          .hasMessage("Cannot read ts: not an ISO-8601 instant or epoch microseconds");
    }
  }

  /** The table and seq of a bad line, as its error carries them: "table/seq". */
  private static String identity(EventLineParser parser, String line) {
    try {
      parser.parse(line, 1);
    } catch (EventLineException e) {
      return e.table() + "/" + e.seq();
    }
    throw new AssertionError("not rejected: " + line);
  }

  @Test
  void aBadLineStillSaysItsTableAndSeqWhenTheyAreReadable() {
    String quote =
        "{\"type\":\"quote\",\"exchange\":\"x\",\"symbol\":\"S\",\"ts\":1,"
            + "\"bid_price\":1,\"bid_size\":1,\"seq\":12}";
    // valid JSON, one bad field: both readable, whatever the field order
    assertThat(identity(json, quote.replace("\"ts\":1", "\"ts\":true"))).isEqualTo("QUOTES/12");
    assertThat(identity(json, "{\"seq\":\"7\",\"type\":\"trade\",\"exchange\":\"x\"}"))
        .isEqualTo("TRADES/7");
    // cut off: the type before the break counts, a number at the very end does not
    assertThat(identity(json, quote.substring(0, quote.length() - 1))).isEqualTo("QUOTES/null");
    assertThat(identity(json, quote.substring(0, 20))).isEqualTo("QUOTES/null");
    assertThat(identity(json, quote.substring(0, 14))).isEqualTo("null/null");
    assertThat(identity(json, quote.replace("\"ts\":1,", "\"ts\":1,,"))).isEqualTo("QUOTES/null");
    // unreadable type or seq
    assertThat(identity(json, "not json")).isEqualTo("null/null");
    assertThat(identity(json, "[1,2]")).isEqualTo("null/null");
    assertThat(identity(json, quote.replace("quote", "Quote"))).isEqualTo("null/12");
    assertThat(identity(json, quote.replace("\"seq\":12", "\"seq\":1.5"))).isEqualTo("QUOTES/null");
    assertThat(identity(json, quote.replace("\"seq\":12", "\"seq\":{\"a\":1}")))
        .isEqualTo("QUOTES/null");
    // a later duplicate key wins, as in the parser's own reading
    assertThat(identity(json, "{\"type\":\"trade\",\"type\":\"quote\",\"seq\":3}"))
        .isEqualTo("QUOTES/3");
    // CSV: the seq only when the line has every field
    assertThat(identity(csv, "quote,x,S,2020-02-22T00:00:02Z,4,,,,,1.0,abc,,"))
        .isEqualTo("QUOTES/4");
    assertThat(identity(csv, "trade,x,S,2020-02-22T00:00:02Z,4,1")).isEqualTo("TRADES/null");
    assertThat(identity(csv, "nonsense")).isEqualTo("null/null");
  }

  @Test
  void trailingTextAfterTheObjectIsAnErrorNotSilentlyDropped() {
    String event =
        "{\"type\":\"trade\",\"exchange\":\"x\",\"symbol\":\"S\","
            + "\"ts\":1582329602111000,\"price\":1,\"size\":1,\"seq\":5}";
    assertThatThrownBy(() -> json.parse(event + " junk", 1))
        .isInstanceOf(EventLineException.class)
        .hasMessageStartingWith("Cannot parse the line as JSON");
    assertThatThrownBy(() -> json.parse(event + "{\"seq\":6}", 1))
        .isInstanceOf(EventLineException.class)
        .hasMessageStartingWith("Cannot parse the line as JSON");
    assertThatThrownBy(() -> json.parse(event + " junk", 1))
        .isInstanceOfSatisfying(EventLineException.class, e -> assertThat(e.seq()).isEqualTo(5L));
  }

  @Test
  void aKeyGivenTwiceIsAnErrorNotTheLastValue() {
    String event =
        "{\"type\":\"trade\",\"exchange\":\"x\",\"symbol\":\"S\","
            + "\"ts\":1582329602111000,\"price\":1,\"size\":1,\"price\":2,\"seq\":5}";
    assertThatThrownBy(() -> json.parse(event, 1))
        .isInstanceOf(EventLineException.class)
        .hasMessage(
            "Cannot parse the line as JSON: field 'price' appears more than once in one object");
  }

  @Test
  void anUnpairedSurrogateEscapeIsAnErrorNotAQuestionMark() throws Exception {
    String head = "{\"type\":\"trade\",\"exchange\":\"x\",\"symbol\":";
    String tail = ",\"ts\":1582329602111000,\"price\":1,\"size\":1,\"seq\":5}";
    assertThatThrownBy(() -> json.parse(head + "\"A\\ud800\"" + tail, 1))
        .isInstanceOf(EventLineException.class)
        .hasMessageContaining("symbol")
        .hasMessageContaining("not valid Unicode");
    TradeRow ok = (TradeRow) json.parse(head + "\"\\ud83d\\ude00\"" + tail, 1);
    assertThat(ok.symbol()).isEqualTo("\ud83d\ude00");
  }
}
