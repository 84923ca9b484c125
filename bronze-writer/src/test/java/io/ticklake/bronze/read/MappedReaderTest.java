package io.ticklake.bronze.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedReaderTest {
  @TempDir Path dir;

  private static MappedReader reader(String mappingFixture) {
    return new MappedReader(ReaderMapping.load(Golden.fixture("mapped/" + mappingFixture)));
  }

  @Test
  void csvTradesWithHeaderMatchGolden() throws IOException {
    MappedReader reader = reader("acme_trades.json");
    assertThat(reader.vendor()).isEqualTo("csv:acme");
    assertThat(reader.dataType(Path.of("any"))).isEqualTo(DataType.TRADES);
    CollectingSink sink = new CollectingSink();
    ReadSummary summary = reader.read(Golden.fixture("mapped/acme_trades.csv"), sink);
    assertThat(sink.errors).isEmpty();
    assertThat(summary.lines()).isEqualTo(20);
    Golden.assertGolden("acme_trades.csv", Golden.trades(sink.trades));
  }

  @Test
  void jsonlQuotesWithPointersAndNanosMatchGolden() throws IOException {
    MappedReader reader = reader("acme_quotes.json");
    assertThat(reader.vendor()).isEqualTo("jsonl:acme");
    CollectingSink sink = new CollectingSink();
    reader.read(Golden.fixture("mapped/acme_quotes.jsonl"), sink);
    assertThat(sink.errors).isEmpty();
    Golden.assertGolden("acme_quotes.csv", Golden.quotes(sink.quotes));
    QuoteRow second = sink.quotes.get(1);
    assertThat(second.tsEventNanos()).isEqualTo(1_582_329_603_401_000_007L);
    assertThat(second.tsEventMicros()).isEqualTo(1_582_329_603_401_000L);
  }

  @Test
  void leanLikeLocalCsvEqualsTheLeanReader() throws IOException {
    CollectingSink mapped = new CollectingSink();
    reader("ibm_local_trades.json").read(Golden.fixture("mapped/ibm_local_trades.csv"), mapped);
    assertThat(mapped.errors).isEmpty();
    CollectingSink lean = new CollectingSink();
    new LeanTickReader().read(Golden.fixture("lean/equity/usa/tick/ibm/20131007_trade.zip"), lean);
    assertThat(mapped.trades).hasSize(30).isEqualTo(lean.trades.subList(0, 30));
  }

  @Test
  void gzipIsRecognised() throws IOException {
    Path gz = dir.resolve("acme.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(Golden.fixture("mapped/acme_trades.csv")));
    }
    CollectingSink plain = new CollectingSink();
    CollectingSink zipped = new CollectingSink();
    MappedReader reader = reader("acme_trades.json");
    reader.read(Golden.fixture("mapped/acme_trades.csv"), plain);
    reader.read(gz, zipped);
    assertThat(zipped.trades).isEqualTo(plain.trades).hasSize(20);
  }

  @Test
  void isoLocalTimesFollowTheWallClockRule() throws IOException {
    String mapping =
        """
        {"name": "local", "data_type": "trades",
         "fields": {"symbol": "s", "price": "p", "size": "q",
                    "ts_event": {"column": "t", "unit": "iso", "time_zone": "America/New_York"}}}
        """;
    Path csv =
        write(
            "local.csv",
            "s,t,p,q",
            "X,2013-11-03 01:30:00,1,1",
            "X,2013-03-10T02:30:00.5,1,1",
            "X,2013-10-07T09:30:00.123456789,1,1",
            "X,2013-10-07T09:30:00-04:00,1,1",
            "X,2013-10-07T13:30:00Z,1,1",
            "X,2013-02-30T09:30:00,1,1",
            "X,09:30:00,1,1");
    CollectingSink sink = new CollectingSink();
    new MappedReader(ReaderMapping.parse(mapping, "inline")).read(csv, sink);
    assertThat(sink.trades)
        .extracting(TradeRow::tsEvent)
        .containsExactly(
            Instant.parse("2013-11-03T06:30:00Z"),
            Instant.parse("2013-03-10T07:00:00Z"),
            Instant.parse("2013-10-07T13:30:00.123456789Z"),
            Instant.parse("2013-10-07T13:30:00Z"),
            Instant.parse("2013-10-07T13:30:00Z"));
    assertThat(sink.trades.get(2).tsEventNanos()).isEqualTo(1_381_152_600_123_456_789L);
    assertThat(sink.trades.get(3).tsEventNanos()).isNull();
    assertThat(sink.errors)
        .extracting(ParseError::message)
        .containsExactly(
            "Cannot parse ts_event '2013-02-30T09:30:00' at line 7 of local.csv: not an ISO-8601"
                + " date-time",
            "Cannot parse ts_event '09:30:00' at line 8 of local.csv: not an ISO-8601 date-time");
  }

  @Test
  void localTimeWithoutZoneIsAnError() throws IOException {
    String mapping =
        """
        {"name": "utc", "data_type": "trades",
         "fields": {"symbol": "s", "price": "p", "size": "q",
                    "ts_event": {"column": "t", "unit": "iso"}}}
        """;
    Path csv = write("t.csv", "s,t,p,q", "X,2013-10-07 09:30:00,1,1", "X,2013-10-07 09:30:00Z,1,1");
    CollectingSink sink = new CollectingSink();
    new MappedReader(ReaderMapping.parse(mapping, "inline")).read(csv, sink);
    assertThat(sink.trades).hasSize(1);
    assertThat(sink.errors)
        .extracting(ParseError::message)
        .containsExactly(
            "Cannot parse ts_event '2013-10-07 09:30:00' at line 2 of t.csv: has no offset and"
                + " the mapping declares no time_zone for it");
  }

  @Test
  void customPatternAndEpochUnits() throws IOException {
    String mapping =
        """
        {"name": "units", "data_type": "trades", "header": false, "delimiter": "\\t",
         "fields": {"symbol": {"value": "X"}, "price": 2, "size": 3,
                    "ts_event": {"column": 1, "unit": "s"},
                    "ts_recv": {"column": 4, "unit": "iso", "pattern": "yyyy/MM/dd HH:mm:ss.SSS",
                                "time_zone": "UTC"},
                    "vendor_seq": 5, "suspicious": 6,
                    "sale_condition": {"column": 7, "format": "decimal"}}}
        """;
    Path csv =
        write(
            "u.tsv",
            "1582329601.096\t1\t1\t2020/02/22 00:00:01.500\t7\ttrue\t12",
            "1582329601.0960001\t1\t1\t\t\t\t",
            "1582329601.0000000001\t1\t1\t\t\t\t",
            "1582329601\t1\t1\t2020-02-22\t\t\t",
            "1582329601\t1\t1\t\tx\t\t");
    CollectingSink sink = new CollectingSink();
    new MappedReader(ReaderMapping.parse(mapping, "inline")).read(csv, sink);
    assertThat(sink.trades).hasSize(2);
    TradeRow first = sink.trades.get(0);
    assertThat(first.tsEvent()).isEqualTo(Instant.parse("2020-02-22T00:00:01.096Z"));
    assertThat(first.tsEventNanos()).isNull();
    assertThat(first.tsRecvMicros()).isEqualTo(1_582_329_601_500_000L);
    assertThat(first.vendorSeq()).isEqualTo(7L);
    assertThat(first.suspicious()).isTrue();
    assertThat(first.saleCondition()).isEqualTo(12L);
    assertThat(first.saleConditionRaw()).isEqualTo("12");
    assertThat(first.symbol()).isEqualTo("X");
    TradeRow second = sink.trades.get(1);
    assertThat(second.tsEventNanos()).isEqualTo(1_582_329_601_096_000_100L);
    assertThat(second.tsRecvMicros()).isNull();
    assertThat(second.vendorSeq()).isNull();
    assertThat(second.suspicious()).isNull();
    assertThat(second.saleConditionRaw()).isNull();
    assertThat(sink.errors)
        .extracting(ParseError::message)
        .containsExactly(
            "Cannot parse ts_event '1582329601.0000000001' at line 3 of u.tsv: is finer than a"
                + " nanosecond",
            "Cannot parse ts_recv '2020-02-22' at line 4 of u.tsv: does not match the pattern"
                + " 'yyyy/MM/dd HH:mm:ss.SSS'",
            "Cannot parse vendor_seq 'x' at line 5 of u.tsv: not an integer");
  }

  @Test
  void quotedCsvFieldsTranslationsAndZeroSides() throws IOException {
    String mapping =
        """
        {"name": "q", "data_type": "quotes", "zero_side_absent": true,
         "fields": {"symbol": "sym", "ts_event": {"column": "ms", "unit": "ms"},
                    "bid_price": "bid", "bid_size": "bs", "ask_price": "ask", "ask_size": "as",
                    "venue": {"column": "venue", "values": {"NYSE": "N", "Nasdaq": "Q"}},
                    "quote_condition": {"column": "cond", "format": "hex"}}}
        """;
    Path csv =
        write(
            "q.csv",
            "sym,ms,bid,bs,ask,as,venue,cond",
            "\"BRK,A\",1381152600000, 181.5 ,100,0,0,NYSE,\"8\"",
            "IBM,1381152600000.0005,0,0,182,5,Nasdaq,800",
            "IBM,1381152600000,,,182,5,Z,1",
            "IBM,1381152600000,181,,182,5,Z,1",
            "IBM,1381152600000,181,1,182,5,\"Z,1",
            "IBM,1381152600000,181,1,182,5,Z",
            "IBM,1381152600000,181,1,182,5,Z,\"say \"\"hi\"\"\"");
    CollectingSink sink = new CollectingSink();
    ReadSummary summary = new MappedReader(ReaderMapping.parse(mapping, "inline")).read(csv, sink);
    assertThat(summary.lines()).isEqualTo(7);
    QuoteRow brk = sink.quotes.get(0);
    assertThat(brk.symbol()).isEqualTo("BRK,A");
    assertThat(brk.bidPrice().toPlainString()).isEqualTo("181.500000000");
    assertThat(brk.askPrice()).isNull();
    assertThat(brk.venue()).isEqualTo("N");
    assertThat(brk.quoteCondition()).isEqualTo(8L);
    QuoteRow ibm = sink.quotes.get(1);
    assertThat(ibm.bidPrice()).isNull();
    assertThat(ibm.venue()).isEqualTo("Q");
    assertThat(ibm.quoteCondition()).isEqualTo(0x800L);
    assertThat(ibm.tsEventNanos()).isEqualTo(1_381_152_600_000_000_500L);
    assertThat(sink.quotes.get(2).bidPrice()).isNull();
    assertThat(sink.errors)
        .extracting(ParseError::message)
        .containsExactly(
            "Cannot parse bid_size '' at line 5 of q.csv: the size is empty but the price is"
                + " '181.000000000'",
            "Cannot parse line 6 of q.csv: field 7 has an unclosed quote",
            "Cannot parse line 7 of q.csv: expected 8 fields as in the header, found 7",
            "Cannot parse quote_condition 'say \"hi\"' at line 8 of q.csv: not a hexadecimal"
                + " number");
  }

  @Test
  void jsonlLineErrors() throws IOException {
    Path jsonl =
        write(
            "bad.jsonl",
            "{\"sym\":\"X\",\"t_ns\":1,\"book\":{\"bid\":{\"px\":1,\"qty\":1}}}",
            "{\"sym\":\"X\",\"t_ns\":1,\"book\":{\"bid\":{\"px\":NaN,\"qty\":1}}}",
            "[1,2]",
            "{\"sym\":\"X\",\"t_ns\":1} trailing",
            "{\"sym\":{\"a\":1},\"t_ns\":1,\"book\":{\"bid\":{\"px\":1,\"qty\":1}}}",
            "{\"sym\":\"X\",\"t_ns\":1,\"book\":{\"bid\":{\"px\":1e-10,\"qty\":1}}}",
            "{\"t_ns\":1,\"book\":{\"bid\":{\"px\":1,\"qty\":1}}}",
            "{\"sym\":\"X\",\"t_ns\":1,\"book\":{\"bid\":{\"px\":1,\"px\":2,\"qty\":1}}}");
    CollectingSink sink = new CollectingSink();
    reader("acme_quotes.json").read(jsonl, sink);
    assertThat(sink.quotes).hasSize(1);
    assertThat(sink.quotes.get(0).askPrice()).isNull();
    List<String> messages = sink.errors.stream().map(ParseError::message).toList();
    assertThat(messages).hasSize(7);
    assertThat(messages.get(0)).startsWith("Cannot parse line 2 of bad.jsonl: not valid JSON (");
    assertThat(messages.get(1)).isEqualTo("Cannot parse line 3 of bad.jsonl: not a JSON object");
    assertThat(messages.get(2)).startsWith("Cannot parse line 4 of bad.jsonl: not valid JSON (");
    assertThat(messages.get(3))
        .isEqualTo(
            "Cannot parse symbol '{\"a\":1}' at line 5 of bad.jsonl: expected a single value, not"
                + " an object");
    assertThat(messages.get(4))
        .isEqualTo(
            "Cannot parse bid_price '1E-10' at line 6 of bad.jsonl: needs more than 9 decimal"
                + " places");
    assertThat(messages.get(5))
        .isEqualTo("Cannot parse symbol '' at line 7 of bad.jsonl: value is empty");
    // a key given twice: which price the vendor meant cannot be known
    assertThat(messages.get(6))
        .isEqualTo(
            "Cannot parse line 8 of bad.jsonl: not valid JSON (field 'px' appears more than once in"
                + " one object)");
  }

  @Test
  void jsonlUnpairedSurrogateEscapeIsAnErrorNotAQuestionMark() throws IOException {
    Path jsonl =
        write(
            "s.jsonl",
            "{\"sym\":\"\\ud800\",\"t_ns\":1,\"book\":{\"bid\":{\"px\":1,\"qty\":1}}}",
            "{\"sym\":\"\\u00e9\\ud83d\\ude00\",\"t_ns\":1,\"book\":{\"bid\":{\"px\":1,\"qty\":1}}}");
    CollectingSink sink = new CollectingSink();
    reader("acme_quotes.json").read(jsonl, sink);
    assertThat(sink.quotes).extracting(QuoteRow::symbol).containsExactly("\u00e9\ud83d\ude00");
    assertThat(sink.errors).hasSize(1);
    assertThat(sink.errors.get(0).line()).isEqualTo(1);
    assertThat(sink.errors.get(0).field()).isEqualTo("symbol");
    assertThat(sink.errors.get(0).message()).contains("not valid Unicode");
  }

  @Test
  void headerMustNameTheMappedColumns() throws IOException {
    Path csv = write("h.csv", "time;ticker;price;qty");
    assertThatThrownBy(() -> reader("acme_trades.json").read(csv, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessage(
            "Cannot read h.csv: its header lacks columns of mapping acme: 'recv_ns' for ts_recv,"
                + " 'px' for price, 'aggressor' for side, 'trade_id' for vendor_trade_id (columns:"
                + " [time, ticker, price, qty])");
    Path empty = Files.write(dir.resolve("e.csv"), new byte[0]);
    assertThatThrownBy(() -> reader("acme_trades.json").read(empty, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessage("Cannot read e.csv: the file is empty (0 bytes)");
    Path dup = write("d.csv", "time;ticker;px;px;qty;aggressor;trade_id;recv_ns");
    assertThatThrownBy(() -> reader("acme_trades.json").read(dup, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessage("Cannot read d.csv: its header names column 'px' more than once");
  }

  /**
   * A zip (or any binary file) given to a CSV mapping is named in printable text: the message of
   * its missing columns listed the "header" raw, control characters and invalid UTF-8 included,
   * into the terminal and the manifest's reason (seen with 'ticklake ingest --vendor csv' of a Lean
   * zip).
   */
  @Test
  void aBinaryFileIsRefusedInPrintableText() throws IOException {
    Path zip =
        Files.copy(
            Golden.fixture("lean/equity/usa/tick/ibm/20131007_trade.zip"), dir.resolve("z.csv"));
    assertThatThrownBy(() -> reader("acme_trades.json").read(zip, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageStartingWith(
            "Cannot read z.csv: its header lacks columns of mapping acme: 'ticker' for symbol")
        .hasMessageContaining("(columns: [PK\\x03\\x04")
        .satisfies(
            e -> {
              String m = e.getMessage();
              assertThat(m.chars()).noneMatch(c -> c < 0x20 || c == 0x7f || c == 0xfffd);
              assertThat(m.length()).isLessThan(1_000);
            });
  }

  private Path write(String name, String... lines) throws IOException {
    return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
  }
}
