package io.ticklake.gold.export;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.duckdb.Sql;
import io.ticklake.gold.export.ExportSource.TimeStyle;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

/**
 * Writes an Arrow IPC file (Feather v2, uncompressed) by filling Arrow vectors from a DuckDB
 * result. Types follow the table: decimals as decimal128(p,s), times as timestamp[us, UTC], dates
 * as date32, strings as utf8. (DuckDB's own Arrow export needs arrow-c-data's native library;
 * filling vectors needs nothing beyond arrow-vector.)
 */
final class ArrowExport {
  private static final int BATCH_ROWS = 65_536;

  private ArrowExport() {}

  static List<Path> write(ExportSource source, Path dir, String base) throws IOException {
    Path file = dir.resolve(base + ".arrow");
    List<NestedField> columns = source.schema().columns();
    Schema schema =
        new Schema(columns.stream().map(ArrowExport::field).collect(Collectors.toList()));
    String select = select(source, columns);
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel ch =
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, ch);
        Statement s = source.bridge().connection().createStatement();
        ResultSet rs = s.executeQuery(select)) {
      writer.start();
      int n = 0;
      root.allocateNew();
      while (rs.next()) {
        for (int c = 0; c < columns.size(); c++) {
          set(root.getVector(c), columns.get(c).type(), n, rs, c + 1);
        }
        n++;
        if (n == BATCH_ROWS) {
          root.setRowCount(n);
          writer.writeBatch();
          root.allocateNew();
          n = 0;
        }
      }
      if (n > 0) {
        root.setRowCount(n);
        writer.writeBatch();
      }
      writer.end();
    } catch (SQLException e) {
      throw new TicklakeException(
          Kind.FAILURE, "Cannot write Arrow file " + file + ": " + e.getMessage().strip(), e);
    }
    return List.of(file);
  }

  /** The query: times as epoch microseconds and dates as epoch days, the rest as they are. */
  private static String select(ExportSource source, List<NestedField> columns) {
    String inner = source.select(TimeStyle.NATIVE, f -> true, null);
    List<String> cols = new ArrayList<>();
    for (NestedField f : columns) {
      String id = Sql.ident(f.name());
      cols.add(
          switch (f.type().typeId()) {
            case TIMESTAMP -> "epoch_us(" + id + ")";
            case DATE -> "CAST(date_diff('day', DATE '1970-01-01', " + id + ") AS INTEGER)";
            default -> id;
          });
    }
    return "SELECT " + String.join(", ", cols) + " FROM (" + inner + ")";
  }

  private static Field field(NestedField f) {
    ArrowType type =
        switch (f.type().typeId()) {
          case BOOLEAN -> ArrowType.Bool.INSTANCE;
          case INTEGER -> new ArrowType.Int(32, true);
          case LONG -> new ArrowType.Int(64, true);
          case FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
          case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
          case DECIMAL -> {
            Types.DecimalType d = (Types.DecimalType) f.type();
            yield new ArrowType.Decimal(d.precision(), d.scale(), 128);
          }
          case DATE -> new ArrowType.Date(DateUnit.DAY);
          case TIMESTAMP ->
              new ArrowType.Timestamp(
                  TimeUnit.MICROSECOND,
                  ((Types.TimestampType) f.type()).shouldAdjustToUTC() ? "UTC" : null);
          case STRING, UUID -> ArrowType.Utf8.INSTANCE;
          default ->
              throw TicklakeException.of(
                  Kind.UNSUPPORTED,
                  "Cannot export column %s as Arrow: type %s is not supported",
                  f.name(),
                  f.type());
        };
    return new Field(f.name(), new FieldType(f.isOptional(), type, null), null);
  }

  private static void set(FieldVector v, Type type, int row, ResultSet rs, int col)
      throws SQLException {
    switch (type.typeId()) {
      case BOOLEAN -> {
        boolean b = rs.getBoolean(col);
        if (rs.wasNull()) {
          ((BitVector) v).setNull(row);
        } else {
          ((BitVector) v).setSafe(row, b ? 1 : 0);
        }
      }
      case INTEGER, DATE -> {
        int i = rs.getInt(col);
        if (rs.wasNull()) {
          v.setNull(row);
        } else if (v instanceof DateDayVector d) {
          d.setSafe(row, i);
        } else {
          ((IntVector) v).setSafe(row, i);
        }
      }
      case LONG, TIMESTAMP -> {
        long l = rs.getLong(col);
        if (rs.wasNull()) {
          v.setNull(row);
        } else if (v instanceof TimeStampMicroTZVector t) {
          t.setSafe(row, l);
        } else if (v instanceof TimeStampMicroVector t) {
          t.setSafe(row, l);
        } else {
          ((BigIntVector) v).setSafe(row, l);
        }
      }
      case FLOAT -> {
        float x = rs.getFloat(col);
        if (rs.wasNull()) {
          v.setNull(row);
        } else {
          ((Float4Vector) v).setSafe(row, x);
        }
      }
      case DOUBLE -> {
        double x = rs.getDouble(col);
        if (rs.wasNull()) {
          v.setNull(row);
        } else {
          ((Float8Vector) v).setSafe(row, x);
        }
      }
      case DECIMAL -> {
        BigDecimal d = rs.getBigDecimal(col);
        if (d == null) {
          v.setNull(row);
        } else {
          ((DecimalVector) v).setSafe(row, d.setScale(((Types.DecimalType) type).scale()));
        }
      }
      default -> {
        String s = rs.getString(col);
        if (s == null) {
          v.setNull(row);
        } else {
          ((VarCharVector) v).setSafe(row, s.getBytes(StandardCharsets.UTF_8));
        }
      }
    }
  }
}
