package io.ticklake.catalog.write;

import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;

/**
 * Writes Iceberg generic {@link Record}s into Parquet data files of a table, one open file per
 * partition (fan-out), and hands back the {@link DataFile}s for the caller to commit. The simple
 * path for small tables; hot paths use {@link InternalRowWriter}.
 *
 * <p>Nothing is visible to readers until the caller commits the files. If the caller gives up,
 * {@link #abort()} deletes what was written. Not thread-safe.
 */
public final class PartitionedRecordWriter implements AutoCloseable {
  private final FanoutWriter<Record> writer;

  /**
   * A writer for {@code table}'s current schema and spec.
   *
   * @param table the target table
   * @param operationId a unique id for this write; it is part of every file name
   */
  public PartitionedRecordWriter(Table table, String operationId) {
    InternalRecordWrapper wrapper = new InternalRecordWrapper(table.schema().asStruct());
    this.writer =
        new FanoutWriter<>(table, operationId, GenericParquetWriter::create, wrapper::wrap);
  }

  /** A writer with a random operation id. */
  public PartitionedRecordWriter(Table table) {
    this(table, UUID.randomUUID().toString());
  }

  /** Writes one record into the file of its partition. */
  public void write(Record record) {
    writer.write(record);
  }

  /** Writes every record. */
  public void writeAll(Iterable<Record> records) {
    for (Record r : records) {
      write(r);
    }
  }

  /** Closes all open files and returns every data file written, in partition order. */
  public List<DataFile> complete() {
    return writer.complete();
  }

  /** Closes and deletes every file written so far. */
  public void abort() {
    writer.abort();
  }

  @Override
  public void close() {
    writer.close();
  }
}
