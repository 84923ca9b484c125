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
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;

/**
 * The fast path of {@link PartitionedRecordWriter}: writes rows given in Iceberg's internal
 * representation ({@link ArrayRow}) into one Parquet file per partition. Each row is encoded before
 * {@link #write} returns, so the caller may reuse one row object. Files are invisible until the
 * caller commits them; {@link #abort()} deletes them. Not thread-safe.
 */
public final class InternalRowWriter implements AutoCloseable {
  private final Table table;
  private final Schema schema;
  private final PartitionSpec spec;
  private final OutputFileFactory files;
  private final PartitionKey key;
  private final Map<PartitionKey, DataWriter<StructLike>> writers = new LinkedHashMap<>();
  private final List<DataFile> completed = new ArrayList<>();
  private DataWriter<StructLike> last;
  private PartitionKey lastKey;
  private boolean closed;

  /** A writer for the table's current schema and spec. */
  public InternalRowWriter(Table table) {
    this.table = requireNonNull(table, "table is null");
    this.schema = table.schema();
    this.spec = table.spec();
    this.files =
        OutputFileFactory.builderFor(table, 1, 0)
            .format(FileFormat.PARQUET)
            .operationId(UUID.randomUUID().toString())
            .build();
    this.key = new PartitionKey(spec, schema);
  }

  /** The schema rows must follow. */
  public Schema schema() {
    return schema;
  }

  /** Encodes one row into its partition's file. */
  public void write(StructLike row) {
    if (closed) {
      throw new IllegalStateException("Cannot write: writer is closed");
    }
    key.partition(row);
    DataWriter<StructLike> writer;
    if (lastKey != null && lastKey.equals(key)) {
      writer = last;
    } else {
      writer = writers.get(key);
      if (writer == null) {
        PartitionKey copy = key.copy();
        writer = open(copy);
        writers.put(copy, writer);
      }
      last = writer;
      lastKey = key.copy();
    }
    writer.write(row);
  }

  /** Closes the files and returns them. */
  public List<DataFile> complete() {
    closeWriters();
    return List.copyOf(completed);
  }

  /** Closes and deletes every file written. */
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

  private DataWriter<StructLike> open(StructLike partition) {
    EncryptedOutputFile out =
        spec.isUnpartitioned() ? files.newOutputFile() : files.newOutputFile(spec, partition);
    try {
      return Parquet.writeData(out)
          .forTable(table)
          .withSpec(spec)
          .withPartition(spec.isUnpartitioned() ? null : partition)
          .createWriterFunc(InternalWriter::createWriter)
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
    for (DataWriter<StructLike> w : writers.values()) {
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
