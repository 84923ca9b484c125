package io.ticklake.gold.quality;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.write.PartitionedRecordWriter;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;

/** A test warehouse with Bronze trades written directly and compacted by the real compactor. */
final class GoldFixture {
  static final String EXCHANGE = "us-equity";
  static final Instant INGESTED = Instant.parse("2014-01-01T00:00:00Z");

  private GoldFixture() {}

  /** A vendor trade of one trading date. */
  record Trade(String symbol, LocalDate date, Instant ts, String price, String size) {}

  static Warehouse warehouse(Path dir) {
    Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir));
    new LakeInitializer(w).commit();
    return w;
  }

  /** Appends one vendor file (lines numbered from 1) in one Bronze commit. */
  static void appendFile(Warehouse w, long fileId, List<Trade> trades) {
    appendFile(w, fileId, trades, java.util.Collections.nCopies(trades.size(), null));
  }

  /** {@link #appendFile(Warehouse, long, List)} with each trade's vendor trade id (or null). */
  static void appendFile(Warehouse w, long fileId, List<Trade> trades, List<String> tradeIds) {
    Table bronze = w.table(TableContracts.BRONZE_TRADES.id());
    List<DataFile> written;
    try (PartitionedRecordWriter out = new PartitionedRecordWriter(bronze)) {
      long line = 1;
      for (int i = 0; i < trades.size(); i++) {
        Trade t = trades.get(i);
        GenericRecord rec = GenericRecord.create(bronze.schema());
        rec.setField("exchange", EXCHANGE);
        rec.setField("trading_date", t.date());
        rec.setField("symbol", t.symbol());
        rec.setField("ts_event", t.ts().atOffset(ZoneOffset.UTC));
        rec.setField("price", new BigDecimal(t.price()).setScale(9));
        rec.setField("size", new BigDecimal(t.size()).setScale(8));
        rec.setField("side", "unknown");
        rec.setField("vendor_trade_id", tradeIds.get(i));
        rec.setField("vendor", "test");
        rec.setField("file_id", fileId);
        rec.setField("file_seq", line++);
        rec.setField("ingested_at", OffsetDateTime.ofInstant(INGESTED, ZoneOffset.UTC));
        out.write(rec);
      }
      written = out.complete();
    }
    bronze.refresh();
    AppendFiles append = bronze.newAppend();
    written.forEach(append::appendFile);
    append.commit();
  }

  /** Compacts every changed partition of Silver trades. */
  static void compact(Warehouse w) {
    new SilverCompactor(w, SilverTable.TRADES, CompactOptions.defaults(), Clock.systemUTC()).run();
  }
}
