package io.ticklake.catalog.write;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows into one Parquet data file per partition of a table (fan-out) and hands back the
 * {@link DataFile}s; the row representation is chosen by the value-writer function. Each row is
 * encoded before {@link #write} returns. Files are invisible until the caller commits them; {@link
 * #abort()} deletes them. Not thread-safe.
 */
class FanoutWriter<T> implements AutoCloseable {
  private final Table table;
  private final Schema schema;
  private final PartitionSpec spec;
  private final OutputFileFactory files;
  private final PartitionKey key;
  private final Function<T, StructLike> partitionSource;
  private final BiFunction<Schema, MessageType, ParquetValueWriter<?>> valueWriter;
  private final Map<PartitionKey, DataWriter<T>> writers = new LinkedHashMap<>();
  private final List<DataFile> completed = new ArrayList<>();

  /** Every file opened, completed or not: what {@link #abort()} deletes. */
  private final List<String> opened = new ArrayList<>();

  private DataWriter<T> last;
  private PartitionKey lastKey;
  private boolean closed;

  FanoutWriter(
      Table table,
      String operationId,
      BiFunction<Schema, MessageType, ParquetValueWriter<?>> valueWriter,
      Function<T, StructLike> partitionSource) {
    this.table = requireNonNull(table, "table is null");
    this.schema = table.schema();
    this.spec = table.spec();
    this.files =
        OutputFileFactory.builderFor(table, 1, 0)
            .format(FileFormat.PARQUET)
            .operationId(requireNonNull(operationId, "operationId is null"))
            .build();
    this.key = new PartitionKey(spec, schema);
    this.valueWriter = requireNonNull(valueWriter, "valueWriter is null");
    this.partitionSource = requireNonNull(partitionSource, "partitionSource is null");
  }

  Schema schema() {
    return schema;
  }

  void write(T row) {
    if (closed) {
      throw new IllegalStateException("Cannot write: writer is closed");
    }
    key.partition(partitionSource.apply(row));
    DataWriter<T> writer;
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

  List<DataFile> complete() {
    closeWriters();
    return List.copyOf(completed);
  }

  /**
   * Closes and deletes every file opened, also those whose write or close failed (a full disk): a
   * failure to close one is not thrown, as the file goes anyway.
   */
  void abort() {
    try {
      closeWriters();
    } catch (RuntimeException e) {
      // the file it could not close is in opened and is deleted below
    }
    for (String location : opened) {
      try {
        table.io().deleteFile(location);
      } catch (RuntimeException e) {
        // already gone, or its disk went read-only: 'ticklake orphans' lists it
      }
    }
    opened.clear();
    completed.clear();
  }

  @Override
  public void close() {
    closeWriters();
  }

  private DataWriter<T> open(StructLike partition) {
    EncryptedOutputFile out =
        spec.isUnpartitioned() ? files.newOutputFile() : files.newOutputFile(spec, partition);
    opened.add(out.encryptingOutputFile().location());
    try {
      return Parquet.writeData(out)
          .forTable(table)
          .withSpec(spec)
          .withPartition(spec.isUnpartitioned() ? null : partition)
          .createWriterFunc(valueWriter)
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
    RuntimeException firstUnchecked = null;
    for (DataWriter<T> w : writers.values()) {
      try {
        w.close();
        completed.add(w.toDataFile());
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      } catch (RuntimeException e) {
        // Parquet reports a failed flush (a full disk) unchecked: close the other files all the
        // same
        if (firstUnchecked == null) {
          firstUnchecked = e;
        }
      }
    }
    writers.clear();
    if (firstUnchecked != null) {
      throw firstUnchecked;
    }
    if (first != null) {
      throw new UncheckedIOException("Cannot close data file of " + table.name(), first);
    }
  }
}
