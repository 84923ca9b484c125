package io.ticklake.bronze.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeanTickReaderTest {
  private static final String IBM_TRADES = "lean/equity/usa/tick/ibm/20131007_trade.zip";
  private static final String IBM_QUOTES = "lean/equity/usa/tick/ibm/20131007_quote.zip";
  private static final String BAC_TRADES = "lean/equity/usa/tick/bac/20131010_trade.zip";

  private final LeanTickReader reader = new LeanTickReader();

  // ---- golden

  @Test
  void ibmTradesMatchGolden() throws IOException {
    CollectingSink sink = new CollectingSink();
    ReadSummary summary = reader.read(Golden.fixture(IBM_TRADES), sink);
    assertThat(sink.errors).isEmpty();
    assertThat(summary.dataType()).isEqualTo(DataType.TRADES);
    assertThat(summary.lines()).isEqualTo(200);
    assertThat(summary.rows()).isEqualTo(200);
    Golden.assertGolden("lean_ibm_20131007_trades.csv", Golden.trades(sink.trades));
  }

  @Test
  void ibmQuotesMatchGolden() throws IOException {
    CollectingSink sink = new CollectingSink();
    ReadSummary summary = reader.read(Golden.fixture(IBM_QUOTES), sink);
    assertThat(sink.errors).isEmpty();
    assertThat(summary.dataType()).isEqualTo(DataType.QUOTES);
    assertThat(summary.rows()).isEqualTo(224);
    Golden.assertGolden("lean_ibm_20131007_quotes.csv", Golden.quotes(sink.quotes));
  }

  @Test
  void bacTradesMatchGolden() throws IOException {
    CollectingSink sink = new CollectingSink();
    reader.read(Golden.fixture(BAC_TRADES), sink);
    assertThat(sink.errors).isEmpty();
    Golden.assertGolden("lean_bac_20131010_trades.csv", Golden.trades(sink.trades));
  }

  // ---- targeted

  @Test
  void firstIbmPrintIsExactInUtc() throws IOException {
    CollectingSink sink = new CollectingSink();
    reader.read(Golden.fixture(IBM_TRADES), sink);
    TradeRow first = sink.trades.get(0);
    // 14430270 ms = 04:00:30.270 EDT (UTC-4) on 2013-10-07
    assertThat(first.tsEvent()).isEqualTo(Instant.parse("2013-10-07T08:00:30.270Z"));
    assertThat(first.tsEventMicros()).isEqualTo(1_381_132_830_270_000L);
    assertThat(first.tsEventNanos()).isNull();
    assertThat(first.tsRecvMicros()).isNull();
    assertThat(first.symbol()).isEqualTo("IBM");
    assertThat(first.exchange()).isNull();
    assertThat(first.side()).isNull();
    assertThat(first.price()).isEqualByComparingTo("181.52");
    assertThat(first.price().scale()).isEqualTo(9);
    assertThat(first.price().toPlainString()).isEqualTo("181.520000000");
    assertThat(first.size().toPlainString()).isEqualTo("283.00000000");
    assertThat(first.venue()).isEqualTo("P");
    assertThat(first.line()).isEqualTo(1);
  }

  @Test
  void saleConditionKeepsFlagsAndRawText() throws IOException {
    CollectingSink sink = new CollectingSink();
    reader.read(Golden.fixture(IBM_TRADES), sink);
    TradeRow first = sink.trades.get(0);
    assertThat(first.saleConditionRaw()).isEqualTo("20002020");
    assertThat(first.saleCondition()).isEqualTo(0x20002020L);
    long tradeThroughExempt = 1L << 29;
    long intermarketSweep = 1L << 5;
    assertThat(first.saleCondition() & tradeThroughExempt).isNotZero();
    assertThat(first.saleCondition() & intermarketSweep).isNotZero();
    assertThat(first.suspicious()).isFalse();
    assertThat(sink.trades)
        .filteredOn(t -> t.saleConditionRaw().equals("4000000"))
        .singleElement()
        .satisfies(t -> assertThat(t.saleCondition()).isEqualTo(1L << 26));
  }

  @Test
  void identicalPrintsStayTwoRows() throws IOException {
    CollectingSink sink = new CollectingSink();
    reader.read(Golden.fixture(BAC_TRADES), sink);
    // lines 8..11 of BAC 2013-10-10 are four identical prints: 20486462,139900,100,P,2000,0
    List<TradeRow> same = sink.trades.subList(7, 11);
    assertThat(same).extracting(TradeRow::line).containsExactly(8L, 9L, 10L, 11L);
    assertThat(same)
        .allSatisfy(
            t -> {
              assertThat(t.tsEvent()).isEqualTo(Instant.parse("2013-10-10T09:41:26.462Z"));
              assertThat(t.price().toPlainString()).isEqualTo("13.990000000");
              assertThat(t.size().toPlainString()).isEqualTo("100.00000000");
              assertThat(t.venue()).isEqualTo("P");
              assertThat(t.saleConditionRaw()).isEqualTo("2000");
            });
  }

  @Test
  void oneSidedQuotesHaveNullSide() throws IOException {
    CollectingSink sink = new CollectingSink();
    reader.read(Golden.fixture(IBM_QUOTES), sink);
    QuoteRow askOnly = sink.quotes.get(0); // 14400054,0,0,1836300,100,Q,1,0
    assertThat(askOnly.bidPrice()).isNull();
    assertThat(askOnly.bidSize()).isNull();
    assertThat(askOnly.askPrice().toPlainString()).isEqualTo("183.630000000");
    assertThat(askOnly.askSize().toPlainString()).isEqualTo("100.00000000");
    QuoteRow bidOnly = sink.quotes.get(1); // 14400241,1800100,300,0,0,P,1,0
    assertThat(bidOnly.bidPrice().toPlainString()).isEqualTo("180.010000000");
    assertThat(bidOnly.askPrice()).isNull();
    assertThat(bidOnly.askSize()).isNull();
  }

  @Test
  void quoteConditionAndSuspiciousFlag() throws IOException {
    CollectingSink sink = new CollectingSink();
    reader.read(Golden.fixture(IBM_QUOTES), sink);
    // fixture line 208 = original line 922: 34216893,1820000,19300,0,0,N,800,0
    QuoteRow opening = sink.quotes.get(207);
    assertThat(opening.quoteConditionRaw()).isEqualTo("800");
    assertThat(opening.quoteCondition()).isEqualTo(0x800L);
    assertThat(opening.tsEvent()).isEqualTo(Instant.parse("2013-10-07T13:30:16.893Z"));
    // last line = the original's last: 72000122,0,0,1860000,100,P,1,1
    QuoteRow last = sink.quotes.get(sink.quotes.size() - 1);
    assertThat(last.suspicious()).isTrue();
    assertThat(last.tsEvent()).isEqualTo(Instant.parse("2013-10-08T00:00:00.122Z"));
  }

  @Test
  void sideWithOnlyOneZeroIsKeptAsWritten(@TempDir Path dir) throws IOException {
    Path zip =
        leanZip(
            dir,
            "ibm",
            "20131007",
            "quote",
            "20131007_ibm_Quote_Tick.csv",
            "34200000,0,100,1820000,0,Q,1,0\n34200001,0,0,0,0,Q,1,0\n");
    CollectingSink sink = new CollectingSink();
    reader.read(zip, sink);
    assertThat(sink.errors).isEmpty();
    QuoteRow odd = sink.quotes.get(0);
    assertThat(odd.bidPrice()).isEqualByComparingTo("0");
    assertThat(odd.bidSize()).isEqualByComparingTo("100");
    assertThat(odd.askPrice()).isEqualByComparingTo("182");
    assertThat(odd.askSize()).isEqualByComparingTo("0");
    QuoteRow empty = sink.quotes.get(1);
    assertThat(empty.bidPrice()).isNull();
    assertThat(empty.askPrice()).isNull();
  }

  // ---- time zone and DST

  @Test
  void fallBackDayUsesWallClockAndLaterOffsetForRepeatedHour(@TempDir Path dir) throws IOException {
    // 2013-11-03: clocks go back at 02:00 EDT to 01:00 EST; 01:30 happens twice.
    Path zip =
        leanZip(
            dir,
            "ibm",
            "20131103",
            "trade",
            "20131103_ibm_Trade_Tick.csv",
            String.join(
                "\n",
                "1800000,1815200,100,P,1,0", // 00:30 EDT
                "5400000,1815200,100,P,1,0", // 01:30 (repeated) -> the later, EST
                "10800000,1815200,100,P,1,0", // 03:00 EST (wall clock, not 3h elapsed)
                "43200000,1815200,100,P,1,0")); // 12:00 EST
    CollectingSink sink = new CollectingSink();
    reader.read(zip, sink);
    assertThat(sink.errors).isEmpty();
    assertThat(sink.trades)
        .extracting(TradeRow::tsEvent)
        .containsExactly(
            Instant.parse("2013-11-03T04:30:00Z"),
            Instant.parse("2013-11-03T06:30:00Z"),
            Instant.parse("2013-11-03T08:00:00Z"),
            Instant.parse("2013-11-03T17:00:00Z"));
  }

  @Test
  void springForwardDayMapsSkippedTimesToTheEndOfTheGap(@TempDir Path dir) throws IOException {
    // 2013-03-10: clocks jump from 02:00 EST to 03:00 EDT; 02:30 does not exist.
    Path zip =
        leanZip(
            dir,
            "ibm",
            "20130310",
            "trade",
            "20130310_ibm_Trade_Tick.csv",
            String.join(
                "\n",
                "7199999,1815200,100,P,1,0", // 01:59:59.999 EST
                "9000000,1815200,100,P,1,0", // 02:30 skipped -> 03:00 EDT
                "10800000,1815200,100,P,1,0", // 03:00 EDT
                "34200000,1815200,100,P,1,0")); // 09:30 EDT
    CollectingSink sink = new CollectingSink();
    reader.read(zip, sink);
    assertThat(sink.trades)
        .extracting(TradeRow::tsEvent)
        .containsExactly(
            Instant.parse("2013-03-10T06:59:59.999Z"),
            Instant.parse("2013-03-10T07:00:00Z"),
            Instant.parse("2013-03-10T07:00:00Z"),
            Instant.parse("2013-03-10T13:30:00Z"));
  }

  @Test
  void winterDateIsUtcMinusFive(@TempDir Path dir) throws IOException {
    Path zip =
        leanZip(
            dir,
            "spy",
            "20131202",
            "trade",
            "20131202_spy_Trade_Tick.csv",
            "34200000,1800000,1,Z,1,0\n");
    CollectingSink sink = new CollectingSink();
    reader.read(zip, sink);
    assertThat(sink.trades.get(0).tsEvent()).isEqualTo(Instant.parse("2013-12-02T14:30:00Z"));
    assertThat(sink.trades.get(0).symbol()).isEqualTo("SPY");
  }

  // ---- parse errors

  @Test
  void badFieldsBecomeErrorsWithFileLineAndField(@TempDir Path dir) throws IOException {
    Path zip =
        leanZip(
            dir,
            "ibm",
            "20131007",
            "trade",
            "20131007_ibm_Trade_Tick.csv",
            String.join(
                "\n",
                "14430270,1815200,283,P,20002020,0",
                "14430271,18x5200,283,P,20002020,0",
                "14430272,1815200,283,P,2000202G,0",
                "14430273,1815200,283,P,20002020,2",
                "86400000,1815200,283,P,20002020,0",
                "14430274,1815200,283,P,20002020",
                "14430275,1815200,283,P,20002020,0,extra",
                "",
                "14430276,1815200,NaN,P,20002020,0",
                "14430277,1815200.000001,1,P,1,0",
                "14430278,1815200,1,,1,0",
                "14430279,99999999999999,1,P,1,0",
                "14430280,-1815200,-5,P,1,0"));
    CollectingSink sink = new CollectingSink();
    ReadSummary summary = reader.read(zip, sink);
    assertThat(summary.lines()).isEqualTo(13);
    assertThat(summary.rows()).isEqualTo(2);
    assertThat(summary.errors()).isEqualTo(11);
    assertThat(sink.order).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L);
    assertThat(sink.errors)
        .extracting(ParseError::message)
        .containsExactly(
            "Cannot parse price '18x5200' at line 2 of 20131007_ibm_Trade_Tick.csv: not a number",
            "Cannot parse sale_condition '2000202G' at line 3 of 20131007_ibm_Trade_Tick.csv: not a"
                + " hexadecimal number",
            "Cannot parse suspicious '2' at line 4 of 20131007_ibm_Trade_Tick.csv: expected 0 or 1",
            "Cannot parse ts_event '86400000' at line 5 of 20131007_ibm_Trade_Tick.csv:"
                + " milliseconds since midnight must be in 0..86399999",
            "Cannot parse line 6 of 20131007_ibm_Trade_Tick.csv: expected 6 comma-separated"
                + " fields, found 5",
            "Cannot parse line 7 of 20131007_ibm_Trade_Tick.csv: expected 6 comma-separated"
                + " fields, found 7",
            "Cannot parse line 8 of 20131007_ibm_Trade_Tick.csv: the line is empty",
            "Cannot parse size 'NaN' at line 9 of 20131007_ibm_Trade_Tick.csv: not a number",
            "Cannot parse price '1815200.000001' at line 10 of 20131007_ibm_Trade_Tick.csv: needs"
                + " more than 9 decimal places",
            "Cannot parse venue '' at line 11 of 20131007_ibm_Trade_Tick.csv: value is empty",
            "Cannot parse price '99999999999999' at line 12 of 20131007_ibm_Trade_Tick.csv: does"
                + " not fit decimal(18,9)");
    ParseError first = sink.errors.get(0);
    assertThat(first.file()).isEqualTo(zip.toString());
    assertThat(first.line()).isEqualTo(2);
    assertThat(first.field()).isEqualTo("price");
    assertThat(first.rawValue()).isEqualTo("18x5200");
    assertThat(first.rawLine()).isEqualTo("14430271,18x5200,283,P,20002020,0");
    assertThat(sink.errors.get(4).field()).isNull();
    // negative numbers are values; validation (quarantine) rejects them, not the reader
    TradeRow negative = sink.trades.get(1);
    assertThat(negative.price().toPlainString()).isEqualTo("-181.520000000");
    assertThat(negative.size().toPlainString()).isEqualTo("-5.00000000");
  }

  // ---- file errors

  @Test
  void describeReadsSymbolDateAndTypeFromThePath() {
    LeanTickReader.TickFile file =
        LeanTickReader.describe(Path.of("/data/lean/equity/usa/tick/aig/20131009_quote.zip"));
    assertThat(file.symbol()).isEqualTo("AIG");
    assertThat(file.date()).isEqualTo(LocalDate.of(2013, 10, 9));
    assertThat(file.dataType()).isEqualTo(DataType.QUOTES);
    assertThat(file.entryName()).isEqualTo("20131009_aig_Quote_Tick.csv");
    assertThat(reader.dataType(Path.of("x/ibm/20131007_trade.zip"))).isEqualTo(DataType.TRADES);
  }

  @Test
  void badFileNamesAreRejected() {
    assertThatThrownBy(() -> LeanTickReader.describe(Path.of("x/ibm/20131007_trades.zip")))
        .isInstanceOf(FileFormatException.class)
        .hasMessage(
            "Cannot read 20131007_trades.zip: a Lean tick file must be named"
                + " <yyyymmdd>_trade.zip or <yyyymmdd>_quote.zip");
    assertThatThrownBy(() -> LeanTickReader.describe(Path.of("x/ibm/20131332_trade.zip")))
        .isInstanceOf(FileFormatException.class)
        .hasMessage("Cannot read 20131332_trade.zip: '20131332' is not a valid date");
  }

  @Test
  void entryNameMustMatchThePath(@TempDir Path dir) throws IOException {
    Path zip =
        leanZip(dir, "ibm", "20131007", "trade", "20131008_ibm_Trade_Tick.csv", "1,1,1,P,1,0\n");
    assertThatThrownBy(() -> reader.read(zip, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessage(
            "Cannot read 20131007_trade.zip: its entry '20131008_ibm_Trade_Tick.csv' does not match"
                + " the path (symbol IBM, date 2013-10-07, trades): expected"
                + " '20131007_ibm_Trade_Tick.csv'")
        .satisfies(
            e ->
                assertThat(((TicklakeException) e).kind()).isEqualTo(TicklakeException.Kind.INPUT));
    Path quote =
        leanZip(dir, "bac", "20131007", "quote", "20131007_bac_Trade_Tick.csv", "1,1,1,P,1,0\n");
    assertThatThrownBy(() -> reader.read(quote, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("expected '20131007_bac_Quote_Tick.csv'");
  }

  @Test
  void zipMustHoldExactlyOneEntry(@TempDir Path dir) throws IOException {
    Path folder = Files.createDirectories(dir.resolve("ibm"));
    Path two = folder.resolve("20131007_trade.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(two))) {
      for (String name : List.of("20131007_ibm_Trade_Tick.csv", "other.csv")) {
        out.putNextEntry(new ZipEntry(name));
        out.write("1,1,1,P,1,0\n".getBytes(StandardCharsets.US_ASCII));
        out.closeEntry();
      }
    }
    assertThatThrownBy(() -> reader.read(two, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessage(
            "Cannot read 20131007_trade.zip: the archive must hold exactly one CSV entry, found 2"
                + " [20131007_ibm_Trade_Tick.csv, other.csv]");
    Path none = folder.resolve("20131008_trade.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(none))) {
      out.setComment("empty");
    }
    assertThatThrownBy(() -> reader.read(none, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessage(
            "Cannot read 20131008_trade.zip: the archive must hold exactly one CSV entry, found 0"
                + " []");
  }

  @Test
  void notAZipAndEmptyFilesAreRejected(@TempDir Path dir) throws IOException {
    Path folder = Files.createDirectories(dir.resolve("ibm"));
    Path text = Files.writeString(folder.resolve("20131007_trade.zip"), "14430270,1,1,P,1,0\n");
    assertThatThrownBy(() -> reader.read(text, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageStartingWith("Cannot read 20131007_trade.zip: not a readable zip archive (");
    Path empty = Files.write(folder.resolve("20131008_trade.zip"), new byte[0]);
    assertThatThrownBy(() -> reader.read(empty, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessage("Cannot read 20131008_trade.zip: the file is empty (0 bytes)");
    assertThatThrownBy(
            () -> reader.read(folder.resolve("20131009_trade.zip"), new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageEndingWith("20131009_trade.zip: the file does not exist");
  }

  @Test
  void truncatedZipIsAFileError(@TempDir Path dir) throws IOException {
    byte[] whole = Files.readAllBytes(Golden.fixture(IBM_TRADES));
    Path folder = Files.createDirectories(dir.resolve("ibm"));
    Path cut = folder.resolve("20131007_trade.zip");
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> reader.read(cut, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageStartingWith("Cannot read 20131007_trade.zip: not a readable zip archive");
  }

  @Test
  void corruptDeflateDataIsAFileError(@TempDir Path dir) throws IOException {
    // Garble the compressed bytes but keep the zip directory intact.
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      csv.append(14430270 + i).append(",1815200,283,P,20002020,0\n");
    }
    Path zip =
        leanZip(dir, "ibm", "20131007", "trade", "20131007_ibm_Trade_Tick.csv", csv.toString());
    byte[] bytes = Files.readAllBytes(zip);
    for (int i = 200; i < 260; i++) {
      bytes[i] = (byte) 0xFF;
    }
    Files.write(zip, bytes);
    assertThatThrownBy(() -> reader.read(zip, new CollectingSink()))
        .isInstanceOf(FileFormatException.class)
        .hasMessageStartingWith(
            "Cannot read 20131007_ibm_Trade_Tick.csv: the compressed data is corrupt or truncated");
  }

  @Test
  void sinkExceptionsPropagateUnchanged() {
    RowSink failing =
        new RowSink() {
          @Override
          public void trade(TradeRow row) {
            throw new IllegalStateException("sink full");
          }

          @Override
          public void quote(QuoteRow row) {}

          @Override
          public void error(ParseError error) {}
        };
    assertThatThrownBy(() -> reader.read(Golden.fixture(IBM_TRADES), failing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("sink full");
  }

  @Test
  void streamsAMillionQuoteLines(@TempDir Path dir) throws IOException {
    Path folder = Files.createDirectories(dir.resolve("aig"));
    Path zip = folder.resolve("20131007_quote.zip");
    byte[] bid = "34200000,489600,5100,0,0,N,1,0\n".getBytes(StandardCharsets.US_ASCII);
    byte[] ask = "34200000,0,0,490000,200,N,1,0\n".getBytes(StandardCharsets.US_ASCII);
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(folder.resolve(zip)))) {
      out.putNextEntry(new ZipEntry("20131007_aig_Quote_Tick.csv"));
      for (int i = 0; i < 500_000; i++) {
        out.write(bid);
        out.write(ask);
      }
      out.closeEntry();
    }
    long[] counts = new long[3];
    RowSink counting =
        new RowSink() {
          @Override
          public void trade(TradeRow row) {
            counts[0]++;
          }

          @Override
          public void quote(QuoteRow row) {
            counts[1] += row.bidPrice() == null ? 0 : 1;
            counts[2] += row.askPrice() == null ? 0 : 1;
          }

          @Override
          public void error(ParseError error) {
            throw new AssertionError(error.message());
          }
        };
    ReadSummary summary = reader.read(zip, counting);
    assertThat(summary.rows()).isEqualTo(1_000_000);
    assertThat(counts).containsExactly(0, 500_000, 500_000);
  }

  @Test
  void rowsAreChecked() {
    BigDecimal price = new BigDecimal("1.000000000");
    BigDecimal size = new BigDecimal("1.00000000");
    assertThatThrownBy(
            () ->
                new TradeRow(
                    "IBM",
                    null,
                    0,
                    null,
                    null,
                    new BigDecimal("1.5"),
                    size,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("price must have scale 9, not 1: 1.5");
    assertThatThrownBy(
            () ->
                new TradeRow(
                    "IBM", null, 0, null, null, price, size, null, "BUY", null, null, null, null,
                    null, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("side must be buy, sell or unknown: BUY");
    assertThatThrownBy(
            () ->
                new QuoteRow(
                    "IBM", null, 0, null, null, price, null, null, null, null, null, null, null,
                    null, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bid price and size must both be set or both be null: 1.000000000, null");
    assertThatThrownBy(
            () ->
                new TradeRow(
                    "IBM", null, 5, 7000L, null, price, size, null, null, null, null, null, null,
                    null, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tsEventNanos 7000 is not the same instant as tsEventMicros 5");
  }

  // ---- helpers

  static Path leanZip(
      Path dir, String symbol, String date, String kind, String entry, String content)
      throws IOException {
    Path folder = Files.createDirectories(dir.resolve(symbol));
    Path zip = folder.resolve(date + "_" + kind + ".zip");
    try (OutputStream file = Files.newOutputStream(zip);
        ZipOutputStream out = new ZipOutputStream(file)) {
      out.putNextEntry(new ZipEntry(entry));
      out.write(content.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return zip;
  }
}
