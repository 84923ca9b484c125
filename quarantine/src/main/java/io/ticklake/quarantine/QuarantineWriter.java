package io.ticklake.quarantine;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.write.PartitionedRecordWriter;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * Writes {@link QuarantineRecord}s into data files of {@code ops.quarantine}. The caller commits
 * the returned files in the Iceberg operation that fits its protocol (an append for ingest, an
 * overwrite of the partition's previous quarantine files for compaction). Not thread-safe.
 */
public final class QuarantineWriter implements AutoCloseable {
  private final Table table;
  private final PartitionedRecordWriter writer;
  private final GenericRecord template;
  private long count;

  /** A writer for the quarantine table. */
  public QuarantineWriter(Table table) {
    this.table = requireNonNull(table, "table is null");
    this.writer = new PartitionedRecordWriter(table);
    this.template = GenericRecord.create(table.schema());
  }

  /** Writes one record. */
  public void write(QuarantineRecord q) {
    writer.write(toRecord(q));
    count++;
  }

  /** Records written so far. */
  public long count() {
    return count;
  }

  /** Closes the files and returns them (empty when nothing was written). */
  public List<DataFile> complete() {
    return writer.complete();
  }

  /** Deletes what was written. */
  public void abort() {
    writer.abort();
  }

  @Override
  public void close() {
    writer.close();
  }

  private Record toRecord(QuarantineRecord q) {
    GenericRecord r = template.copy();
    r.setField("source_table", q.sourceTable());
    r.setField("stage", q.stage());
    r.setField("rule", q.rule());
    r.setField("severity", q.severity().label());
    r.setField("message", q.message());
    r.setField("field", q.field());
    r.setField("value", q.value());
    r.setField("exchange", q.exchange());
    r.setField("trading_date", q.tradingDate());
    r.setField("symbol", q.symbol());
    r.setField("ts_event", q.tsEvent() == null ? null : q.tsEvent().atOffset(ZoneOffset.UTC));
    r.setField("vendor", q.vendor());
    r.setField("file_id", q.fileId());
    r.setField("file_seq", q.fileSeq());
    r.setField("writer_id", q.writerId());
    r.setField("wal_seq", q.walSeq());
    r.setField("raw_line", q.rawLine());
    r.setField("row_json", q.rowJson());
    r.setField("bronze_snapshot_id", q.bronzeSnapshotId());
    r.setField("quarantined_at", q.quarantinedAt().atOffset(ZoneOffset.UTC));
    return r;
  }
}
