package io.ticklake.catalog.calendar;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers calendar questions for one exchange: the trading date and session of an instant, and the
 * sessions of a trading date as instants. Built from an {@link ExchangeDefinition}.
 *
 * <h2>Trading dates</h2>
 *
 * With a {@link ExchangeDefinition#dayRollover() day rollover} of midnight, the trading date of an
 * instant is its local calendar date in the exchange zone, whether or not the exchange is in
 * session (a 03:00 or a 19:59 New York instant belongs to that New York date). With a rollover
 * {@code R}, trading date {@code D} runs from local {@code D-1 R} (inclusive) to local {@code D R}
 * (exclusive), so a Sunday 18:00 Chicago print belongs to Monday when {@code R} is 17:00.
 * Wall-clock times become instants with the zone rules, so the same local time is a different UTC
 * time in summer and winter; in a repeated (fall-back) hour the earlier offset is used, a time in a
 * skipped (spring-forward) hour moves forward by the gap.
 *
 * <h2>Sessions of a date</h2>
 *
 * These rules follow Lean's ({@code SecurityExchangeHours}), with one deliberate departure for
 * post-market on early-close dates, applied per local calendar date {@code C} to the weekly windows
 * of {@code C}'s weekday:
 *
 * <ul>
 *   <li>Holiday: {@code C} has no windows at all.
 *   <li>Early close at {@code T}: windows of every type other than post-market are cut as in Lean:
 *       the exchange is closed for them from {@code T} to the end of {@code C}, so such windows
 *       starting at or after {@code T} are dropped and one spanning {@code T} ends at {@code T}.
 *       Post-market windows move instead: let {@code N} be the normal end of the weekday's last
 *       regular window; when the weekday has a regular window, the early close leaves part of the
 *       regular session ({@code T} after the first regular window's start) and {@code T < N}, each
 *       post-market window {@code [s, e)} with {@code s >= N} keeps its length and becomes {@code
 *       [T + (s - N), T + (e - N))}. Otherwise post-market windows are cut like the others. On
 *       2013-11-29 (close 13:00) US equities trade pre-market 04:00-09:30, regular 09:30-13:00 and
 *       post-market 13:00-17:00; a 17:30 print is closed.
 *   <li>Late open at {@code T}: the exchange is closed from the start of {@code C} to {@code T}, so
 *       windows ending at or before {@code T} are dropped and a window spanning {@code T} starts at
 *       {@code T}. (Lean also treats the instant {@code T} itself as closed; here the session
 *       starts at {@code T} inclusive.)
 *   <li>Both on one date: the windows are cut to {@code [late open, early close)}, except moved
 *       post-market windows, which are only cut by the late open.
 * </ul>
 *
 * <p><b>Why post-market departs from Lean.</b> Lean's rule closes every session type at an early
 * close, so a half day would have no post-market and the Silver {@code session_window} rule would
 * reject every after-hours print of it. Real half days do have one: the extended-hours venues run
 * their post-market session from the early close for the usual length, and vendor tick files carry
 * those trades. Nasdaq's published schedule (Nasdaq Trader notice ETA2019-93,
 * https://www.nasdaqtrader.com/TraderNews.aspx?id=ETA2019-93) lists "Nasdaq Day Session 4:00 p.m.
 * normal, 1:00 p.m. early; Nasdaq Extended Session 8:00 p.m. normal, 5:00 p.m. early". The rule
 * uses only the stored windows (no exchange is named), and leaves definitions without post-market
 * windows, such as Lean's futures and crypto entries (only "market" windows), exactly as Lean has
 * them.
 *
 * <p>The sessions of trading date {@code D} are the cut windows of the calendar dates it spans
 * (with a midnight rollover: just {@code D}), as instants, clipped to the trading date; adjacent
 * intervals of the same type (e.g. 18:00-24:00 and 00:00-16:00) are joined into one. A date is a
 * trading day if it has at least one session.
 *
 * <h2>Performance and thread safety</h2>
 *
 * Immutable and thread-safe. Per-date results are computed once and cached in a bounded concurrent
 * map, and the last date looked up is remembered, so {@link #tradingDate(Instant)} and {@link
 * #session(Instant)} on time-ordered events cost a few comparisons and no allocation.
 */
public final class ExchangeCalendar {
  private static final int MAX_CACHED_DATES = 1 << 16;
  private static final long NANOS_PER_DAY = TimeText.NANOS_PER_DAY;
  private static final int SECONDS_PER_DAY = 86_400;

  private final ExchangeDefinition definition;
  private final ZoneId zone;
  private final ZoneRules rules;
  private final boolean fixedOffset;
  private final int fixedOffsetSeconds;

  /** Nano-of-day of the rollover in (0, 24h]; 24h for a midnight rollover. */
  private final long rolloverNanos;

  /** Weekly windows by {@link DayOfWeek#ordinal()}. */
  private final SessionType[][] weekTypes;

  private final long[][] weekStarts;
  private final long[][] weekEnds;

  /**
   * By {@link DayOfWeek#ordinal()}: nano-of-day of the first regular window's start and of the last
   * regular window's end, -1 for a weekday without a regular window.
   */
  private final long[] regularStarts;

  private final long[] regularEnds;

  private final ConcurrentHashMap<LocalDate, Day> days = new ConcurrentHashMap<>();
  private volatile Day last;

  private ExchangeCalendar(ExchangeDefinition definition) {
    this.definition = definition;
    this.zone = definition.zone();
    this.rules = zone.getRules();
    this.fixedOffset = rules.isFixedOffset();
    this.fixedOffsetSeconds = fixedOffset ? rules.getOffset(Instant.EPOCH).getTotalSeconds() : 0;
    LocalTime rollover = definition.dayRollover();
    this.rolloverNanos =
        rollover.equals(LocalTime.MIDNIGHT) ? NANOS_PER_DAY : rollover.toNanoOfDay();
    DayOfWeek[] week = DayOfWeek.values();
    this.weekTypes = new SessionType[week.length][];
    this.weekStarts = new long[week.length][];
    this.weekEnds = new long[week.length][];
    this.regularStarts = new long[week.length];
    this.regularEnds = new long[week.length];
    for (DayOfWeek day : week) {
      List<SessionWindow> windows = definition.windows(day);
      int n = windows.size();
      weekTypes[day.ordinal()] = new SessionType[n];
      weekStarts[day.ordinal()] = new long[n];
      weekEnds[day.ordinal()] = new long[n];
      regularStarts[day.ordinal()] = -1;
      regularEnds[day.ordinal()] = -1;
      for (int i = 0; i < n; i++) {
        SessionWindow window = windows.get(i);
        weekTypes[day.ordinal()][i] = window.type();
        weekStarts[day.ordinal()][i] = window.startNanoOfDay();
        weekEnds[day.ordinal()][i] = window.endNanoOfDay();
        if (window.type() == SessionType.REGULAR) {
          if (regularStarts[day.ordinal()] < 0) {
            regularStarts[day.ordinal()] = window.startNanoOfDay();
          }
          regularEnds[day.ordinal()] = window.endNanoOfDay();
        }
      }
    }
  }

  /** The calendar of {@code definition}. */
  public static ExchangeCalendar of(ExchangeDefinition definition) {
    return new ExchangeCalendar(Objects.requireNonNull(definition, "definition is null"));
  }

  /** The ticklake exchange id, e.g. {@code us-equity}. */
  public String exchangeId() {
    return definition.exchangeId();
  }

  /** The exchange time zone. */
  public ZoneId zone() {
    return zone;
  }

  /** The definition this calendar was built from. */
  public ExchangeDefinition definition() {
    return definition;
  }

  /**
   * The trading date {@code t} belongs to, in or out of session (see the class comment).
   *
   * @throws java.time.DateTimeException if {@code t} is beyond the supported date range
   */
  public LocalDate tradingDate(Instant t) {
    return day(Objects.requireNonNull(t, "t is null")).date;
  }

  /**
   * The session of {@code t}'s trading date that contains {@code t}, or {@link SessionType#CLOSED}
   * if none does (a holiday, a weekend, the night, after an early close ended the sessions).
   *
   * @throws java.time.DateTimeException if {@code t} is beyond the supported date range
   */
  public SessionType session(Instant t) {
    Day day = day(Objects.requireNonNull(t, "t is null"));
    Instant[] opens = day.opens;
    Instant[] closes = day.closes;
    for (int i = 0; i < opens.length; i++) {
      if (t.compareTo(opens[i]) >= 0 && t.compareTo(closes[i]) < 0) {
        return day.types[i];
      }
    }
    return SessionType.CLOSED;
  }

  /** Whether trading date {@code date} has at least one session after holidays and cuts. */
  public boolean isTradingDay(LocalDate date) {
    return day(Objects.requireNonNull(date, "date is null")).opens.length > 0;
  }

  /** The sessions of trading date {@code date} in time order; empty on a non-trading day. */
  public List<SessionInterval> sessions(LocalDate date) {
    return day(Objects.requireNonNull(date, "date is null")).sessions;
  }

  /**
   * The session of the given type on trading date {@code date}: from the first open to the last
   * close of that type (exchanges with a lunch break have two regular windows), or empty if the
   * date has no such session.
   *
   * @throws IllegalArgumentException if {@code type} is {@link SessionType#CLOSED}
   */
  public Optional<SessionInterval> session(LocalDate date, SessionType type) {
    Objects.requireNonNull(date, "date is null");
    Objects.requireNonNull(type, "type is null");
    if (type == SessionType.CLOSED) {
      throw new IllegalArgumentException(
          "Cannot look up the closed session of "
              + exchangeId()
              + " on "
              + date
              + ": closed is the absence of a session");
    }
    Instant open = null;
    Instant close = null;
    for (SessionInterval interval : sessions(date)) {
      if (interval.type() == type) {
        if (open == null) {
          open = interval.open();
        }
        close = interval.close();
      }
    }
    return open == null ? Optional.empty() : Optional.of(new SessionInterval(type, open, close));
  }

  /** The first regular-session open of trading date {@code date}, empty on a non-trading day. */
  public Optional<Instant> regularOpen(LocalDate date) {
    return session(date, SessionType.REGULAR).map(SessionInterval::open);
  }

  /** The last regular-session close of trading date {@code date}, empty on a non-trading day. */
  public Optional<Instant> regularClose(LocalDate date) {
    return session(date, SessionType.REGULAR).map(SessionInterval::close);
  }

  /** The first instant of trading date {@code date}: every t with start <= t < end has it. */
  public Instant startOf(LocalDate date) {
    return day(Objects.requireNonNull(date, "date is null")).start;
  }

  /** The first instant after trading date {@code date}, i.e. the start of the next one. */
  public Instant endOf(LocalDate date) {
    return day(Objects.requireNonNull(date, "date is null")).end;
  }

  /** The exchange id and zone. */
  @Override
  public String toString() {
    return "ExchangeCalendar[" + exchangeId() + ", " + zone.getId() + "]";
  }

  // ---------------------------------------------------------------------------------------------

  /** One trading date: its span of instants and its sessions. Immutable. */
  private static final class Day {
    final LocalDate date;
    final Instant start;
    final Instant end;
    final SessionType[] types;
    final Instant[] opens;
    final Instant[] closes;
    final List<SessionInterval> sessions;

    Day(LocalDate date, Instant start, Instant end, List<SessionInterval> sessions) {
      this.date = date;
      this.start = start;
      this.end = end;
      this.sessions = List.copyOf(sessions);
      int n = sessions.size();
      this.types = new SessionType[n];
      this.opens = new Instant[n];
      this.closes = new Instant[n];
      for (int i = 0; i < n; i++) {
        types[i] = sessions.get(i).type();
        opens[i] = sessions.get(i).open();
        closes[i] = sessions.get(i).close();
      }
    }

    boolean contains(Instant t) {
      return t.compareTo(start) >= 0 && t.compareTo(end) < 0;
    }
  }

  private Day day(Instant t) {
    Day day = last;
    if (day != null && day.contains(t)) {
      return day;
    }
    day = day(wallClockTradingDate(t));
    // Only differs from the wall-clock date when a DST transition meets the rollover.
    while (t.compareTo(day.start) < 0) {
      day = day(day.date.minusDays(1));
    }
    while (t.compareTo(day.end) >= 0) {
      day = day(day.date.plusDays(1));
    }
    last = day;
    return day;
  }

  private LocalDate wallClockTradingDate(Instant t) {
    int offset = fixedOffset ? fixedOffsetSeconds : rules.getOffset(t).getTotalSeconds();
    long local = t.getEpochSecond() + offset;
    long epochDay = Math.floorDiv(local, SECONDS_PER_DAY);
    long nanoOfDay = Math.floorMod(local, SECONDS_PER_DAY) * 1_000_000_000L + t.getNano();
    if (nanoOfDay >= rolloverNanos) {
      epochDay++;
    }
    return LocalDate.ofEpochDay(epochDay);
  }

  private Day day(LocalDate date) {
    Day day = days.get(date);
    if (day != null) {
      return day;
    }
    if (days.size() >= MAX_CACHED_DATES) {
      days.clear();
    }
    Day built = build(date);
    Day raced = days.putIfAbsent(date, built);
    return raced != null ? raced : built;
  }

  private Day build(LocalDate date) {
    Instant start = boundary(date);
    Instant end = boundary(date.plusDays(1));
    List<SessionInterval> raw = new ArrayList<>();
    if (rolloverNanos < NANOS_PER_DAY) {
      addWindows(date.minusDays(1), rolloverNanos, NANOS_PER_DAY, raw);
    }
    addWindows(date, 0, rolloverNanos, raw);
    List<SessionInterval> sessions = new ArrayList<>(raw.size());
    for (SessionInterval interval : raw) {
      Instant open = interval.open().isBefore(start) ? start : interval.open();
      Instant close = interval.close().isAfter(end) ? end : interval.close();
      if (!open.isBefore(close)) {
        continue;
      }
      int lastIndex = sessions.size() - 1;
      if (lastIndex >= 0
          && sessions.get(lastIndex).type() == interval.type()
          && !sessions.get(lastIndex).close().isBefore(open)) {
        SessionInterval previous = sessions.get(lastIndex);
        Instant joinedClose = close.isAfter(previous.close()) ? close : previous.close();
        sessions.set(lastIndex, new SessionInterval(interval.type(), previous.open(), joinedClose));
      } else {
        sessions.add(new SessionInterval(interval.type(), open, close));
      }
    }
    return new Day(date, start, end, sessions);
  }

  /** The first instant of trading date {@code date}. */
  private Instant boundary(LocalDate date) {
    return rolloverNanos == NANOS_PER_DAY
        ? instant(date, 0)
        : instant(date.minusDays(1), rolloverNanos);
  }

  /**
   * Adds the windows of local calendar date {@code date}, after its holiday, early close and late
   * open, restricted to nano-of-day {@code [from, to)}. On an early close, post-market windows
   * after the regular session move to start at the early close (see the class comment).
   */
  private void addWindows(LocalDate date, long from, long to, List<SessionInterval> out) {
    if (definition.holidays().contains(date)) {
      return;
    }
    long lo = from;
    long hi = to;
    LocalTime lateOpen = definition.lateOpens().get(date);
    if (lateOpen != null) {
      lo = Math.max(lo, lateOpen.toNanoOfDay());
    }
    int dow = date.getDayOfWeek().ordinal();
    // post-market windows starting at or after normalClose move back by shift (-1: none move)
    long normalClose = -1;
    long shift = 0;
    LocalTime earlyClose = definition.earlyCloses().get(date);
    if (earlyClose != null) {
      long close = earlyClose.toNanoOfDay();
      hi = Math.min(hi, close);
      if (regularEnds[dow] >= 0 && close > regularStarts[dow] && close < regularEnds[dow]) {
        normalClose = regularEnds[dow];
        shift = normalClose - close;
      }
    }
    SessionType[] types = weekTypes[dow];
    long[] starts = weekStarts[dow];
    long[] ends = weekEnds[dow];
    for (int i = 0; i < types.length; i++) {
      long start;
      long end;
      if (normalClose >= 0 && types[i] == SessionType.POST && starts[i] >= normalClose) {
        start = Math.max(starts[i] - shift, lo);
        end = Math.min(ends[i] - shift, to);
      } else {
        start = Math.max(starts[i], lo);
        end = Math.min(ends[i], hi);
      }
      if (start < end) {
        Instant open = instant(date, start);
        Instant close = instant(date, end);
        if (open.isBefore(close)) {
          out.add(new SessionInterval(types[i], open, close));
        }
      }
    }
  }

  /** The instant of local {@code date} at {@code nanoOfDay} (24h = the next local midnight). */
  private Instant instant(LocalDate date, long nanoOfDay) {
    ZonedDateTime local =
        nanoOfDay == NANOS_PER_DAY
            ? ZonedDateTime.of(date.plusDays(1), LocalTime.MIDNIGHT, zone)
            : ZonedDateTime.of(date, LocalTime.ofNanoOfDay(nanoOfDay), zone);
    return local.toInstant();
  }
}
