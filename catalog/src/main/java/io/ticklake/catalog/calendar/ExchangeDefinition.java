package io.ticklake.catalog.calendar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The stored description of one exchange's calendar: a row of the {@code ref.exchange} table.
 *
 * <p>All times are exchange-local wall-clock times in {@link #zone()}. {@link #weeklySessions()}
 * lists each weekday's session windows; {@link #holidays()} are local dates without any session;
 * {@link #earlyCloses()} and {@link #lateOpens()} cut the windows of a local date (see {@link
 * ExchangeCalendar} for the exact rules: Lean's, except that an early close moves post-market to
 * start at the early close instead of dropping it).
 *
 * <p>{@code dayRollover} is the local wall-clock time at which the next trading date begins: {@link
 * LocalTime#MIDNIGHT} means the trading date is the local calendar date; any other time {@code R}
 * means an instant whose local time is at or after {@code R} belongs to the next calendar date's
 * trading date (CME-style {@code 17:00}: a Sunday 18:00 print belongs to Monday).
 *
 * <p>The collections are immutable copies; {@link #weeklySessions()} always has all seven days (an
 * empty list for a day without sessions), each day's windows sorted by start and not overlapping.
 * The {@code ...Json()} methods and {@link #fromColumns} convert to and from the deterministic
 * column strings of {@code ref.exchange}; the round trip is exact. Immutable and thread-safe.
 *
 * @param exchangeId ticklake exchange id, lower-case letters and digits with single hyphens
 * @param name human-readable name
 * @param assetClass asset class, e.g. equity, crypto, crypto-future
 * @param zone the exchange time zone all wall-clock times are in
 * @param dayRollover local time at which the next trading date begins; midnight for calendar dates
 * @param weeklySessions session windows per weekday
 * @param holidays local dates without any session
 * @param earlyCloses local dates on which the sessions end at the given local time, except
 *     post-market, which then starts at that time (see {@link ExchangeCalendar})
 * @param lateOpens local dates on which no session starts before the given local time
 * @param source where the definition came from, e.g. {@code lean-market-hours:Equity-usa-[*]}
 */
public record ExchangeDefinition(
    String exchangeId,
    String name,
    String assetClass,
    ZoneId zone,
    LocalTime dayRollover,
    Map<DayOfWeek, List<SessionWindow>> weeklySessions,
    SortedSet<LocalDate> holidays,
    SortedMap<LocalDate, LocalTime> earlyCloses,
    SortedMap<LocalDate, LocalTime> lateOpens,
    String source) {

  private static final Pattern EXCHANGE_ID = Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)*");

  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Checks every field and makes immutable, normalised copies of the collections. */
  public ExchangeDefinition {
    Objects.requireNonNull(exchangeId, "exchangeId is null");
    Objects.requireNonNull(name, "name is null");
    Objects.requireNonNull(assetClass, "assetClass is null");
    Objects.requireNonNull(zone, "zone is null");
    Objects.requireNonNull(dayRollover, "dayRollover is null");
    Objects.requireNonNull(weeklySessions, "weeklySessions is null");
    Objects.requireNonNull(holidays, "holidays is null");
    Objects.requireNonNull(earlyCloses, "earlyCloses is null");
    Objects.requireNonNull(lateOpens, "lateOpens is null");
    Objects.requireNonNull(source, "source is null");
    if (!EXCHANGE_ID.matcher(exchangeId).matches()) {
      throw new IllegalArgumentException(
          "Cannot create exchange definition '"
              + exchangeId
              + "': an exchange id is lower-case letters and digits, optionally joined by single"
              + " hyphens");
    }
    String prefix = "Cannot create exchange definition '" + exchangeId + "': ";
    if (name.isBlank()) {
      throw new IllegalArgumentException(prefix + "the name is blank");
    }
    if (assetClass.isBlank()) {
      throw new IllegalArgumentException(prefix + "the asset class is blank");
    }
    if (source.isBlank()) {
      throw new IllegalArgumentException(prefix + "the source is blank");
    }
    weeklySessions = copyWeek(weeklySessions, prefix);
    holidays = copyDates(holidays, prefix);
    earlyCloses = copyTimes(earlyCloses, "early close", prefix);
    lateOpens = copyTimes(lateOpens, "late open", prefix);
  }

  private static Map<DayOfWeek, List<SessionWindow>> copyWeek(
      Map<DayOfWeek, List<SessionWindow>> week, String prefix) {
    EnumMap<DayOfWeek, List<SessionWindow>> copy = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek day : DayOfWeek.values()) {
      copy.put(day, List.of());
    }
    for (Map.Entry<DayOfWeek, List<SessionWindow>> entry : week.entrySet()) {
      DayOfWeek day = Objects.requireNonNull(entry.getKey(), "weeklySessions has a null day");
      List<SessionWindow> windows = entry.getValue();
      if (windows == null) {
        throw new IllegalArgumentException(prefix + dayName(day) + " has a null window list");
      }
      List<SessionWindow> sorted = new ArrayList<>(windows.size());
      for (SessionWindow window : windows) {
        if (window == null) {
          throw new IllegalArgumentException(prefix + dayName(day) + " has a null window");
        }
        sorted.add(window);
      }
      sorted.sort(Comparator.comparing(SessionWindow::start));
      for (int i = 1; i < sorted.size(); i++) {
        SessionWindow previous = sorted.get(i - 1);
        SessionWindow next = sorted.get(i);
        if (next.startNanoOfDay() < previous.endNanoOfDay()) {
          throw new IllegalArgumentException(
              prefix + dayName(day) + " windows " + previous + " and " + next + " overlap");
        }
      }
      copy.put(day, List.copyOf(sorted));
    }
    return Collections.unmodifiableMap(copy);
  }

  private static SortedSet<LocalDate> copyDates(SortedSet<LocalDate> dates, String prefix) {
    TreeSet<LocalDate> copy = new TreeSet<>();
    for (LocalDate date : dates) {
      if (date == null) {
        throw new IllegalArgumentException(prefix + "holidays contain a null date");
      }
      copy.add(date);
    }
    return Collections.unmodifiableSortedSet(copy);
  }

  private static SortedMap<LocalDate, LocalTime> copyTimes(
      SortedMap<LocalDate, LocalTime> times, String what, String prefix) {
    TreeMap<LocalDate, LocalTime> copy = new TreeMap<>();
    for (Map.Entry<LocalDate, LocalTime> entry : times.entrySet()) {
      if (entry.getKey() == null || entry.getValue() == null) {
        throw new IllegalArgumentException(prefix + what + "s contain a null date or time");
      }
      copy.put(entry.getKey(), entry.getValue());
    }
    return Collections.unmodifiableSortedMap(copy);
  }

  /** The windows of one weekday, sorted by start; empty if the exchange does not trade then. */
  public List<SessionWindow> windows(DayOfWeek day) {
    return weeklySessions.get(Objects.requireNonNull(day, "day is null"));
  }

  /** The {@code time_zone} column: the zone id, e.g. {@code America/New_York}. */
  public String timeZoneText() {
    return zone.getId();
  }

  /** The {@code day_rollover} column: {@code HH:mm:ss}. */
  public String dayRolloverText() {
    return TimeText.format(dayRollover);
  }

  /**
   * The {@code weekly_sessions} column: a JSON object with the seven lower-case day names in order
   * monday..sunday, each an array of {@code {"session":"pre|regular|post","start":"HH:mm:ss",
   * "end":"HH:mm:ss"}} sorted by start; an end of the day is {@code "24:00:00"}. Deterministic.
   */
  public String weeklySessionsJson() {
    ObjectNode root = NODES.objectNode();
    for (DayOfWeek day : DayOfWeek.values()) {
      ArrayNode windows = root.putArray(dayName(day));
      for (SessionWindow window : weeklySessions.get(day)) {
        windows
            .addObject()
            .put("session", window.type().label())
            .put("start", TimeText.format(window.start()))
            .put("end", TimeText.formatNanoOfDay(window.endNanoOfDay()));
      }
    }
    return write(root);
  }

  /** The {@code holidays} column: a JSON array of ISO dates in ascending order. Deterministic. */
  public String holidaysJson() {
    ArrayNode root = NODES.arrayNode();
    for (LocalDate holiday : holidays) {
      root.add(holiday.toString());
    }
    return write(root);
  }

  /**
   * The {@code early_closes} column: a JSON object from ISO date to {@code HH:mm:ss}, keys in
   * ascending order. Deterministic.
   */
  public String earlyClosesJson() {
    return timesJson(earlyCloses);
  }

  /**
   * The {@code late_opens} column: a JSON object from ISO date to {@code HH:mm:ss}, keys in
   * ascending order. Deterministic.
   */
  public String lateOpensJson() {
    return timesJson(lateOpens);
  }

  private static String timesJson(SortedMap<LocalDate, LocalTime> times) {
    ObjectNode root = NODES.objectNode();
    for (Map.Entry<LocalDate, LocalTime> entry : times.entrySet()) {
      root.put(entry.getKey().toString(), TimeText.format(entry.getValue()));
    }
    return write(root);
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write exchange definition JSON: " + e, e);
    }
  }

  /**
   * Reads a definition back from the columns of {@code ref.exchange}, as written by {@link
   * #timeZoneText()}, {@link #dayRolloverText()} and the {@code ...Json()} methods; {@code
   * fromColumns(d.exchangeId(), ..., d.source())} equals {@code d}.
   *
   * @throws IllegalArgumentException naming the exchange and column if a column is malformed
   */
  public static ExchangeDefinition fromColumns(
      String exchangeId,
      String name,
      String assetClass,
      String timeZone,
      String dayRollover,
      String weeklySessionsJson,
      String holidaysJson,
      String earlyClosesJson,
      String lateOpensJson,
      String source) {
    Objects.requireNonNull(exchangeId, "exchangeId is null");
    Objects.requireNonNull(timeZone, "timeZone is null");
    Objects.requireNonNull(dayRollover, "dayRollover is null");
    Objects.requireNonNull(weeklySessionsJson, "weeklySessionsJson is null");
    Objects.requireNonNull(holidaysJson, "holidaysJson is null");
    Objects.requireNonNull(earlyClosesJson, "earlyClosesJson is null");
    Objects.requireNonNull(lateOpensJson, "lateOpensJson is null");
    ZoneId zone;
    LocalTime rollover;
    Map<DayOfWeek, List<SessionWindow>> week;
    SortedSet<LocalDate> holidays;
    SortedMap<LocalDate, LocalTime> earlyCloses;
    SortedMap<LocalDate, LocalTime> lateOpens;
    try {
      zone = parseZone(timeZone);
      rollover = TimeText.parseTime(dayRollover, "day_rollover");
      week = parseWeek(read(weeklySessionsJson, "weekly_sessions"));
      holidays = parseHolidays(read(holidaysJson, "holidays"));
      earlyCloses = parseTimes(read(earlyClosesJson, "early_closes"), "early_closes");
      lateOpens = parseTimes(read(lateOpensJson, "late_opens"), "late_opens");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot read exchange '" + exchangeId + "': " + e.getMessage(), e);
    }
    return new ExchangeDefinition(
        exchangeId,
        name,
        assetClass,
        zone,
        rollover,
        week,
        holidays,
        earlyCloses,
        lateOpens,
        source);
  }

  private static ZoneId parseZone(String timeZone) {
    try {
      return ZoneId.of(timeZone);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("time_zone '" + timeZone + "' is not a known time zone");
    }
  }

  private static JsonNode read(String json, String column) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          column + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static Map<DayOfWeek, List<SessionWindow>> parseWeek(JsonNode root) {
    if (!root.isObject()) {
      throw new IllegalArgumentException("weekly_sessions is not a JSON object");
    }
    Map<DayOfWeek, List<SessionWindow>> week = new EnumMap<>(DayOfWeek.class);
    for (Map.Entry<String, JsonNode> dayEntry : root.properties()) {
      DayOfWeek day = dayOf(dayEntry.getKey());
      if (day == null) {
        throw new IllegalArgumentException(
            "weekly_sessions day '" + dayEntry.getKey() + "' is not monday ... sunday");
      }
      JsonNode windows = dayEntry.getValue();
      if (!windows.isArray()) {
        throw new IllegalArgumentException(
            "weekly_sessions " + dayEntry.getKey() + " is not an array");
      }
      List<SessionWindow> list = new ArrayList<>();
      for (int i = 0; i < windows.size(); i++) {
        String where = "weekly_sessions " + dayEntry.getKey() + "[" + i + "]";
        JsonNode window = windows.get(i);
        if (!window.isObject() || window.size() != 3) {
          throw new IllegalArgumentException(
              where + " is not an object with exactly session, start and end");
        }
        String label = text(window, "session", where);
        SessionType type;
        try {
          type = SessionType.fromLabel(label);
        } catch (IllegalArgumentException e) {
          type = SessionType.CLOSED;
        }
        if (type == SessionType.CLOSED) {
          throw new IllegalArgumentException(
              where + " session '" + label + "' is not pre, regular or post");
        }
        long start = TimeText.parseNanoOfDay(text(window, "start", where), where + " start", false);
        long end = TimeText.parseNanoOfDay(text(window, "end", where), where + " end", true);
        if (start >= end) {
          throw new IllegalArgumentException(where + " does not start before it ends");
        }
        list.add(
            new SessionWindow(
                type,
                LocalTime.ofNanoOfDay(start),
                end == TimeText.NANOS_PER_DAY ? LocalTime.MIDNIGHT : LocalTime.ofNanoOfDay(end)));
      }
      week.put(day, list);
    }
    return week;
  }

  private static String text(JsonNode object, String field, String where) {
    JsonNode value = object.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(where + " has no text field '" + field + "'");
    }
    return value.asText();
  }

  private static SortedSet<LocalDate> parseHolidays(JsonNode root) {
    if (!root.isArray()) {
      throw new IllegalArgumentException("holidays is not a JSON array");
    }
    SortedSet<LocalDate> holidays = new TreeSet<>();
    for (JsonNode holiday : root) {
      if (!holiday.isTextual()) {
        throw new IllegalArgumentException("holidays element " + holiday + " is not a string");
      }
      if (!holidays.add(TimeText.parseDate(holiday.asText(), "holidays element"))) {
        throw new IllegalArgumentException("holidays lists " + holiday.asText() + " twice");
      }
    }
    return holidays;
  }

  private static SortedMap<LocalDate, LocalTime> parseTimes(JsonNode root, String column) {
    if (!root.isObject()) {
      throw new IllegalArgumentException(column + " is not a JSON object");
    }
    SortedMap<LocalDate, LocalTime> times = new TreeMap<>();
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      LocalDate date = TimeText.parseDate(entry.getKey(), column + " key");
      if (!entry.getValue().isTextual()) {
        throw new IllegalArgumentException(
            column + " value for " + entry.getKey() + " is not a string");
      }
      times.put(date, TimeText.parseTime(entry.getValue().asText(), column + " " + entry.getKey()));
    }
    return times;
  }

  /** Lower-case English day name, e.g. {@code monday}. */
  static String dayName(DayOfWeek day) {
    return day.name().toLowerCase(Locale.ROOT);
  }

  /** The day named {@code name} in lower case (e.g. {@code monday}), or null if none is. */
  static DayOfWeek dayOf(String name) {
    for (DayOfWeek day : DayOfWeek.values()) {
      if (dayName(day).equals(name)) {
        return day;
      }
    }
    return null;
  }

  /** A one-line summary (the collections are summarised by size). */
  @Override
  public String toString() {
    return "ExchangeDefinition["
        + exchangeId
        + ", "
        + name
        + ", "
        + assetClass
        + ", "
        + zone.getId()
        + ", rollover "
        + dayRolloverText()
        + ", "
        + holidays.size()
        + " holidays, "
        + earlyCloses.size()
        + " early closes, "
        + lateOpens.size()
        + " late opens, "
        + source
        + "]";
  }
}
