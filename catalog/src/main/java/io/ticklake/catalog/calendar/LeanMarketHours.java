package io.ticklake.catalog.calendar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads QuantConnect Lean's market-hours database ({@code market-hours-database.json}) into {@link
 * ExchangeDefinition}s.
 *
 * <p>Per entry it uses {@code exchangeTimeZone}, the seven weekday arrays of {@code {start, end,
 * state}} segments (a missing day has no sessions; states premarket, market, postmarket become
 * {@link SessionType#PRE}, {@link SessionType#REGULAR}, {@link SessionType#POST}; times are .NET
 * time spans such as {@code 09:30:00}, {@code 8:15:00} or {@code 1.00:00:00} for the end of the
 * day), {@code holidays} ({@code M/d/yyyy}), {@code earlyCloses} and {@code lateOpens} ({@code
 * M/d/yyyy} to a time). It ignores {@code dataTimeZone} (the time zone of Lean's data files, not of
 * the exchange) and {@code bankHolidays} (days the exchange trades but banks settle nothing).
 * Definitions read from Lean roll the trading date over at local midnight.
 *
 * <p>A trimmed copy of the database with the entries ticklake seeds is bundled; see {@link
 * #bundled()} and {@link #bundledMapping()}. Stateless and thread-safe.
 */
public final class LeanMarketHours {
  /** The bundled trimmed database, a resource next to this class. */
  public static final String BUNDLED_RESOURCE = "lean-market-hours.json";

  /** The prefix of {@link ExchangeDefinition#source()} for definitions read from Lean. */
  public static final String SOURCE_PREFIX = "lean-market-hours:";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LEAN_DATE = Pattern.compile("([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})");

  /**
   * .NET {@code TimeSpan} text as Lean writes it: {@code [d.]h:mm:ss[.fffffff]}, and also {@code
   * d:hh:mm:ss}, which .NET accepts and some Lean entries use.
   */
  private static final Pattern LEAN_TIME =
      Pattern.compile(
          "(?:([0-9]{1,2})[.:])?([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\\.([0-9]{1,7}))?");

  private static final Map<String, Target> BUNDLED_MAPPING = bundledMappingTable();

  private LeanMarketHours() {}

  /**
   * Which ticklake exchange a Lean entry becomes.
   *
   * @param exchangeId the ticklake exchange id, e.g. {@code us-equity}
   * @param name the human-readable name
   * @param assetClass the asset class, e.g. {@code equity}, {@code crypto}, {@code crypto-future}
   */
  public record Target(String exchangeId, String name, String assetClass) {
    /** Checks no field is null. */
    public Target {
      Objects.requireNonNull(exchangeId, "exchangeId is null");
      Objects.requireNonNull(name, "name is null");
      Objects.requireNonNull(assetClass, "assetClass is null");
    }
  }

  private static Map<String, Target> bundledMappingTable() {
    Map<String, Target> mapping = new LinkedHashMap<>();
    mapping.put("Equity-usa-[*]", new Target("us-equity", "US equities (consolidated)", "equity"));
    mapping.put("Crypto-coinbase-[*]", new Target("coinbase", "Coinbase", "crypto"));
    mapping.put("Crypto-bitfinex-[*]", new Target("bitfinex", "Bitfinex", "crypto"));
    mapping.put("Crypto-binance-[*]", new Target("binance", "Binance", "crypto"));
    mapping.put("Crypto-binanceus-[*]", new Target("binance-us", "Binance.US", "crypto"));
    mapping.put("Crypto-kraken-[*]", new Target("kraken", "Kraken", "crypto"));
    mapping.put("Crypto-bybit-[*]", new Target("bybit", "Bybit", "crypto"));
    mapping.put(
        "CryptoFuture-binance-[*]",
        new Target("binance-futures", "Binance USD-M futures", "crypto-future"));
    mapping.put(
        "CryptoFuture-bybit-[*]",
        new Target("bybit-futures", "Bybit derivatives", "crypto-future"));
    mapping.put("CryptoFuture-dydx-[*]", new Target("dydx", "dYdX", "crypto-future"));
    return Collections.unmodifiableMap(mapping);
  }

  /** The Lean entries ticklake seeds and the exchanges they become, in a fixed order. */
  public static Map<String, Target> bundledMapping() {
    return BUNDLED_MAPPING;
  }

  /**
   * The definitions of {@link #bundledMapping()} read from the bundled trimmed database, sorted by
   * exchange id. Read once and cached; the list is immutable.
   *
   * @throws IllegalStateException if the bundled resource is missing or unreadable
   */
  public static List<ExchangeDefinition> bundled() {
    return Bundled.DEFINITIONS;
  }

  private static final class Bundled {
    static final List<ExchangeDefinition> DEFINITIONS = load();

    private static List<ExchangeDefinition> load() {
      try (InputStream in = LeanMarketHours.class.getResourceAsStream(BUNDLED_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(
              "Cannot find the bundled resource "
                  + BUNDLED_RESOURCE
                  + " next to "
                  + LeanMarketHours.class.getName());
        }
        return read(in, BUNDLED_MAPPING);
      } catch (IOException e) {
        throw new IllegalStateException(
            "Cannot read the bundled resource " + BUNDLED_RESOURCE + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Reads the entries named by {@code mapping}'s keys from a Lean market-hours database and returns
   * one definition per entry, sorted by exchange id. Does not close {@code in}.
   *
   * @param in the database JSON, {@code {"entries": {"<key>": {...}, ...}}}
   * @param mapping Lean entry key (e.g. {@code Equity-usa-[*]}) to the exchange it becomes
   * @throws IllegalArgumentException naming the entry and field if an entry is missing or malformed
   * @throws UncheckedIOException if reading the stream fails
   */
  public static List<ExchangeDefinition> read(InputStream in, Map<String, Target> mapping) {
    Objects.requireNonNull(in, "in is null");
    Objects.requireNonNull(mapping, "mapping is null");
    Set<String> ids = new HashSet<>();
    for (Target target : mapping.values()) {
      if (!ids.add(Objects.requireNonNull(target, "mapping has a null target").exchangeId())) {
        throw new IllegalArgumentException(
            "Cannot map two Lean market hours entries to exchange '" + target.exchangeId() + "'");
      }
    }
    JsonNode root;
    try {
      root = JSON.readTree(in);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Cannot read the Lean market hours database: it is not valid JSON: "
              + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the Lean market hours database: " + e.getMessage(), e);
    }
    JsonNode entries = root == null ? null : root.get("entries");
    if (entries == null || !entries.isObject()) {
      throw new IllegalArgumentException(
          "Cannot read the Lean market hours database: it has no \"entries\" object");
    }
    List<ExchangeDefinition> definitions = new ArrayList<>();
    for (Map.Entry<String, Target> mapped : mapping.entrySet()) {
      String key = Objects.requireNonNull(mapped.getKey(), "mapping has a null key");
      JsonNode entry = entries.get(key);
      if (entry == null) {
        throw new IllegalArgumentException(
            "Cannot find market hours entry "
                + key
                + " in the Lean market hours database ("
                + entries.size()
                + " entries)");
      }
      definitions.add(readEntry(key, entry, mapped.getValue()));
    }
    definitions.sort(Comparator.comparing(ExchangeDefinition::exchangeId));
    return List.copyOf(definitions);
  }

  private static ExchangeDefinition readEntry(String key, JsonNode entry, Target target) {
    try {
      if (!entry.isObject()) {
        throw new IllegalArgumentException("the entry is not a JSON object");
      }
      ZoneId zone = readZone(entry);
      Map<DayOfWeek, List<SessionWindow>> week = new EnumMap<>(DayOfWeek.class);
      for (DayOfWeek day : DayOfWeek.values()) {
        week.put(day, readDay(entry, ExchangeDefinition.dayName(day)));
      }
      SortedSet<LocalDate> holidays = new TreeSet<>();
      JsonNode holidayNodes = entry.path("holidays");
      if (!holidayNodes.isMissingNode()) {
        if (!holidayNodes.isArray()) {
          throw new IllegalArgumentException("holidays is not an array");
        }
        for (JsonNode holiday : holidayNodes) {
          holidays.add(readDate(holiday, "holiday"));
        }
      }
      SortedMap<LocalDate, LocalTime> earlyCloses =
          readDateTimes(entry, "earlyCloses", "early close");
      SortedMap<LocalDate, LocalTime> lateOpens = readDateTimes(entry, "lateOpens", "late open");
      return new ExchangeDefinition(
          target.exchangeId(),
          target.name(),
          target.assetClass(),
          zone,
          LocalTime.MIDNIGHT,
          week,
          holidays,
          earlyCloses,
          lateOpens,
          SOURCE_PREFIX + key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot read market hours entry " + key + ": " + e.getMessage(), e);
    }
  }

  private static ZoneId readZone(JsonNode entry) {
    JsonNode zone = entry.get("exchangeTimeZone");
    if (zone == null || !zone.isTextual()) {
      throw new IllegalArgumentException("exchangeTimeZone is missing or not a string");
    }
    try {
      return ZoneId.of(zone.asText());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "exchangeTimeZone '" + zone.asText() + "' is not a known time zone");
    }
  }

  private static List<SessionWindow> readDay(JsonNode entry, String dayName) {
    JsonNode segments = entry.get(dayName);
    if (segments == null || segments.isNull()) {
      return List.of();
    }
    if (!segments.isArray()) {
      throw new IllegalArgumentException(dayName + " is not an array of segments");
    }
    List<SessionWindow> windows = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      JsonNode segment = segments.get(i);
      String where = dayName + " segment " + i;
      if (!segment.isObject()) {
        throw new IllegalArgumentException(where + " is not an object");
      }
      String state = text(segment, "state", where);
      SessionType type =
          switch (state) {
            case "premarket" -> SessionType.PRE;
            case "market" -> SessionType.REGULAR;
            case "postmarket" -> SessionType.POST;
            default ->
                throw new IllegalArgumentException(
                    where + " state '" + state + "' is not premarket, market or postmarket");
          };
      String startText = text(segment, "start", where);
      String endText = text(segment, "end", where);
      long start = leanTime(startText, where + " start");
      long end = leanTime(endText, where + " end");
      if (start >= TimeText.NANOS_PER_DAY) {
        throw new IllegalArgumentException(
            where + " start '" + startText + "' is not before the end of the day");
      }
      if (end > TimeText.NANOS_PER_DAY) {
        throw new IllegalArgumentException(
            where + " end '" + endText + "' is after the end of the day (1.00:00:00)");
      }
      if (start >= end) {
        throw new IllegalArgumentException(
            where + " start '" + startText + "' is not before its end '" + endText + "'");
      }
      windows.add(
          new SessionWindow(
              type,
              LocalTime.ofNanoOfDay(start),
              end == TimeText.NANOS_PER_DAY ? LocalTime.MIDNIGHT : LocalTime.ofNanoOfDay(end)));
    }
    return windows;
  }

  private static SortedMap<LocalDate, LocalTime> readDateTimes(
      JsonNode entry, String field, String what) {
    SortedMap<LocalDate, LocalTime> times = new TreeMap<>();
    JsonNode node = entry.path(field);
    if (node.isMissingNode() || node.isNull()) {
      return times;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(field + " is not an object");
    }
    for (Map.Entry<String, JsonNode> item : node.properties()) {
      LocalDate date = parseLeanDate(item.getKey(), what + " date");
      JsonNode value = item.getValue();
      if (!value.isTextual()) {
        throw new IllegalArgumentException(what + " on " + item.getKey() + " is not a string");
      }
      long time = leanTime(value.asText(), what + " on " + item.getKey());
      if (time >= TimeText.NANOS_PER_DAY) {
        throw new IllegalArgumentException(
            what + " on " + item.getKey() + " '" + value.asText() + "' is not before 24:00");
      }
      LocalTime previous = times.put(date, LocalTime.ofNanoOfDay(time));
      if (previous != null && previous.toNanoOfDay() != time) {
        throw new IllegalArgumentException(
            what + " date " + date + " is listed twice with different times");
      }
    }
    return times;
  }

  private static LocalDate readDate(JsonNode node, String what) {
    if (!node.isTextual()) {
      throw new IllegalArgumentException(what + " " + node + " is not a string");
    }
    return parseLeanDate(node.asText(), what);
  }

  private static LocalDate parseLeanDate(String text, String what) {
    Matcher m = LEAN_DATE.matcher(text);
    if (m.matches()) {
      try {
        return LocalDate.of(
            Integer.parseInt(m.group(3)),
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)));
      } catch (DateTimeException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(what + " '" + text + "' is not a M/d/yyyy date");
  }

  /** A .NET time span as nanoseconds; may exceed one day (checked by the caller). */
  private static long leanTime(String text, String what) {
    Matcher m = LEAN_TIME.matcher(text);
    if (m.matches()) {
      long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
      int hours = Integer.parseInt(m.group(2));
      int minutes = Integer.parseInt(m.group(3));
      int seconds = Integer.parseInt(m.group(4));
      String fraction = m.group(5);
      if (days <= 1 && hours < 24 && minutes < 60 && seconds < 60) {
        long nanos =
            fraction == null ? 0 : Long.parseLong((fraction + "000000000").substring(0, 9));
        return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1_000_000_000L + nanos;
      }
    }
    throw new IllegalArgumentException(what + " '" + text + "' is not a h:mm:ss time");
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(where + " has no string field '" + field + "'");
    }
    return value.asText();
  }
}
