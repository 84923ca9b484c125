package io.ticklake.bronze.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.bronze.read.ReaderMapping.ConditionFormat;
import io.ticklake.bronze.read.ReaderMapping.Field;
import io.ticklake.bronze.read.ReaderMapping.FieldSpec;
import io.ticklake.bronze.read.ReaderMapping.Format;
import io.ticklake.bronze.read.ReaderMapping.TimeUnit;
import io.ticklake.catalog.TicklakeException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReaderMappingTest {
  @Test
  void loadsTheDocumentedExample() {
    ReaderMapping m = ReaderMapping.load(Golden.fixture("mapped/ibm_local_trades.json"));
    assertThat(m.name()).isEqualTo("lean-like");
    assertThat(m.format()).isEqualTo(Format.CSV);
    assertThat(m.dataType()).isEqualTo(DataType.TRADES);
    assertThat(m.header()).isFalse();
    assertThat(m.delimiter()).isEqualTo(',');
    FieldSpec ts = m.fields().get(Field.TS_EVENT);
    assertThat(ts.index()).isEqualTo(2);
    assertThat(ts.unit()).isEqualTo(TimeUnit.ISO);
    assertThat(ts.timeZone()).isEqualTo(ZoneId.of("America/New_York"));
    assertThat(m.fields().get(Field.PRICE).impliedDecimals()).isEqualTo(4);
    assertThat(m.fields().get(Field.SALE_CONDITION).conditionFormat())
        .isEqualTo(ConditionFormat.HEX);
    assertThat(m.fields().get(Field.SIZE)).isEqualTo(FieldSpec.index(4));
  }

  @Test
  void buildsInCode() {
    Map<Field, FieldSpec> fields = new EnumMap<>(Field.class);
    fields.put(Field.SYMBOL, FieldSpec.column("s"));
    fields.put(Field.TS_EVENT, FieldSpec.column("t").withTime(TimeUnit.MICROS, null));
    fields.put(Field.PRICE, FieldSpec.column("p").withImpliedDecimals(2));
    fields.put(Field.SIZE, FieldSpec.column("q"));
    fields.put(Field.EXCHANGE, FieldSpec.fixed("us-equity"));
    ReaderMapping m = new ReaderMapping("x", Format.CSV, DataType.TRADES, ',', true, false, fields);
    assertThat(new MappedReader(m).vendor()).isEqualTo("csv:x");
    assertThatThrownBy(() -> m.fields().put(Field.SIDE, FieldSpec.column("side")))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage(null);
  }

  @Test
  void rejectsBadMappingsWithClearMessages() {
    assertProblem("{", "Cannot load reader mapping m.json: not valid JSON (");
    assertProblem("[]", "Cannot load reader mapping m.json: the mapping must be a JSON object");
    assertProblem(
        "{\"name\": \"x\", \"data_type\": \"trades\", \"fields\": {}, \"colour\": 1}",
        "Cannot load reader mapping m.json: unknown key 'colour' (allowed: [data_type, delimiter,"
            + " fields, format, header, name, zero_side_absent])");
    assertProblem(
        "{\"data_type\": \"trades\", \"fields\": {}}",
        "Cannot load reader mapping m.json: 'name' is missing");
    assertProblem(
        "{\"name\": \"x\", \"data_type\": \"bars\", \"fields\": {}}",
        "Cannot load reader mapping m.json: 'data_type' must be trades or quotes, not 'bars'");
    assertProblem(
        "{\"name\": \"x\", \"format\": \"xml\", \"data_type\": \"trades\", \"fields\": {}}",
        "Cannot load reader mapping m.json: 'format' must be one of [csv, jsonl], not 'xml'");
    assertProblem(
        "{\"name\": \"x\", \"data_type\": \"trades\", \"delimiter\": \";;\", \"fields\": {}}",
        "Cannot load reader mapping m.json: 'delimiter' must be one character, not ';;'");
    assertProblem(
        "{\"name\": \"x\", \"data_type\": \"trades\", \"fields\": {\"bid_price\": \"b\"}}",
        "Cannot load reader mapping m.json: field 'bid_price' does not exist for trades; field"
            + " 'symbol' is required; field 'ts_event' is required; field 'price' is required for"
            + " trades; field 'size' is required for trades");
    assertProblem(
        "{\"name\": \"x\", \"data_type\": \"trades\", \"fields\": {\"colour\": \"b\"}}",
        "Cannot load reader mapping m.json: unknown field 'colour' (fields of trades: [symbol,"
            + " exchange, ts_event, ts_recv, venue, suspicious, vendor_seq, price, size, side,"
            + " vendor_trade_id, sale_condition])");
    String base = "\"symbol\": \"s\", \"price\": \"p\", \"size\": \"q\"";
    assertProblem(
        "{\"name\": \"x\", \"data_type\": \"trades\", \"fields\": {"
            + base
            + ", \"ts_event\": \"t\"}}",
        "Cannot load reader mapping m.json: field 'ts_event': 'unit' is missing (s, ms, us, ns or"
            + " iso)");
    assertProblem(
        "{\"name\": \"x\", \"data_type\": \"trades\", \"fields\": {"
            + base
            + ", \"ts_event\": {\"column\": \"t\", \"unit\": \"hours\"}}}",
        "Cannot load reader mapping m.json: field 'ts_event': 'unit' must be s, ms, us, ns or iso,"
            + " not 'hours'");
    assertProblem(
        "{\"name\": \"x\", \"data_type\": \"trades\", \"fields\": {"
            + base
            + ", \"ts_event\": {\"column\": \"t\", \"unit\": \"iso\", \"time_zone\": \"Mars/Base\"}}}",
        "Cannot load reader mapping m.json: field 'ts_event': unknown time_zone 'Mars/Base'");
    assertProblem(
        "{\"name\": \"x\", \"data_type\": \"trades\", \"fields\": {"
            + base
            + ", \"ts_event\": {\"column\": \"t\", \"value\": \"1\", \"unit\": \"s\"}}}",
        "Cannot load reader mapping m.json: field 'ts_event': exactly one of column, index or"
            + " value must be set");
    assertProblem(
        "{\"name\": \"x\", \"data_type\": \"trades\", \"header\": false, \"fields\": {"
            + base
            + ", \"ts_event\": {\"column\": 1, \"unit\": \"s\"}}}",
        "Cannot load reader mapping m.json: field 'symbol': a CSV without header names columns by"
            + " 1-based number; field 'price': a CSV without header names columns by 1-based"
            + " number; field 'size': a CSV without header names columns by 1-based number");
    assertProblem(
        "{\"name\": \"x\", \"data_type\": \"trades\", \"fields\": {"
            + base
            + ", \"ts_event\": {\"column\": \"t\", \"unit\": \"s\", \"time_zone\": \"UTC\"},"
            + " \"venue\": {\"column\": \"v\", \"format\": \"hex\", \"implied_decimals\": 2}}}",
        "Cannot load reader mapping m.json: field 'ts_event': 'time_zone' and 'pattern' apply to"
            + " unit iso only; field 'venue': 'implied_decimals' applies to prices and sizes only;"
            + " field 'venue': 'format' applies to sale_condition and quote_condition only");
    assertProblem(
        "{\"name\": \"Bad Name\", \"data_type\": \"quotes\", \"fields\": {\"symbol\": \"s\","
            + " \"ts_event\": {\"column\": \"t\", \"unit\": \"ms\"}, \"bid_price\": \"b\"}}",
        "Cannot load reader mapping m.json: 'name' must match [a-z0-9][a-z0-9_-]*, not 'Bad Name';"
            + " fields 'bid_price' and 'bid_size' go together");
    assertProblem(
        "{\"name\": \"x\", \"format\": \"jsonl\", \"data_type\": \"trades\", \"fields\": {"
            + base
            + ", \"ts_event\": {\"column\": 3, \"unit\": \"s\"}}}",
        "Cannot load reader mapping m.json: field 'ts_event': JSONL fields are named by key or"
            + " JSON pointer, not by number");
  }

  @Test
  void missingMappingFileIsAConfigurationError() {
    assertThatThrownBy(() -> ReaderMapping.load(Path.of("no/such/mapping.json")))
        .isInstanceOf(TicklakeException.class)
        .hasMessageStartingWith("Cannot load reader mapping no/such/mapping.json: ")
        .satisfies(
            e ->
                assertThat(((TicklakeException) e).kind())
                    .isEqualTo(TicklakeException.Kind.CONFIGURATION));
  }

  private static void assertProblem(String json, String message) {
    assertThatThrownBy(() -> ReaderMapping.parse(json, "m.json"))
        .isInstanceOf(TicklakeException.class)
        .hasMessageStartingWith(message)
        .satisfies(
            e ->
                assertThat(((TicklakeException) e).kind())
                    .isEqualTo(TicklakeException.Kind.CONFIGURATION));
  }
}
