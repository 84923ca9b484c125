package io.ticklake.bronze.live;

import io.ticklake.bronze.wal.WalCursor;
import io.ticklake.bronze.wal.WalTable;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.calendar.ExchangeCalendar;
import io.ticklake.catalog.calendar.ExchangeCalendars;
import io.ticklake.catalog.contract.ExchangeDate;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.PinnedScan;
import io.ticklake.catalog.duckdb.Sql;
import io.ticklake.catalog.write.ArrayRow;
import io.ticklake.catalog.write.LocalTrees;
import io.ticklake.quarantine.RowJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Types.NestedField;
import org.duckdb.DuckDBConnection;

/**
 * Writes the WAL batches of one flush as Bronze Parquet data files, column by column: each batch is
 * read back from the WAL, given its trading date (exchange calendar, computed once per exchange and
 * day) and decimal columns, and handed to DuckDB over the Arrow C stream interface; one {@code COPY
 * … (PARTITION_BY (exchange, trading_date), FIELD_IDS …)} writes the files, which are then
 * registered with their Parquet metrics. No per-row objects; at most one WAL batch is held in Java
 * memory, and DuckDB runs under a fixed memory limit.
 *
 * <p>Not thread-safe: one instance per flusher.
 */
final class BronzeFiles implements AutoCloseable {
  /** DuckDB memory limit of the flush. */
  static final String MEMORY_LIMIT = "192MB";

  /** DuckDB threads of the flush. */
  static final int THREADS = 2;

  private static final String TRADING_DATE = "trading_date";

  /** Receives an event whose exchange has no calendar. */
  interface UnknownExchange {
    /**
     * One such event.
     *
     * @param rowJson the whole event as the Bronze row it would have been ({@link RowJson}), so its
     *     values outlive the WAL segments deleted after the commit
     */
    void accept(long seq, String exchange, String symbol, Instant tsEvent, String rowJson);
  }

  /**
   * The outcome of one write.
   *
   * @param files the data files written (not yet committed)
   * @param kept events written to them
   * @param rejected events without a calendar (not written)
   * @param vendorHigh the highest vendor_seq seen, or {@code Long.MIN_VALUE}
   * @param staging the directory holding the files, to delete if the commit fails
   */
  record Written(List<DataFile> files, long kept, long rejected, long vendorHigh, Path staging) {}

  private final ExchangeCalendars calendars;
  private final String writerId;
  private final Path tempDir;
  private final BufferAllocator allocator = new RootAllocator(512L << 20);
  private DuckDbBridge bridge;
  private long streams;

  BronzeFiles(ExchangeCalendars calendars, String writerId, Path tempDir) {
    this.calendars = calendars;
    this.writerId = writerId;
    this.tempDir = tempDir;
  }

  /**
   * Writes the events {@code after < seq <= upTo} the cursor (opened on this writer's allocator)
   * yields to new data files of {@code table} (partitioned by exchange and trading date); events
   * without a calendar go to {@code unknown} (only those with seq &gt; {@code quarantinedUpTo})
   * instead.
   */
  Written write(
      Table table,
      WalTable kind,
      Function<BufferAllocator, WalCursor> cursors,
      long after,
      long upTo,
      long quarantinedUpTo,
      long ingestedAtMicros,
      UnknownExchange unknown) {
    // pass 1, Java only: trading dates, partitions, counts, quarantine, vendor high-water
    Batches scan =
        new Batches(
            allocator,
            kind,
            cursors.apply(allocator),
            after,
            upTo,
            quarantinedUpTo,
            unknown,
            (in, i) -> rowJson(table, in, i, ingestedAtMicros),
            calendars);
    try {
      scan.scanAll();
    } finally {
      closeQuietly(scan);
    }
    String location =
        table.location() + "/data/live-" + writerId + "-" + upTo + "-" + UUID.randomUUID();
    Path staging = Path.of(PinnedScan.localPath(location));
    List<DataFile> files = new ArrayList<>();
    try {
      // pass 2: one COPY per partition (a plain single-file COPY streams; DuckDB's PARTITION_BY
      // buffers and spills everything first)
      for (Map.Entry<Partition, Long> e : scan.partitions.entrySet()) {
        Partition part = e.getKey();
        String dir = location + "/" + part.path();
        String file = dir + "/part-" + UUID.randomUUID() + ".parquet";
        Files.createDirectories(Path.of(PinnedScan.localPath(dir)));
        copy(table, kind, cursors, after, upTo, part, ingestedAtMicros, file);
        DataFile f = dataFile(table, part, file);
        if (f.recordCount() != e.getValue()) {
          throw cannotWrite(
              after,
              upTo,
              file + " holds " + f.recordCount() + " rows, expected " + e.getValue(),
              null);
        }
        files.add(f);
      }
    } catch (IOException e) {
      LocalTrees.deleteTreeQuietly(staging);
      throw TicklakeException.of(
          Kind.FAILURE, "Cannot write Bronze files under %s: %s", staging, e.getMessage());
    } catch (RuntimeException e) {
      LocalTrees.deleteTreeQuietly(staging);
      throw e;
    }
    return new Written(files, scan.kept, scan.rejected, scan.vendorHigh, staging);
  }

  private void copy(
      Table table,
      WalTable kind,
      Function<BufferAllocator, WalCursor> cursors,
      long after,
      long upTo,
      Partition part,
      long ingestedAtMicros,
      String file) {
    if (bridge == null) {
      bridge = DuckDbBridge.open(tempDir, THREADS, MEMORY_LIMIT);
      bridge.execute("SET preserve_insertion_order = false");
    }
    String name = "tl_wal_" + (++streams);
    Batches batches =
        new Batches(
            allocator,
            kind,
            cursors.apply(allocator),
            after,
            upTo,
            Long.MAX_VALUE,
            (seq, exchange, symbol, ts, row) -> {},
            null,
            calendars);
    try (ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
      Data.exportArrayStream(allocator, batches, stream);
      try {
        bridge.connection().unwrap(DuckDBConnection.class).registerArrowStream(name, stream);
        try (Statement s = bridge.connection().createStatement()) {
          s.execute(copySql(table, name, after, upTo, part, ingestedAtMicros, file));
        }
      } catch (SQLException e) {
        if (batches.failure != null) {
          throw batches.failure;
        }
        throw cannotWrite(after, upTo, e.getMessage().strip(), e);
      } finally {
        stream.release();
      }
    } finally {
      closeQuietly(batches);
    }
    if (batches.failure != null) {
      throw batches.failure;
    }
  }

  /**
   * Row {@code i} of a WAL batch as the Bronze row it would have been (lineage as the flush sets
   * it, no trading date), rendered by {@link RowJson}.
   */
  private String rowJson(Table table, VectorSchemaRoot in, int i, long ingestedAtMicros) {
    org.apache.iceberg.Schema schema = table.schema();
    ArrayRow row = new ArrayRow(schema);
    int pos = 0;
    for (NestedField f : schema.columns()) {
      Object v =
          switch (f.name()) {
            case TRADING_DATE, "file_id", "file_seq" -> null;
            case "ts_recv" -> walValue(in.getVector(WalTable.RECEIVED_AT), i);
            case "vendor" -> BronzeWriter.VENDOR;
            case "writer_id" -> writerId;
            case "ingested_at" -> ingestedAtMicros;
            default -> walValue(in.getVector(f.name()), i);
          };
      row.set(pos++, v);
    }
    return RowJson.of(schema, row);
  }

  /** A WAL value in Iceberg's internal representation (scaled int64 become decimals). */
  private static Object walValue(FieldVector v, int i) {
    if (v == null || v.isNull(i)) {
      return null;
    }
    if (v instanceof BigIntVector b) {
      String scale = v.getField().getMetadata().get(WalTable.SCALE_KEY);
      return scale == null
          ? (Object) b.get(i)
          : java.math.BigDecimal.valueOf(b.get(i), Integer.parseInt(scale));
    }
    if (v instanceof TimeStampMicroTZVector t) {
      return t.get(i);
    }
    if (v instanceof VarCharVector s) {
      return new String(s.get(i), StandardCharsets.UTF_8);
    }
    if (v instanceof org.apache.arrow.vector.BitVector b) {
      return b.get(i) == 1;
    }
    return v.getObject(i);
  }

  static TicklakeException cannotWrite(long after, long upTo, String detail, Throwable cause) {
    return new TicklakeException(
        Kind.FAILURE,
        "Cannot write Bronze files for WAL seqs " + (after + 1) + ".." + upTo + ": " + detail,
        cause);
  }

  private static void closeQuietly(Batches b) {
    try {
      b.close();
    } catch (IOException e) {
      // only frees memory
    }
  }

  private String copySql(
      Table table,
      String stream,
      long after,
      long upTo,
      Partition part,
      long ingestedAtMicros,
      String file) {
    Map<String, String> fromWal =
        Map.of(
            "ts_recv",
            Sql.ident(WalTable.RECEIVED_AT),
            "vendor",
            Sql.string(BronzeWriter.VENDOR),
            "writer_id",
            Sql.string(writerId),
            "ingested_at",
            "make_timestamp(" + ingestedAtMicros + ")",
            "file_id",
            "NULL",
            "file_seq",
            "NULL");
    List<String> columns = new ArrayList<>();
    for (NestedField f : table.schema().columns()) {
      String expr = fromWal.getOrDefault(f.name(), Sql.ident(f.name()));
      columns.add(
          "CAST(" + expr + " AS " + DuckDbBridge.duckDbType(f) + ") AS " + Sql.ident(f.name()));
    }
    String fieldIds =
        table.schema().columns().stream()
            .map(f -> Sql.ident(f.name()) + ": " + f.fieldId())
            .collect(Collectors.joining(", "));
    String codecLevel =
        table.properties().getOrDefault(TableProperties.PARQUET_COMPRESSION_LEVEL, "1");
    return "COPY (SELECT "
        + String.join(", ", columns)
        + " FROM "
        + stream
        + " WHERE exchange = "
        + Sql.string(part.exchange())
        + " AND "
        + TRADING_DATE
        + " = DATE "
        + Sql.string(LocalDate.ofEpochDay(part.day()).toString())
        + " AND wal_seq > "
        + after
        + " AND wal_seq <= "
        + upTo
        + ") TO "
        + Sql.string(PinnedScan.localPath(file))
        + " (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL "
        + Integer.parseInt(codecLevel)
        + ", FIELD_IDS {"
        + fieldIds
        + "})";
  }

  private static DataFile dataFile(Table table, Partition part, String file) {
    var input = table.io().newInputFile(file);
    return DataFiles.builder(table.spec())
        .withPath(file)
        .withFormat(FileFormat.PARQUET)
        .withPartitionValues(List.of(part.exchange(), LocalDate.ofEpochDay(part.day()).toString()))
        .withFileSizeInBytes(input.getLength())
        .withMetrics(ParquetUtil.fileMetrics(input, MetricsConfig.forTable(table)))
        .build();
  }

  /** A Bronze partition: exchange and trading date (epoch day). */
  record Partition(String exchange, int day) {
    /** The partition's folder ({@link ExchangeDate#path()}). */
    String path() {
      return ExchangeDate.of(exchange, LocalDate.ofEpochDay(day)).path();
    }
  }

  @Override
  public void close() {
    if (bridge != null) {
      bridge.close();
      bridge = null;
    }
    allocator.close();
  }

  /**
   * The WAL batches as an Arrow stream in Bronze form: the WAL columns, scaled int64 decimals as
   * {@code decimal(18, scale)} and the trading date, null for an exchange without a calendar.
   */
  private static final class Batches extends ArrowReader {
    private final WalCursor cursor;
    private final long after;
    private final long upTo;
    private final long quarantinedUpTo;
    private final UnknownExchange unknown;
    private final java.util.function.BiFunction<VectorSchemaRoot, Integer, String> rows;
    private final ExchangeCalendars calendars;
    private final Schema schema;
    private final boolean[] scaled;
    TicklakeException failure;
    long kept;
    long rejected;
    long vendorHigh = Long.MIN_VALUE;
    final Map<Partition, Long> partitions = new LinkedHashMap<>();
    private Partition current;
    private long currentRows;
    private String exchangeName;
    // calendar cache: the last exchange seen and its current trading day
    private byte[] lastExchange;
    private byte[] scratch = new byte[64];
    private ExchangeCalendar calendar;
    private long dayStart = Long.MAX_VALUE;
    private long dayEnd = Long.MIN_VALUE;
    private int day;

    Batches(
        BufferAllocator allocator,
        WalTable kind,
        WalCursor cursor,
        long after,
        long upTo,
        long quarantinedUpTo,
        UnknownExchange unknown,
        java.util.function.BiFunction<VectorSchemaRoot, Integer, String> rows,
        ExchangeCalendars calendars) {
      super(allocator);
      this.cursor = cursor;
      this.after = after;
      this.upTo = upTo;
      this.quarantinedUpTo = quarantinedUpTo;
      this.unknown = unknown;
      this.rows = rows;
      this.calendars = calendars;
      List<Field> walFields = kind.schema().getFields();
      List<Field> fields = new ArrayList<>();
      scaled = new boolean[walFields.size()];
      for (int i = 0; i < walFields.size(); i++) {
        Field f = walFields.get(i);
        String scale = f.getMetadata().get(WalTable.SCALE_KEY);
        if (scale != null) {
          scaled[i] = true;
          fields.add(
              new Field(
                  f.getName(),
                  new FieldType(
                      f.isNullable(),
                      new ArrowType.Decimal(18, Integer.parseInt(scale), 128),
                      null),
                  null));
        } else {
          fields.add(new Field(f.getName(), f.getFieldType(), null));
        }
      }
      fields.add(
          new Field(TRADING_DATE, FieldType.nullable(new ArrowType.Date(DateUnit.DAY)), null));
      schema = new Schema(fields);
    }

    @Override
    protected Schema readSchema() {
      return schema;
    }

    @Override
    public boolean loadNextBatch() throws IOException {
      if (failure != null) {
        return false;
      }
      try {
        ensureInitialized();
        if (!cursor.next()) {
          return false;
        }
        fill(cursor.root(), getVectorSchemaRoot());
        return true;
      } catch (TicklakeException e) {
        failure = e;
        throw new IOException(e.getMessage(), e);
      } catch (RuntimeException e) {
        failure = cannotWrite(after, upTo, e.toString(), e);
        throw new IOException(e.getMessage(), e);
      }
    }

    /** Pass 1: reads every batch for the counts and partitions only. */
    void scanAll() {
      try (DateDayVector date = new DateDayVector(TRADING_DATE, allocator)) {
        while (cursor.next()) {
          dates(cursor.root(), date);
        }
      }
      endRun();
    }

    private void endRun() {
      if (current != null) {
        partitions.merge(current, currentRows, Long::sum);
        current = null;
        currentRows = 0;
      }
    }

    private void fill(VectorSchemaRoot in, VectorSchemaRoot out) {
      int n = in.getRowCount();
      dates(in, (DateDayVector) out.getVector(TRADING_DATE));
      List<FieldVector> src = in.getFieldVectors();
      for (int j = 0; j < src.size(); j++) {
        FieldVector s = src.get(j);
        FieldVector d = out.getVector(j);
        if (scaled[j]) {
          BigIntVector unscaled = (BigIntVector) s;
          DecimalVector dec = (DecimalVector) d;
          dec.allocateNew(n);
          for (int i = 0; i < n; i++) {
            if (unscaled.isNull(i)) {
              dec.setNull(i);
            } else {
              dec.set(i, unscaled.get(i));
            }
          }
          dec.setValueCount(n);
        } else {
          s.makeTransferPair(d).transfer();
        }
      }
      out.setRowCount(n);
    }

    /** Sets the trading date of every row and counts the rows in (after, upTo]. */
    private void dates(VectorSchemaRoot in, DateDayVector date) {
      int n = in.getRowCount();
      long first = cursor.entry().firstSeq();
      int from = cursor.fromRow();
      int to = (int) Math.min(n, upTo - first + 1); // exclusive
      VarCharVector exchange = (VarCharVector) in.getVector("exchange");
      TimeStampMicroTZVector ts = (TimeStampMicroTZVector) in.getVector("ts_event");
      BigIntVector vendorSeq = (BigIntVector) in.getVector("vendor_seq");
      date.allocateNew(n);
      for (int i = 0; i < n; i++) {
        boolean counted = i >= from && i < to;
        if (counted && !vendorSeq.isNull(i)) {
          vendorHigh = Math.max(vendorHigh, vendorSeq.get(i));
        }
        if (exchange.isNull(i)) {
          date.setNull(i);
          if (counted) {
            reject(in, i, first + i, null);
          }
          continue;
        }
        if (!sameExchange(exchange, i)) {
          lastExchange = exchange.get(i);
          exchangeName = new String(lastExchange, StandardCharsets.UTF_8);
          calendar = calendars.find(exchangeName).orElse(null);
          dayStart = Long.MAX_VALUE;
          dayEnd = Long.MIN_VALUE;
        }
        if (calendar == null) {
          date.setNull(i);
          if (counted) {
            reject(in, i, first + i, exchangeName);
          }
          continue;
        }
        long t = ts.get(i);
        if (t < dayStart || t >= dayEnd) {
          LocalDate d = calendar.tradingDate(instant(t));
          day = (int) d.toEpochDay();
          dayStart = micros(calendar.startOf(d));
          dayEnd = micros(calendar.endOf(d));
        }
        date.set(i, day);
        if (counted) {
          kept++;
          if (current == null || current.day() != day || !current.exchange().equals(exchangeName)) {
            endRun();
            current = new Partition(exchangeName, day);
          }
          currentRows++;
        }
      }
      date.setValueCount(n);
    }

    private void reject(VectorSchemaRoot in, int i, long seq, String exchange) {
      rejected++;
      if (seq > quarantinedUpTo) {
        VarCharVector symbol = (VarCharVector) in.getVector("symbol");
        TimeStampMicroTZVector ts = (TimeStampMicroTZVector) in.getVector("ts_event");
        unknown.accept(
            seq,
            exchange,
            symbol.isNull(i) ? null : new String(symbol.get(i), StandardCharsets.UTF_8),
            instant(ts.get(i)),
            rows == null ? null : rows.apply(in, i));
      }
    }

    private boolean sameExchange(VarCharVector v, int i) {
      if (lastExchange == null) {
        return false;
      }
      int start = v.getOffsetBuffer().getInt((long) i * 4);
      int len = v.getOffsetBuffer().getInt((long) (i + 1) * 4) - start;
      if (len != lastExchange.length) {
        return false;
      }
      if (scratch.length < len) {
        scratch = new byte[len];
      }
      v.getDataBuffer().getBytes(start, scratch, 0, len);
      return Arrays.equals(scratch, 0, len, lastExchange, 0, len);
    }

    private static Instant instant(long micros) {
      return Instant.ofEpochSecond(
          Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    private static long micros(Instant t) {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    @Override
    public long bytesRead() {
      return cursor.bytesRead();
    }

    @Override
    protected void closeReadSource() {
      cursor.close();
    }
  }
}
