package io.ticklake.bronze.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Golden files: parsed rows rendered as CSV lines (decimals as plain strings at their scale,
 * instants in UTC with microseconds, nulls empty) and compared with {@code
 * src/test/resources/golden}. The golden files are written by {@code golden/make_golden.py},
 * independently of the Java code.
 */
final class Golden {
  static final String TRADE_HEADER =
      "line,symbol,exchange,ts_event,ts_event_ns,ts_recv,price,size,venue,side,vendor_trade_id,"
          + "sale_condition,sale_condition_raw,suspicious,vendor_seq";
  static final String QUOTE_HEADER =
      "line,symbol,exchange,ts_event,ts_event_ns,ts_recv,bid_price,bid_size,ask_price,ask_size,"
          + "venue,quote_condition,quote_condition_raw,suspicious,vendor_seq";

  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Golden() {}

  /** A test resource as a path. */
  static Path resource(String name) {
    URL url = Golden.class.getResource("/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no test resource " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fixture file. */
  static Path fixture(String name) {
    return resource("fixtures/" + name);
  }

  /** The lines of a golden file, header first. */
  static List<String> golden(String name) throws IOException {
    try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no golden file " + name);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return List.of(text.split("\n"));
    }
  }

  static String micros(long epochMicros) {
    return MICROS.format(
        Instant.ofEpochSecond(
            Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1000));
  }

  static String trade(TradeRow r) {
    return join(
        r.line(),
        r.symbol(),
        r.exchange(),
        micros(r.tsEventMicros()),
        r.tsEventNanos(),
        r.tsRecvMicros() == null ? null : micros(r.tsRecvMicros()),
        r.price(),
        r.size(),
        r.venue(),
        r.side(),
        r.vendorTradeId(),
        r.saleCondition(),
        r.saleConditionRaw(),
        r.suspicious(),
        r.vendorSeq());
  }

  static String quote(QuoteRow r) {
    return join(
        r.line(),
        r.symbol(),
        r.exchange(),
        micros(r.tsEventMicros()),
        r.tsEventNanos(),
        r.tsRecvMicros() == null ? null : micros(r.tsRecvMicros()),
        r.bidPrice(),
        r.bidSize(),
        r.askPrice(),
        r.askSize(),
        r.venue(),
        r.quoteCondition(),
        r.quoteConditionRaw(),
        r.suspicious(),
        r.vendorSeq());
  }

  private static String join(Object... values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      Object v = values[i];
      if (v instanceof BigDecimal d) {
        sb.append(d.toPlainString());
      } else if (v != null) {
        String s = v.toString();
        if (s.contains(",") || s.contains("\"")) {
          s = "\"" + s.replace("\"", "\"\"") + "\"";
        }
        sb.append(s);
      }
    }
    return sb.toString();
  }

  /** Renders trades with the header, for comparison with a golden file. */
  static List<String> trades(List<TradeRow> rows) {
    List<String> out = new ArrayList<>();
    out.add(TRADE_HEADER);
    rows.forEach(r -> out.add(trade(r)));
    return out;
  }

  /** Renders quotes with the header, for comparison with a golden file. */
  static List<String> quotes(List<QuoteRow> rows) {
    List<String> out = new ArrayList<>();
    out.add(QUOTE_HEADER);
    rows.forEach(r -> out.add(quote(r)));
    return out;
  }

  /**
   * Asserts {@code actual} equals the golden file; on a difference writes the actual lines to
   * {@code target/golden-actual/<name>} for diffing.
   */
  static void assertGolden(String name, List<String> actual) throws IOException {
    List<String> expected = golden(name);
    if (!expected.equals(actual)) {
      Path out = Path.of("target", "golden-actual", name);
      Files.createDirectories(out.getParent());
      Files.write(out, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).as("golden file %s", name).containsExactlyElementsOf(expected);
  }
}
