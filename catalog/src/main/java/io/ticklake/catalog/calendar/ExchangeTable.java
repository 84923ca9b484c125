package io.ticklake.catalog.calendar;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.write.PartitionedRecordWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Reads and seeds {@code ref.exchange}, the table that holds every exchange's calendar.
 *
 * <p>Seeding keeps user-defined rows (any source that is not a bundled one) and brings the bundled
 * rows up to date; when nothing differs it commits nothing. The whole (small) table is replaced in
 * one atomic overwrite validated against the snapshot it read (for an empty table: against every
 * data file ever added), so a concurrent writer never loses its rows nor, when both seed an empty
 * table, doubles them; the seed then reads again and retries.
 */
public final class ExchangeTable {
  /** Source prefix of rows that come from the bundled Lean market-hours database. */
  public static final String BUNDLED_SOURCE_PREFIX = "lean-market-hours:";

  private ExchangeTable() {}

  /** What a seed did. */
  public record SeedResult(int added, int updated, int unchanged, long snapshotId) {
    /** True when nothing was written. */
    public boolean isNoop() {
      return added == 0 && updated == 0;
    }
  }

  /** Reads the definitions stored in {@code ref.exchange}, by exchange id. */
  public static Map<String, ExchangeDefinition> read(Table table) {
    Map<String, ExchangeDefinition> defs = new TreeMap<>();
    if (table.currentSnapshot() == null) {
      return defs;
    }
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record r : rows) {
        ExchangeDefinition d = fromRecord(r);
        defs.put(d.exchangeId(), d);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalArgumentException e) {
      throw new TicklakeException(Kind.INPUT, "Cannot read ref.exchange: " + e.getMessage(), e);
    }
    return defs;
  }

  /**
   * The calendars stored in {@code ref.exchange}.
   *
   * @throws TicklakeException of kind INPUT when the table is empty (run {@code ticklake init})
   */
  public static ExchangeCalendars load(Catalog catalog) {
    Map<String, ExchangeDefinition> defs = read(catalog.loadTable(TableContracts.EXCHANGE.id()));
    if (defs.isEmpty()) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot load exchange calendars: ref.exchange is empty (run 'ticklake init')");
    }
    return ExchangeCalendars.of(defs.values());
  }

  /** Seeds the bundled calendars. */
  public static SeedResult seedBundled(Table table) {
    return seed(table, LeanMarketHours.bundled());
  }

  /**
   * Makes the table hold {@code definitions} (replacing rows of the same ids) plus every row it
   * already had for other ids.
   */
  public static SeedResult seed(Table table, List<ExchangeDefinition> definitions) {
    requireNonNull(table, "table is null");
    requireNonNull(definitions, "definitions is null");
    for (int attempt = 1; ; attempt++) {
      try {
        return seedOnce(table, definitions);
      } catch (ValidationException | CommitFailedException e) {
        if (attempt == MAX_ATTEMPTS) {
          throw new TicklakeException(
              Kind.CONFLICT,
              "Cannot seed ref.exchange: it kept changing while being seeded ("
                  + e.getMessage()
                  + "); run 'ticklake init' again",
              e);
        }
        try {
          Thread.sleep(ThreadLocalRandom.current().nextLong(10, 50L * attempt));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new TicklakeException(Kind.FAILURE, "Cannot seed ref.exchange: interrupted", ie);
        }
      }
    }
  }

  private static final int MAX_ATTEMPTS = 10;

  private static SeedResult seedOnce(Table table, List<ExchangeDefinition> definitions) {
    table.refresh();
    Snapshot base = table.currentSnapshot();
    Map<String, Record> existing = new TreeMap<>();
    if (base != null) {
      try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
        for (Record r : rows) {
          existing.put((String) r.getField("exchange_id"), r.copy());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    Map<String, Record> wanted = new TreeMap<>(existing);
    int added = 0;
    int updated = 0;
    int unchanged = 0;
    for (ExchangeDefinition d : definitions) {
      Record old = existing.get(d.exchangeId());
      Record fresh = toRecord(table, d, now);
      if (old == null) {
        added++;
        wanted.put(d.exchangeId(), fresh);
      } else if (sameContent(old, fresh)) {
        unchanged++;
      } else {
        updated++;
        wanted.put(d.exchangeId(), fresh);
      }
    }
    if (added == 0 && updated == 0) {
      return new SeedResult(0, 0, unchanged, base == null ? -1 : base.snapshotId());
    }
    List<DataFile> files;
    try (PartitionedRecordWriter writer = new PartitionedRecordWriter(table)) {
      writer.writeAll(wanted.values());
      files = writer.complete();
    }
    OverwriteFiles overwrite = table.newOverwrite();
    if (base != null) {
      for (DataFile f : liveFiles(table)) {
        overwrite.deleteFile(f);
      }
      overwrite.validateFromSnapshot(base.snapshotId());
    }
    // without a starting snapshot Iceberg checks every data file the table ever added: two seeds
    // of an empty table both committed their rows before this
    overwrite
        .conflictDetectionFilter(Expressions.alwaysTrue())
        .validateNoConflictingData()
        .validateNoConflictingDeletes();
    files.forEach(overwrite::addFile);
    overwrite.set("ticklake.operation", "seed-exchanges");
    try {
      overwrite.commit();
    } catch (ValidationException | CommitFailedException e) {
      files.forEach(f -> table.io().deleteFile(f.location()));
      throw e;
    }
    table.refresh();
    return new SeedResult(added, updated, unchanged, table.currentSnapshot().snapshotId());
  }

  private static List<DataFile> liveFiles(Table table) {
    List<DataFile> files = new ArrayList<>();
    try (var tasks =
        table.newScan().useSnapshot(table.currentSnapshot().snapshotId()).planFiles()) {
      tasks.forEach(t -> files.add(t.file()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private static final List<String> CONTENT_COLUMNS =
      List.of(
          "exchange_id",
          "name",
          "asset_class",
          "time_zone",
          "day_rollover",
          "weekly_sessions",
          "holidays",
          "early_closes",
          "late_opens",
          "source");

  private static boolean sameContent(Record a, Record b) {
    for (String c : CONTENT_COLUMNS) {
      if (!Objects.equals(a.getField(c), b.getField(c))) {
        return false;
      }
    }
    return true;
  }

  private static Record toRecord(Table table, ExchangeDefinition d, OffsetDateTime now) {
    GenericRecord r = GenericRecord.create(table.schema());
    r.setField("exchange_id", d.exchangeId());
    r.setField("name", d.name());
    r.setField("asset_class", d.assetClass());
    r.setField("time_zone", d.timeZoneText());
    r.setField("day_rollover", d.dayRolloverText());
    r.setField("weekly_sessions", d.weeklySessionsJson());
    r.setField("holidays", d.holidaysJson());
    r.setField("early_closes", d.earlyClosesJson());
    r.setField("late_opens", d.lateOpensJson());
    r.setField("source", d.source());
    r.setField("updated_at", now);
    return r;
  }

  private static ExchangeDefinition fromRecord(Record r) {
    return ExchangeDefinition.fromColumns(
        (String) r.getField("exchange_id"),
        (String) r.getField("name"),
        (String) r.getField("asset_class"),
        (String) r.getField("time_zone"),
        (String) r.getField("day_rollover"),
        (String) r.getField("weekly_sessions"),
        (String) r.getField("holidays"),
        (String) r.getField("early_closes"),
        (String) r.getField("late_opens"),
        (String) r.getField("source"));
  }
}
