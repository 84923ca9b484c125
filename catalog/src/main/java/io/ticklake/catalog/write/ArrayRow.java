package io.ticklake.catalog.write;

import java.util.Arrays;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;

/**
 * A mutable row in Iceberg's internal representation (dates as Integer days, timestamps as Long
 * microseconds, decimals as BigDecimal at the column's scale, strings as CharSequence), addressed
 * by position. Reusing one instance per writer avoids per-row allocation and name lookups on hot
 * paths. Not thread-safe.
 */
public final class ArrayRow implements StructLike {
  private final Object[] values;

  /** A row with one slot per top-level column of {@code schema}. */
  public ArrayRow(Schema schema) {
    this.values = new Object[schema.columns().size()];
  }

  /** The position of a top-level column, for {@link #set(int, Object)}. */
  public static int position(Schema schema, String column) {
    for (int i = 0; i < schema.columns().size(); i++) {
      if (schema.columns().get(i).name().equals(column)) {
        return i;
      }
    }
    throw new IllegalArgumentException("Cannot find column " + column + " in " + schema.asStruct());
  }

  /** Clears every value to null. */
  public void clear() {
    Arrays.fill(values, null);
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public <T> T get(int pos, Class<T> javaClass) {
    return javaClass.cast(values[pos]);
  }

  @Override
  public <T> void set(int pos, T value) {
    values[pos] = value;
  }
}
