package io.ticklake.bronze.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TardisCsvReaderTest {
  private final TardisCsvReader reader = new TardisCsvReader();

  @TempDir Path dir;

  @Test
  void tradesMatchGolden() throws IOException {
    CollectingSink sink = new CollectingSink();
    ReadSummary summary = reader.read(Golden.fixture("tardis/tardis_trades.csv"), sink);
    assertThat(sink.errors).isEmpty();
    assertThat(summary.dataType()).isEqualTo(DataType.TRADES);
    assertThat(summary.lines()).isEqualTo(200);
    Golden.assertGolden("tardis_trades.csv", Golden.trades(sink.trades));
  }

  @Test
  void quotesMatchGolden() throws IOException {
    CollectingSink sink = new CollectingSink();
    ReadSummary summary = reader.read(Golden.fixture("tardis/tardis_quotes.csv"), sink);
    assertThat(sink.errors).isEmpty();
    assertThat(summary.dataType()).isEqualTo(DataType.QUOTES);
    Golden.assertGolden("tardis_quotes.csv", Golden.quotes(sink.quotes));
  }

  @Test
  void gzipEqualsPlain() throws IOException {
    for (String name : new String[] {"tardis_trades.csv", "tardis_quotes.csv"}) {
      CollectingSink plain = new CollectingSink();
      CollectingSink gzip = new CollectingSink();
      reader.read(Golden.fixture("tardis/" + name), plain);
      reader.read(Golden.fixture("tardis/" + name + ".gz"), gzip);
      assertThat(gzip.trades).isEqualTo(plain.trades);
      assertThat(gzip.quotes).isEqualTo(plain.quotes);
      assertThat(gzip.trades.size() + gzip.quotes.size()).isEqualTo(200);
    }
    assertThat(reader.dataType(Golden.fixture("tardis/tardis_quotes.csv.gz")))
        .isEqualTo(DataType.QUOTES);
    assertThat(reader.dataType(Golden.fixture("tardis/tardis_trades.csv")))
        .isEqualTo(DataType.TRADES);
  }

  @Test
  void firstTradeFields() throws IOException {
    CollectingSink sink = new CollectingSink();
    reader.read(Golden.fixture("tardis/tardis_trades.csv"), sink);
    // binance-futures,BTCUSDT,1582329602111000,1582329602418379,42377944,buy,9682,0.132
    TradeRow t = sink.trades.get(0);
    assertThat(t.line()).isEqualTo(2);
    assertThat(t.exchange()).isEqualTo("binance-futures");
    assertThat(t.symbol()).isEqualTo("BTCUSDT");
    assertThat(t.tsEvent()).isEqualTo(Instant.parse("2020-02-22T00:00:02.111Z"));
    assertThat(t.tsRecvMicros()).isEqualTo(1_582_329_602_418_379L);
    assertThat(t.vendorTradeId()).isEqualTo("42377944");
    assertThat(t.side()).isEqualTo("buy");
    assertThat(t.price().toPlainString()).isEqualTo("9682.000000000");
    assertThat(t.size().toPlainString()).isEqualTo("0.13200000");
    assertThat(sink.trades).extracting(TradeRow::side).contains("sell");
  }

  @Test
  void quoteColumnsAreMirrored() throws IOException {
    CollectingSink sink = new CollectingSink();
    reader.read(Golden.fixture("tardis/tardis_quotes.csv"), sink);
    // ask_amount,ask_price,bid_price,bid_amount = 0.84,9682,9681.83,0.003
    QuoteRow q = sink.quotes.get(1);
    assertThat(q.askSize().toPlainString()).isEqualTo("0.84000000");
    assertThat(q.askPrice().toPlainString()).isEqualTo("9682.000000000");
    assertThat(q.bidPrice().toPlainString()).isEqualTo("9681.830000000");
    assertThat(q.bidSize().toPlainString()).isEqualTo("0.00300000");
    assertThat(sink.quotes).allSatisfy(x -> assertThat(x.bidPrice()).isLessThan(x.askPrice()));
  }

  @Test
  void exactDecimalsScientificNotationAndEmptySides() throws IOException {
    Path csv =
        write(
            "q.csv",
            TardisCsvReader.QUOTES_HEADER,
            "deribit,BTC-PERPETUAL,1582329601096000,,1e-05,9682.5,,",
            "deribit,BTC-PERPETUAL,1582329601096001,1582329601096002,,,0.000000001,12345.12345678",
            "deribit,BTC-PERPETUAL,1582329601096002,,2.50000000000,0,-1,0");
    CollectingSink sink = new CollectingSink();
    reader.read(csv, sink);
    assertThat(sink.errors).isEmpty();
    QuoteRow askOnly = sink.quotes.get(0);
    assertThat(askOnly.askSize().toPlainString()).isEqualTo("0.00001000");
    assertThat(askOnly.askPrice().toPlainString()).isEqualTo("9682.500000000");
    assertThat(askOnly.bidPrice()).isNull();
    assertThat(askOnly.bidSize()).isNull();
    assertThat(askOnly.tsRecvMicros()).isNull();
    QuoteRow bidOnly = sink.quotes.get(1);
    assertThat(bidOnly.askPrice()).isNull();
    assertThat(bidOnly.bidPrice().toPlainString()).isEqualTo("0.000000001");
    assertThat(bidOnly.bidSize().toPlainString()).isEqualTo("12345.12345678");
    // zero and negative values are values: the validation rules judge them later
    QuoteRow odd = sink.quotes.get(2);
    assertThat(odd.askSize().toPlainString()).isEqualTo("2.50000000");
    assertThat(odd.askPrice().toPlainString()).isEqualTo("0.000000000");
    assertThat(odd.bidPrice().toPlainString()).isEqualTo("-1.000000000");
  }

  @Test
  void badValuesAreLineErrors() throws IOException {
    Path csv =
        write(
            "t.csv",
            TardisCsvReader.TRADES_HEADER,
            "binance-futures,BTCUSDT,1582329602111000,1582329602418379,1,buy,9682,0.132",
            "binance-futures,BTCUSDT,1582329602111000,1582329602418379,2,buy,NaN,0.132",
            "binance-futures,BTCUSDT,1582329602111000,1582329602418379,3,buy,9682,Infinity",
            "binance-futures,BTCUSDT,1582329602111000,1582329602418379,4,buy,9682,0.123456789",
            "binance-futures,BTCUSDT,1582329602111000,1582329602418379,5,hold,9682,1",
            "binance-futures,BTCUSDT,15823296021110x0,1582329602418379,6,buy,9682,1",
            "binance-futures,BTCUSDT,1582329602111000,1582329602418379,7,buy,1e400,1",
            "binance-futures,,1582329602111000,1582329602418379,8,buy,9682,1",
            "binance-futures,BTCUSDT,1582329602111000,1582329602418379,9,buy,9682",
            "binance-futures,BTC\u00e9,1582329602111000,,,unknown,9682,1");
    CollectingSink sink = new CollectingSink();
    ReadSummary summary = reader.read(csv, sink);
    assertThat(summary.lines()).isEqualTo(10);
    assertThat(summary.rows()).isEqualTo(2);
    assertThat(sink.errors)
        .extracting(ParseError::message)
        .containsExactly(
            "Cannot parse price 'NaN' at line 3 of t.csv: not a number",
            "Cannot parse size 'Infinity' at line 4 of t.csv: not a number",
            "Cannot parse size '0.123456789' at line 5 of t.csv: needs more than 8 decimal places",
            "Cannot parse side 'hold' at line 6 of t.csv: expected buy, sell or unknown",
            "Cannot parse ts_event '15823296021110x0' at line 7 of t.csv: not an integer",
            "Cannot parse price '1e400' at line 8 of t.csv: does not fit decimal(18,9)",
            "Cannot parse symbol '' at line 9 of t.csv: value is empty",
            "Cannot parse line 10 of t.csv: expected 8 comma-separated fields, found 7");
    TradeRow last = sink.trades.get(1);
    assertThat(last.symbol()).isEqualTo("BTC\u00e9");
    assertThat(last.vendorTradeId()).isNull();
    assertThat(last.side()).isEqualTo("unknown");
    assertThat(last.tsRecvMicros()).isNull();
  }

  @Test
  void halfQuotedSideIsAnError() throws IOException {
    Path csv =
        write(
            "q.csv",
            TardisCsvReader.QUOTES_HEADER,
            "deribit,BTC-PERPETUAL,1582329601096000,,1,,9681,2");
    CollectingSink sink = new CollectingSink();
    reader.read(csv, sink);
    assertThat(sink.errors)
        .extracting(ParseError::message)
        .containsExactly(
            "Cannot parse ask_price '' at line 2 of q.csv: the price is empty but the amount is"
                + " '1.00000000'");
  }

  @Test
  void invalidUtf8IsAFieldError() throws IOException {
    Path csv = dir.resolve("bad.csv");
    byte[] head =
        (TardisCsvReader.TRADES_HEADER + "\nbinance,BTC").getBytes(StandardCharsets.UTF_8);
    byte[] tail = ",1582329602111000,,1,buy,1,1\n".getBytes(StandardCharsets.UTF_8);
    byte[] all = Arrays.copyOf(head, head.length + 2 + tail.length);
    all[head.length] = (byte) 0xC3;
    all[head.length + 1] = (byte) 0x28;
    System.arraycopy(tail, 0, all, head.length + 2, tail.length);
    Files.write(csv, all);
    CollectingSink sink = new CollectingSink();
    reader.read(csv, sink);
    assertThat(sink.errors).hasSize(1);
    assertThat(sink.errors.get(0).message())
        .isEqualTo("Cannot parse symbol 'BTC\uFFFD(' at line 2 of bad.csv: not valid UTF-8");
  }

  @Test
  void headerDecidesTheFile() throws IOException {
    Path other = write("book.csv", "exchange,symbol,timestamp,local_timestamp,asks[0].price", "x");
    assertThatThrownBy(() -> reader.read(other, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessage(
            "Cannot read book.csv: its header 'exchange,symbol,timestamp,local_timestamp,"
                + "asks[0].price' is neither the Tardis trades header '"
                + TardisCsvReader.TRADES_HEADER
                + "' nor the quotes header '"
                + TardisCsvReader.QUOTES_HEADER
                + "'");
    // a zip given as a Tardis file: the message shows its bytes escaped, not raw
    Path zip = Files.write(dir.resolve("ticks.zip"), new byte[] {'P', 'K', 3, 4, 20, 0, '\n'});
    assertThatThrownBy(() -> reader.read(zip, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageStartingWith("Cannot read ticks.zip: its header 'PK\\x03\\x04\\x14\\x00' is");
    Path empty = Files.write(dir.resolve("empty.csv"), new byte[0]);
    assertThatThrownBy(() -> reader.read(empty, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessage("Cannot read empty.csv: the file is empty (0 bytes)");
    Path emptyGzip = dir.resolve("empty.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(emptyGzip))) {
      out.flush();
    }
    assertThatThrownBy(() -> reader.dataType(emptyGzip))
        .isInstanceOf(FileFormatException.class)
        .hasMessage("Cannot read empty.csv.gz: it has no header line");
  }

  @Test
  void headerOnlyFileHasNoRows() throws IOException {
    Path csv = write("h.csv", TardisCsvReader.TRADES_HEADER);
    CollectingSink sink = new CollectingSink();
    ReadSummary summary = reader.read(csv, sink);
    assertThat(summary).isEqualTo(new ReadSummary(csv.toString(), DataType.TRADES, 0, 0, 0));
  }

  @Test
  void crlfAndByteOrderMarkAreAccepted() throws IOException {
    Path csv = dir.resolve("crlf.csv");
    Files.write(
        csv,
        ("\uFEFF"
                + TardisCsvReader.TRADES_HEADER
                + "\r\nbinance-futures,BTCUSDT,1582329602111000,1582329602418379,1,sell,9682,0.1\r\n")
            .getBytes(StandardCharsets.UTF_8));
    CollectingSink sink = new CollectingSink();
    reader.read(csv, sink);
    assertThat(sink.errors).isEmpty();
    assertThat(sink.trades.get(0).size().toPlainString()).isEqualTo("0.10000000");
  }

  @Test
  void truncatedGzipIsAFileError() throws IOException {
    byte[] whole = Files.readAllBytes(Golden.fixture("tardis/tardis_trades.csv.gz"));
    Path cut = Files.write(dir.resolve("cut.csv.gz"), Arrays.copyOf(whole, whole.length - 100));
    CollectingSink sink = new CollectingSink();
    assertThatThrownBy(() -> reader.read(cut, sink))
        .isInstanceOf(FileFormatException.class)
        .hasMessageStartingWith(
            "Cannot read cut.csv.gz: the compressed data is corrupt or truncated after line");
    Path header = Files.write(dir.resolve("header.csv.gz"), Arrays.copyOf(whole, 5));
    assertThatThrownBy(() -> reader.read(header, sink))
        .isInstanceOf(FileFormatException.class)
        .hasMessageStartingWith("Cannot read header.csv.gz: the gzip header is corrupt");
  }

  @Test
  void concatenatedGzipMembersAreReadAndDataAfterTheLastMemberIsAFileError() throws IOException {
    String head = TardisCsvReader.TRADES_HEADER + "\n";
    String row = "binance-futures,BTCUSDT,1582329602111000,1582329602418379,1,sell,9682,0.1\n";
    byte[] first = gzip(head + row);
    byte[] second = gzip(row + row);
    Path both = Files.write(dir.resolve("both.csv.gz"), concat(first, second));
    CollectingSink sink = new CollectingSink();
    reader.read(both, sink);
    assertThat(sink.trades).hasSize(3);
    assertThat(sink.errors).isEmpty();
    // rows appended in plain text after the member were silently dropped: file "ingested", 1 row
    Path plainTail =
        Files.write(
            dir.resolve("tail.csv.gz"), concat(first, row.getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> reader.read(plainTail, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageStartingWith("Cannot read tail.csv.gz: the compressed data is corrupt");
    // a second member cut inside its header was silently dropped as well
    Path cutHeader =
        Files.write(dir.resolve("cut2.csv.gz"), concat(first, Arrays.copyOf(second, 6)));
    assertThatThrownBy(() -> reader.read(cutHeader, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageStartingWith("Cannot read cut2.csv.gz: the compressed data is corrupt");
  }

  private static byte[] gzip(String text) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void overlongLineIsOneError() throws IOException {
    String huge = "x".repeat(LineSource.MAX_LINE_BYTES + 10);
    Path csv =
        write(
            "long.csv",
            TardisCsvReader.TRADES_HEADER,
            huge,
            "binance-futures,BTCUSDT,1582329602111000,1582329602418379,1,sell,9682,0.1");
    CollectingSink sink = new CollectingSink();
    reader.read(csv, sink);
    assertThat(sink.trades).hasSize(1);
    assertThat(sink.trades.get(0).line()).isEqualTo(3);
    assertThat(sink.errors).hasSize(1);
    ParseError e = sink.errors.get(0);
    assertThat(e.message())
        .isEqualTo(
            "Cannot parse line 2 of long.csv: the line is longer than 1048576 bytes (1048586)");
    assertThat(e.rawLine())
        .hasSize(ParseError.MAX_RAW_LINE + "…[truncated, 1048586 bytes]".length());
    assertThat(e.rawLine()).endsWith("…[truncated, 1048586 bytes]");
  }

  private Path write(String name, String... lines) throws IOException {
    return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
  }
}
