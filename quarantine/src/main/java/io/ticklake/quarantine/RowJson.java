package io.ticklake.quarantine;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.iceberg.types.Types.TimestampType;

/**
 * The {@code row_json} of a quarantine row rejected before it reached an Iceberg table (an event
 * whose exchange has no calendar): every column of the row in the table's schema order, in the text
 * DuckDB's {@code to_json} gives the rows the compactor quarantines — decimals as JSON numbers at
 * their scale, times as {@code 2020-02-22 00:00:00.007+00} (UTC, trailing zeros of the fraction
 * dropped), dates as {@code 2020-02-22}, NULL as {@code null} — so one query reads both.
 */
public final class RowJson {
  private static final JsonFactory JSON = new JsonFactory();

  private RowJson() {}

  /**
   * The row as JSON.
   *
   * @param schema the schema the row follows
   * @param row the row in Iceberg's internal representation (micros for times, epoch days for
   *     dates, {@link BigDecimal} for decimals)
   */
  public static String of(Schema schema, StructLike row) {
    requireNonNull(schema, "schema is null");
    requireNonNull(row, "row is null");
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      int pos = 0;
      for (NestedField f : schema.columns()) {
        g.writeFieldName(f.name());
        write(g, f.type(), row.get(pos++, Object.class));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator g, Type type, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
      return;
    }
    switch (type.typeId()) {
      case STRING, UUID -> g.writeString(v.toString());
      case BOOLEAN -> g.writeBoolean((Boolean) v);
      case INTEGER, LONG -> g.writeNumber(((Number) v).longValue());
      case DECIMAL -> g.writeNumber(((BigDecimal) v).toPlainString());
      case DATE -> g.writeString(LocalDate.ofEpochDay(((Number) v).longValue()).toString());
      case TIMESTAMP -> g.writeString(timestamp(((Number) v).longValue(), (TimestampType) type));
      default -> g.writeString(v.toString());
    }
  }

  /** Epoch microseconds as DuckDB prints a timestamp (with {@code +00} for a zoned one). */
  static String timestamp(long micros, TimestampType type) {
    long seconds = Math.floorDiv(micros, 1_000_000L);
    int fraction = (int) Math.floorMod(micros, 1_000_000L);
    LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%04d-%02d-%02d %02d:%02d:%02d",
                t.getYear(),
                t.getMonthValue(),
                t.getDayOfMonth(),
                t.getHour(),
                t.getMinute(),
                t.getSecond()));
    if (fraction != 0) {
      String digits = String.format(Locale.ROOT, "%06d", fraction);
      int end = digits.length();
      while (digits.charAt(end - 1) == '0') {
        end--;
      }
      s.append('.').append(digits, 0, end);
    }
    if (type.shouldAdjustToUTC()) {
      s.append("+00");
    }
    return s.toString();
  }
}
