package io.ticklake.bronze.wal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The event kind a WAL holds, which fixes its Arrow schema. Prices and sizes are stored as unscaled
 * {@code int64} at a fixed scale (9 for prices, 8 for sizes, named in the field metadata {@code
 * ticklake.scale}), which is exact and cheaper to write than {@code Decimal128}. Times are {@code
 * timestamp[us, UTC]}. Every schema starts with {@code wal_seq} and {@code received_at}, which the
 * WAL assigns.
 */
public enum WalTable {
  /** Trades, {@link io.ticklake.bronze.read.TradeRow}. */
  TRADES(
      1,
      List.of(
          scaled("price", 9),
          scaled("size", 8),
          utf8("venue"),
          utf8("side"),
          utf8("vendor_trade_id"),
          int64("sale_condition", true),
          utf8("sale_condition_raw"),
          bool("suspicious"),
          int64("vendor_seq", true))),
  /** Top-of-book quotes, {@link io.ticklake.bronze.read.QuoteRow}. */
  QUOTES(
      2,
      List.of(
          nullableScaled("bid_price", 9),
          nullableScaled("bid_size", 8),
          nullableScaled("ask_price", 9),
          nullableScaled("ask_size", 8),
          utf8("venue"),
          int64("quote_condition", true),
          utf8("quote_condition_raw"),
          bool("suspicious"),
          int64("vendor_seq", true)));

  /** Column assigned by the WAL: the sequence number. */
  public static final String WAL_SEQ = "wal_seq";

  /** Column assigned by the WAL: when it accepted the batch. */
  public static final String RECEIVED_AT = "received_at";

  /** Field metadata key naming the decimal scale of an unscaled int64 column. */
  public static final String SCALE_KEY = "ticklake.scale";

  private final int code;
  private final Schema schema;

  WalTable(int code, List<Field> tail) {
    this.code = code;
    List<Field> fields = new ArrayList<>();
    fields.add(int64(WAL_SEQ, false));
    fields.add(timestamp(RECEIVED_AT, false));
    fields.add(new Field("symbol", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null));
    fields.add(utf8("exchange"));
    fields.add(timestamp("ts_event", false));
    fields.add(int64("ts_event_ns", true));
    fields.add(timestamp("ts_recv", true));
    fields.addAll(tail);
    this.schema = new Schema(fields);
  }

  /** The Arrow schema of this kind's WAL segments. */
  public Schema schema() {
    return schema;
  }

  /** Directory name under the writer's WAL directory ({@code trades}, {@code quotes}). */
  public String dirName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The code stored in each segment's index header. */
  int code() {
    return code;
  }

  static WalTable ofCode(int code) {
    for (WalTable table : values()) {
      if (table.code == code) {
        return table;
      }
    }
    return null;
  }

  private static Field utf8(String name) {
    return new Field(name, FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
  }

  private static Field bool(String name) {
    return new Field(name, FieldType.nullable(ArrowType.Bool.INSTANCE), null);
  }

  private static Field int64(String name, boolean nullable) {
    ArrowType type = new ArrowType.Int(64, true);
    return new Field(name, nullable ? FieldType.nullable(type) : FieldType.notNullable(type), null);
  }

  private static Field timestamp(String name, boolean nullable) {
    ArrowType type = new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
    return new Field(name, nullable ? FieldType.nullable(type) : FieldType.notNullable(type), null);
  }

  private static Field scaled(String name, int scale) {
    return new Field(
        name,
        new FieldType(
            false, new ArrowType.Int(64, true), null, Map.of(SCALE_KEY, Integer.toString(scale))),
        null);
  }

  private static Field nullableScaled(String name, int scale) {
    return new Field(
        name,
        new FieldType(
            true, new ArrowType.Int(64, true), null, Map.of(SCALE_KEY, Integer.toString(scale))),
        null);
  }
}
