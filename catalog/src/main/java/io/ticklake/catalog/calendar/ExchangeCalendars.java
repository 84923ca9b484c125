package io.ticklake.catalog.calendar;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A registry of {@link ExchangeCalendar}s by exchange id. Immutable and thread-safe; the calendars
 * it hands out are shared.
 */
public final class ExchangeCalendars {
  private final Map<String, ExchangeCalendar> calendars;
  private final List<ExchangeDefinition> definitions;

  private ExchangeCalendars(Map<String, ExchangeCalendar> calendars) {
    this.calendars = calendars;
    List<ExchangeDefinition> sorted = new ArrayList<>(calendars.size());
    for (ExchangeCalendar calendar : calendars.values()) {
      sorted.add(calendar.definition());
    }
    this.definitions = List.copyOf(sorted);
  }

  /**
   * A registry of the given definitions.
   *
   * @throws IllegalArgumentException if two definitions have the same exchange id
   */
  public static ExchangeCalendars of(Collection<ExchangeDefinition> definitions) {
    Objects.requireNonNull(definitions, "definitions is null");
    TreeMap<String, ExchangeCalendar> calendars = new TreeMap<>();
    for (ExchangeDefinition definition : definitions) {
      Objects.requireNonNull(definition, "definitions contain null");
      if (calendars.containsKey(definition.exchangeId())) {
        throw new IllegalArgumentException(
            "Cannot register exchange '"
                + definition.exchangeId()
                + "' twice: exchange ids must be unique");
      }
      calendars.put(definition.exchangeId(), ExchangeCalendar.of(definition));
    }
    return new ExchangeCalendars(Collections.unmodifiableMap(calendars));
  }

  /** The registry of {@link LeanMarketHours#bundled()}, built once and shared. */
  public static ExchangeCalendars bundled() {
    return Bundled.CALENDARS;
  }

  private static final class Bundled {
    static final ExchangeCalendars CALENDARS = of(LeanMarketHours.bundled());
  }

  /**
   * The calendar of {@code exchangeId}.
   *
   * @throws IllegalArgumentException listing the known ids if there is no such exchange
   */
  public ExchangeCalendar calendar(String exchangeId) {
    return find(exchangeId)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "Cannot find exchange '"
                        + exchangeId
                        + "': "
                        + (calendars.isEmpty()
                            ? "no exchanges are known"
                            : "known exchanges are " + String.join(", ", calendars.keySet()))));
  }

  /** The calendar of {@code exchangeId}, or empty if there is no such exchange. */
  public Optional<ExchangeCalendar> find(String exchangeId) {
    Objects.requireNonNull(exchangeId, "exchangeId is null");
    return Optional.ofNullable(calendars.get(exchangeId));
  }

  /**
   * For an error about {@code unknownId}: the known exchange ids, led by a suggestion when one of
   * them differs from it only in case ({@code did you mean us-equity? known: …}).
   */
  public String knownIdsFor(String unknownId) {
    String known = "known: " + String.join(", ", exchangeIds());
    return exchangeIds().stream()
        .filter(id -> id.equalsIgnoreCase(unknownId))
        .findFirst()
        .map(id -> "did you mean " + id + "? " + known)
        .orElse(known);
  }

  /** The known exchange ids, sorted. */
  public SortedSet<String> exchangeIds() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(calendars.keySet()));
  }

  /** The definitions, sorted by exchange id; immutable. */
  public Collection<ExchangeDefinition> definitions() {
    return definitions;
  }

  /** The known exchange ids. */
  @Override
  public String toString() {
    return "ExchangeCalendars" + calendars.keySet();
  }
}
