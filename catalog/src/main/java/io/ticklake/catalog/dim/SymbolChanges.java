package io.ticklake.catalog.dim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What a save does to the rows of the version it is based on: rows to remove (by {@link
 * SymbolVersion#key()}) and rows to add. Closing a version is removing the open row and adding it
 * again with a {@code valid_until}. Immutable.
 *
 * @param removed rows to remove; each must be present in the base version
 * @param added rows to add
 */
public record SymbolChanges(List<SymbolVersion> removed, List<SymbolVersion> added) {
  public SymbolChanges {
    removed = List.copyOf(removed);
    added = List.copyOf(added);
  }

  /** No change. */
  public static SymbolChanges none() {
    return new SymbolChanges(List.of(), List.of());
  }

  /** Adds rows. */
  public static SymbolChanges adding(Collection<SymbolVersion> rows) {
    return new SymbolChanges(List.of(), List.copyOf(rows));
  }

  /** Adds rows. */
  public static SymbolChanges adding(SymbolVersion... rows) {
    return adding(List.of(rows));
  }

  /** Replaces one row by another (e.g. the same version, closed). */
  public static SymbolChanges replacing(SymbolVersion old, SymbolVersion replacement) {
    return new SymbolChanges(List.of(old), List.of(replacement));
  }

  /** These changes followed by {@code other}'s. */
  public SymbolChanges plus(SymbolChanges other) {
    List<SymbolVersion> r = new ArrayList<>(removed);
    r.addAll(other.removed);
    List<SymbolVersion> a = new ArrayList<>(added);
    a.addAll(other.added);
    return new SymbolChanges(r, a);
  }

  /** True when nothing would change. */
  public boolean isEmpty() {
    return removed.isEmpty() && added.isEmpty();
  }
}
