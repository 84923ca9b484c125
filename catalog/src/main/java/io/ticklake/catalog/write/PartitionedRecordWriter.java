package io.ticklake.catalog.write;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;

/**
 * Writes Iceberg generic {@link Record}s into Parquet data files of a table, one open file per
 * partition (fan-out), and hands back the {@link DataFile}s for the caller to commit.
 *
 * <p>Nothing is visible to readers until the caller commits the files. If the caller gives up,
 * {@link #abort()} deletes what was written. Not thread-safe.
 */
public final class PartitionedRecordWriter implements AutoCloseable {
  private final Table table;
  private final Schema schema;
  private final PartitionSpec spec;
  private final OutputFileFactory files;
  private final PartitionKey key;
  private final InternalRecordWrapper wrapper;
  private final Map<PartitionKey, DataWriter<Record>> writers = new LinkedHashMap<>();
  private final List<DataFile> completed = new ArrayList<>();
  private boolean closed;

  /**
   * A writer for {@code table}'s current schema and spec.
   *
   * @param table the target table
   * @param operationId a unique id for this write; it is part of every file name
   */
  public PartitionedRecordWriter(Table table, String operationId) {
    this.table = requireNonNull(table, "table is null");
    this.schema = table.schema();
    this.spec = table.spec();
    this.files =
        OutputFileFactory.builderFor(table, 1, 0)
            .format(FileFormat.PARQUET)
            .operationId(requireNonNull(operationId, "operationId is null"))
            .build();
    this.key = new PartitionKey(spec, schema);
    this.wrapper = new InternalRecordWrapper(schema.asStruct());
  }

  /** A writer with a random operation id. */
  public PartitionedRecordWriter(Table table) {
    this(table, UUID.randomUUID().toString());
  }

  /** Writes one record into the file of its partition. */
  public void write(Record record) {
    if (closed) {
      throw new IllegalStateException("Cannot write: writer is closed");
    }
    key.partition(wrapper.wrap(record));
    DataWriter<Record> writer = writers.get(key);
    if (writer == null) {
      PartitionKey copy = key.copy();
      writer = open(copy);
      writers.put(copy, writer);
    }
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
    closeWriters();
    return List.copyOf(completed);
  }

  /** Closes and deletes every file written so far. */
  public void abort() {
    closeWriters();
    for (DataFile f : completed) {
      table.io().deleteFile(f.location());
    }
    completed.clear();
  }

  @Override
  public void close() {
    closeWriters();
  }

  private DataWriter<Record> open(StructLike partition) {
    EncryptedOutputFile out =
        spec.isUnpartitioned() ? files.newOutputFile() : files.newOutputFile(spec, partition);
    try {
      return Parquet.writeData(out)
          .forTable(table)
          .withSpec(spec)
          .withPartition(spec.isUnpartitioned() ? null : partition)
          .createWriterFunc(GenericParquetWriter::create)
          .overwrite()
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open data file for " + table.name(), e);
    }
  }

  private void closeWriters() {
    if (closed) {
      return;
    }
    closed = true;
    IOException first = null;
    for (DataWriter<Record> w : writers.values()) {
      try {
        w.close();
        completed.add(w.toDataFile());
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    writers.clear();
    if (first != null) {
      throw new UncheckedIOException("Cannot close data file of " + table.name(), first);
    }
  }
}
