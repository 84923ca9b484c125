package io.ticklake.catalog.write;

import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.parquet.InternalWriter;

/**
 * The fast path of {@link PartitionedRecordWriter}: writes rows given in Iceberg's internal
 * representation ({@link ArrayRow}) into one Parquet file per partition. Each row is encoded before
 * {@link #write} returns, so the caller may reuse one row object. Files are invisible until the
 * caller commits them; {@link #abort()} deletes them. Not thread-safe.
 */
public final class InternalRowWriter implements AutoCloseable {
  private final FanoutWriter<StructLike> writer;

  /** A writer for the table's current schema and spec. */
  public InternalRowWriter(Table table) {
    this.writer =
        new FanoutWriter<>(
            table, UUID.randomUUID().toString(), InternalWriter::createWriter, row -> row);
  }

  /** The schema rows must follow. */
  public Schema schema() {
    return writer.schema();
  }

  /** Encodes one row into its partition's file. */
  public void write(StructLike row) {
    writer.write(row);
  }

  /** Closes the files and returns them. */
  public List<DataFile> complete() {
    return writer.complete();
  }

  /** Closes and deletes every file written. */
  public void abort() {
    writer.abort();
  }

  @Override
  public void close() {
    writer.close();
  }
}
