package io.ticklake.bronze.ingest;

import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.TradeRow;
import io.ticklake.catalog.write.ArrayRow;
import java.time.LocalDate;
import java.util.List;
import org.apache.iceberg.Schema;

/**
 * Maps parsed trades and quotes onto one reusable Bronze row in Iceberg's internal representation,
 * for both ways into Bronze: vendor files (file id and line) and the live writer (writer id and WAL
 * sequence). Column positions are resolved once. Not thread-safe; one per writer thread.
 */
public final class BronzeRowMapper {
  private final ArrayRow row;
  private final int exchange;
  private final int tradingDate;
  private final int symbol;
  private final int tsEvent;
  private final int tsEventNs;
  private final int tsRecv;
  private final int vendorSeq;
  private final int vendor;
  private final int fileId;
  private final int fileSeq;
  private final int writerId;
  private final int walSeq;
  private final int ingestedAt;
  private final int venue;
  private final int suspicious;
  private final int[] body;

  /**
   * A mapper for a Bronze table's schema.
   *
   * @param schema the Bronze table's schema
   * @param trades true for {@code bronze.trades}, false for {@code bronze.quotes}
   */
  public BronzeRowMapper(Schema schema, boolean trades) {
    row = new ArrayRow(schema);
    exchange = ArrayRow.position(schema, "exchange");
    tradingDate = ArrayRow.position(schema, "trading_date");
    symbol = ArrayRow.position(schema, "symbol");
    tsEvent = ArrayRow.position(schema, "ts_event");
    tsEventNs = ArrayRow.position(schema, "ts_event_ns");
    tsRecv = ArrayRow.position(schema, "ts_recv");
    vendorSeq = ArrayRow.position(schema, "vendor_seq");
    vendor = ArrayRow.position(schema, "vendor");
    fileId = ArrayRow.position(schema, "file_id");
    fileSeq = ArrayRow.position(schema, "file_seq");
    writerId = ArrayRow.position(schema, "writer_id");
    walSeq = ArrayRow.position(schema, "wal_seq");
    ingestedAt = ArrayRow.position(schema, "ingested_at");
    venue = ArrayRow.position(schema, "venue");
    suspicious = ArrayRow.position(schema, "suspicious");
    List<String> names =
        trades
            ? List.of(
                "price", "size", "side", "vendor_trade_id", "sale_condition", "sale_condition_raw")
            : List.of(
                "bid_price",
                "bid_size",
                "ask_price",
                "ask_size",
                "quote_condition",
                "quote_condition_raw");
    body = names.stream().mapToInt(n -> ArrayRow.position(schema, n)).toArray();
  }

  /**
   * Fills every column but the lineage of a trade (no trading date when {@code date} is null: a row
   * to quarantine); returns the (reused) row.
   */
  public ArrayRow trade(
      TradeRow t, String exchangeId, LocalDate date, String vendorName, long ingestedAtMicros) {
    event(
        exchangeId,
        date,
        t.symbol(),
        t.tsEventMicros(),
        t.tsEventNanos(),
        t.tsRecvMicros(),
        t.vendorSeq(),
        t.venue(),
        t.suspicious(),
        vendorName,
        ingestedAtMicros);
    row.set(body[0], t.price());
    row.set(body[1], t.size());
    row.set(body[2], t.side());
    row.set(body[3], t.vendorTradeId());
    row.set(body[4], t.saleCondition());
    row.set(body[5], t.saleConditionRaw());
    return row;
  }

  /**
   * Fills every column but the lineage of a quote (no trading date when {@code date} is null);
   * returns the (reused) row.
   */
  public ArrayRow quote(
      QuoteRow q, String exchangeId, LocalDate date, String vendorName, long ingestedAtMicros) {
    event(
        exchangeId,
        date,
        q.symbol(),
        q.tsEventMicros(),
        q.tsEventNanos(),
        q.tsRecvMicros(),
        q.vendorSeq(),
        q.venue(),
        q.suspicious(),
        vendorName,
        ingestedAtMicros);
    row.set(body[0], q.bidPrice());
    row.set(body[1], q.bidSize());
    row.set(body[2], q.askPrice());
    row.set(body[3], q.askSize());
    row.set(body[4], q.quoteCondition());
    row.set(body[5], q.quoteConditionRaw());
    return row;
  }

  /** Sets the lineage of a row from a vendor file: its manifest id and line number. */
  public ArrayRow fileLineage(long id, long line) {
    row.set(fileId, id);
    row.set(fileSeq, line);
    row.set(writerId, null);
    row.set(walSeq, null);
    return row;
  }

  /**
   * Sets the lineage of a row from the live writer; {@code ts_recv} becomes the time the writer
   * received the event.
   */
  public ArrayRow walLineage(String writer, long seq, long receivedAtMicros) {
    row.set(fileId, null);
    row.set(fileSeq, null);
    row.set(writerId, writer);
    row.set(walSeq, seq);
    row.set(tsRecv, receivedAtMicros);
    return row;
  }

  private void event(
      String exchangeId,
      LocalDate date,
      String sym,
      long tsMicros,
      Long tsNanos,
      Long recvMicros,
      Long vSeq,
      String ven,
      Boolean susp,
      String vendorName,
      long ingestedAtMicros) {
    row.set(exchange, exchangeId);
    row.set(tradingDate, date == null ? null : (int) date.toEpochDay());
    row.set(symbol, sym);
    row.set(tsEvent, tsMicros);
    row.set(tsEventNs, tsNanos);
    row.set(tsRecv, recvMicros);
    row.set(vendorSeq, vSeq);
    row.set(vendor, vendorName);
    row.set(ingestedAt, ingestedAtMicros);
    row.set(venue, ven);
    row.set(suspicious, susp);
  }
}
