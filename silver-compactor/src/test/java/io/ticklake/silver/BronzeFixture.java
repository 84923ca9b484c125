package io.ticklake.silver;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.write.PartitionedRecordWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/** Writes synthetic Bronze trades and quotes straight into a test warehouse. */
final class BronzeFixture {
  static final String EXCHANGE = "binance-futures";
  static final LocalDate DATE = LocalDate.of(2024, 3, 1);
  static final Instant INGESTED = Instant.parse("2024-03-02T00:00:00Z");

  private BronzeFixture() {}

  /** A vendor trade, without lineage. */
  record Trade(String symbol, Instant ts, String price, String size, String side) {}

  /** A vendor quote, without lineage; null prices/sizes are an absent side. */
  record Quote(
      String symbol,
      Instant ts,
      String bidPrice,
      String bidSize,
      String askPrice,
      String askSize) {}

  static Warehouse warehouse(Path dir) {
    Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir));
    new LakeInitializer(w).commit();
    return w;
  }

  /**
   * {@code n} trades of three symbols on {@link #DATE}, in time order; every 20th trade is followed
   * by an identical print (same ms, price, size, side), every 1000th has price 0.
   */
  static List<Trade> trades(int n, long seed) {
    Random r = new Random(seed);
    String[] symbols = {"BTCUSDT", "ETHUSDT", "SOLUSDT"};
    List<Trade> out = new ArrayList<>();
    Instant t = DATE.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(60);
    while (out.size() < n) {
      t = t.plusMillis(r.nextInt(3));
      String sym = symbols[r.nextInt(symbols.length)];
      String price = BigDecimal.valueOf(10_000 + r.nextInt(100), 1).toPlainString();
      String size = BigDecimal.valueOf(1 + r.nextInt(1000), 3).toPlainString();
      String side = r.nextBoolean() ? "buy" : "sell";
      if (out.size() % 1000 == 999) {
        price = "0";
      }
      Trade trade = new Trade(sym, t, price, size, side);
      out.add(trade);
      if (out.size() % 20 == 0 && out.size() < n) {
        out.add(trade);
      }
    }
    return out;
  }

  /** Appends trades as one vendor file per list, lines numbered from 1; returns the snapshot. */
  static long appendTradeFiles(Table bronze, long firstFileId, List<List<Trade>> files) {
    return appendTradeFiles(bronze, EXCHANGE, null, firstFileId, files);
  }

  /** Appends trades of an exchange; {@code date} null means the UTC date of each trade. */
  static long appendTradeFiles(
      Table bronze, String exchange, LocalDate date, long firstFileId, List<List<Trade>> files) {
    List<DataFile> written;
    try (PartitionedRecordWriter w = new PartitionedRecordWriter(bronze)) {
      long fileId = firstFileId;
      for (List<Trade> file : files) {
        long line = 1;
        for (Trade t : file) {
          GenericRecord rec = GenericRecord.create(bronze.schema());
          rec.setField("exchange", exchange);
          rec.setField(
              "trading_date", date != null ? date : t.ts().atOffset(ZoneOffset.UTC).toLocalDate());
          rec.setField("symbol", t.symbol());
          rec.setField("ts_event", t.ts().atOffset(ZoneOffset.UTC));
          rec.setField("price", new BigDecimal(t.price()).setScale(9));
          rec.setField("size", new BigDecimal(t.size()).setScale(8));
          rec.setField("side", t.side());
          lineage(rec, fileId, line++);
          w.write(rec);
        }
        fileId++;
      }
      written = w.complete();
    }
    return commit(bronze, written);
  }

  /** Appends quotes as one vendor file; returns the snapshot. */
  static long appendQuoteFile(Table bronze, long fileId, List<Quote> quotes) {
    List<DataFile> written;
    try (PartitionedRecordWriter w = new PartitionedRecordWriter(bronze)) {
      long line = 1;
      for (Quote q : quotes) {
        GenericRecord rec = GenericRecord.create(bronze.schema());
        rec.setField("exchange", EXCHANGE);
        rec.setField("trading_date", q.ts().atOffset(ZoneOffset.UTC).toLocalDate());
        rec.setField("symbol", q.symbol());
        rec.setField("ts_event", q.ts().atOffset(ZoneOffset.UTC));
        rec.setField(
            "bid_price", q.bidPrice() == null ? null : new BigDecimal(q.bidPrice()).setScale(9));
        rec.setField(
            "bid_size", q.bidSize() == null ? null : new BigDecimal(q.bidSize()).setScale(8));
        rec.setField(
            "ask_price", q.askPrice() == null ? null : new BigDecimal(q.askPrice()).setScale(9));
        rec.setField(
            "ask_size", q.askSize() == null ? null : new BigDecimal(q.askSize()).setScale(8));
        lineage(rec, fileId, line++);
        w.write(rec);
      }
      written = w.complete();
    }
    return commit(bronze, written);
  }

  /**
   * Appends one trade per map of column values (lineage included); exchange, trading_date, vendor
   * and ingested_at default to the fixture's.
   */
  static long appendRows(Table bronze, List<java.util.Map<String, Object>> rows) {
    List<DataFile> written;
    try (PartitionedRecordWriter w = new PartitionedRecordWriter(bronze)) {
      for (java.util.Map<String, Object> row : rows) {
        GenericRecord rec = GenericRecord.create(bronze.schema());
        rec.setField("exchange", EXCHANGE);
        rec.setField("trading_date", DATE);
        rec.setField("vendor", "test");
        rec.setField("ingested_at", OffsetDateTime.ofInstant(INGESTED, ZoneOffset.UTC));
        row.forEach(rec::setField);
        w.write(rec);
      }
      written = w.complete();
    }
    return commit(bronze, written);
  }

  private static void lineage(GenericRecord rec, long fileId, long line) {
    rec.setField("vendor", "test");
    rec.setField("file_id", fileId);
    rec.setField("file_seq", line);
    rec.setField("ingested_at", OffsetDateTime.ofInstant(INGESTED, ZoneOffset.UTC));
  }

  private static long commit(Table bronze, List<DataFile> files) {
    bronze.refresh();
    AppendFiles append = bronze.newAppend();
    files.forEach(append::appendFile);
    append.commit();
    bronze.refresh();
    return bronze.currentSnapshot().snapshotId();
  }

  static Table bronzeTrades(Warehouse w) {
    return w.table(TableContracts.BRONZE_TRADES.id());
  }

  static Table bronzeQuotes(Warehouse w) {
    return w.table(TableContracts.BRONZE_QUOTES.id());
  }

  /** Every row of a table at its current snapshot, through Iceberg's own reader. */
  static List<Record> read(Table t) throws IOException {
    t.refresh();
    List<Record> out = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
      rows.forEach(out::add);
    }
    return out;
  }
}
