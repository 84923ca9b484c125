package io.ticklake.catalog.write;

import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.RuntimeIOException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.jdbc.UncheckedSQLException;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a job may delete the data files of a commit that threw: only when the commit definitely did
 * not happen. The failures are Iceberg's and the JDK's own exception types; the table that is read
 * again is a real one in the embedded catalog.
 */
class CommitOutcomeTest {
  private static final Schema SCHEMA = new Schema(required(1, "n", Types.LongType.get()));

  @TempDir Path dir;

  private static DataFile write(Table table) {
    try (PartitionedRecordWriter writer = new PartitionedRecordWriter(table)) {
      GenericRecord r = GenericRecord.create(SCHEMA);
      r.setField("n", 1L);
      writer.write((Record) r);
      return writer.complete().get(0);
    }
  }

  private static Table table(Warehouse w) {
    ((SupportsNamespaces) w.catalog()).createNamespace(Namespace.of("t"));
    return w.catalog().createTable(TableIdentifier.of("t", "n"), SCHEMA);
  }

  @Test
  void anUnknownCommitStateOrALostCatalogConnectionKeepsTheFiles() {
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir))) {
      Table table = table(w);
      DataFile file = write(table);
      // the table does not hold the commit now, but it may still land: keep its files
      for (RuntimeException e :
          List.of(
              new CommitStateUnknownException(new RuntimeException("lost the reply")),
              new RuntimeException("wrapped", new CommitStateUnknownException(new IOException())),
              new UncheckedSQLException(
                  new SQLNonTransientConnectionException("connection reset"),
                  "Database Connection failed"),
              new UncheckedSQLException(new SQLTimeoutException("timeout"), "timeout"))) {
        assertThat(CommitOutcome.ofCommit(e, table, 42L))
            .as(e.toString())
            .isEqualTo(CommitOutcome.UNKNOWN);
        assertThat(CommitOutcome.ofCommit(e, table, -1, List.of(file.location())))
            .as(e.toString())
            .isEqualTo(CommitOutcome.UNKNOWN);
      }
      assertThat(CommitOutcome.ofCommit(new OutOfMemoryError(), table, 42L))
          .isEqualTo(CommitOutcome.UNKNOWN);
    }
  }

  @Test
  void aCommitThatLostItsRetriesOrFailedValidationDeletesThem() {
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir))) {
      Table table = table(w);
      DataFile file = write(table);
      for (RuntimeException e :
          List.of(
              new CommitFailedException("Table metadata refresh is required"),
              new ValidationException("Found conflicting files"))) {
        assertThat(CommitOutcome.ofCommit(e, table, 42L)).isEqualTo(CommitOutcome.FAILED);
        assertThat(CommitOutcome.ofCommit(e, table, -1, List.of(file.location())))
            .isEqualTo(CommitOutcome.FAILED);
      }
    }
  }

  @Test
  void anyOtherFailureIsFailedOnlyWhenTheTableReadAgainLacksTheCommit() {
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir))) {
      Table table = table(w);
      RuntimeException full = new RuntimeIOException(new IOException("No space left on device"));
      DataFile first = write(table);
      table.newAppend().appendFile(first).commit();
      long committed = table.currentSnapshot().snapshotId();
      DataFile second = write(table);
      table.newAppend().appendFile(second).commit();
      DataFile never = write(table);

      // by snapshot id: the table, read again, holds it or not
      assertThat(CommitOutcome.ofCommit(full, table, committed)).isEqualTo(CommitOutcome.UNKNOWN);
      assertThat(CommitOutcome.ofCommit(full, table, committed + 1))
          .isEqualTo(CommitOutcome.FAILED);

      // by the files: a snapshot made since the base added one of them, or none did
      assertThat(CommitOutcome.ofCommit(full, table, committed, List.of(second.location())))
          .isEqualTo(CommitOutcome.UNKNOWN);
      assertThat(CommitOutcome.ofCommit(full, table, -1, List.of(first.location())))
          .isEqualTo(CommitOutcome.UNKNOWN);
      assertThat(CommitOutcome.ofCommit(full, table, committed, List.of(never.location())))
          .isEqualTo(CommitOutcome.FAILED);
      // a base the table no longer leads back to: cannot tell
      assertThat(CommitOutcome.ofCommit(full, table, committed + 1, List.of(never.location())))
          .isEqualTo(CommitOutcome.UNKNOWN);
    }
  }
}
