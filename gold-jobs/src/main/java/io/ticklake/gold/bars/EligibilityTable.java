package io.ticklake.gold.bars;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.duckdb.Sql;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A vendor's sale-condition eligibility table: for each print, whether it may set open/close and
 * high/low and whether it counts to volume, decided by rules over the vendor's condition bits and
 * the session of the print. The rules are data (a JSON resource per vendor, {@code
 * eligibility-<vendor>.json} next to this class), not code branches; the first matching rule
 * decides and a print no rule matches is fully eligible. Immutable and thread-safe.
 *
 * @param vendor the Silver {@code vendor} value the table applies to
 * @param description where the rules come from
 * @param suspicious the treatment of prints the vendor marked suspicious (before any rule)
 * @param rules the rules, first match wins
 */
public record EligibilityTable(
    String vendor, String description, Treatment suspicious, List<Rule> rules) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Vendors with a bundled table; every other vendor gets {@link #allEligible}. */
  static final List<String> BUNDLED = List.of("lean");

  public EligibilityTable {
    requireNonNull(vendor, "vendor is null");
    requireNonNull(description, "description is null");
    requireNonNull(suspicious, "suspicious is null");
    rules = List.copyOf(rules);
  }

  /** What a matching rule does with a print. */
  public enum Treatment {
    /** Left out of the bar: no price, no volume, not counted. */
    EXCLUDED(0),
    /** Counts to volume, VWAP and trade count; may not set open, high, low or close. */
    VOLUME_ONLY(1),
    /** May set open, high, low and close but does not count to volume. */
    PRICE_ONLY(2),
    /** Fully eligible. */
    ELIGIBLE(3),
    /**
     * The opening auction print: the open of the regular session's first bar (volume counts), or
     * left out when an eligible print of a later bar came before it.
     */
    OPENING_AUCTION(4),
    /**
     * The closing auction print: the close of the regular session's last bar (volume counts), at
     * the rule's {@code fromInterval} and coarser; left out at finer intervals.
     */
    CLOSING_AUCTION(5);

    private final int code;

    Treatment(int code) {
      this.code = code;
    }

    /** The code the bar SQL works with. */
    int code() {
      return code;
    }

    static Treatment of(boolean ohlc, boolean volume) {
      return ohlc ? (volume ? ELIGIBLE : PRICE_ONLY) : (volume ? VOLUME_ONLY : EXCLUDED);
    }
  }

  /**
   * One rule: it matches a print in one of {@code sessions} (empty = any) whose condition has any
   * of the {@code anyMask} bits and none of the {@code noneMask} bits.
   *
   * @param name short name, quoted in docs and validation reports
   * @param sessions session labels (pre, regular, post) the rule applies in; empty for all
   * @param anyMask the rule matches when the condition has at least one of these bits (0: no such
   *     test)
   * @param allMask ... and all of these
   * @param noneMask ... and none of these
   * @param treatment what happens to a matching print
   * @param fromInterval for {@link Treatment#CLOSING_AUCTION}: the finest interval it applies at
   * @param why the reason, for the docs
   */
  public record Rule(
      String name,
      Set<String> sessions,
      long anyMask,
      long allMask,
      long noneMask,
      Treatment treatment,
      Optional<BarInterval> fromInterval,
      String why) {
    public Rule {
      requireNonNull(name, "name is null");
      sessions = Set.copyOf(sessions);
      requireNonNull(treatment, "treatment is null");
      requireNonNull(fromInterval, "fromInterval is null");
      requireNonNull(why, "why is null");
      if (anyMask == 0 && allMask == 0) {
        throw new IllegalArgumentException(
            "Cannot create eligibility rule " + name + ": it names no condition bit");
      }
    }

    /** Whether the rule matches a print (for tests and reports; the job uses {@link #sql}). */
    public boolean matches(long condition, String session) {
      return (sessions.isEmpty() || sessions.contains(session))
          && (anyMask == 0 || (condition & anyMask) != 0)
          && (condition & allMask) == allMask
          && (condition & noneMask) == 0;
    }
  }

  /** The table for prints of {@code vendor}: the bundled one, or {@link #allEligible}. */
  public static EligibilityTable forVendor(String vendor) {
    requireNonNull(vendor, "vendor is null");
    return BUNDLED.contains(vendor) ? load(vendor) : allEligible(vendor);
  }

  /** Every print is eligible except suspicious ones: for vendors without condition codes. */
  public static EligibilityTable allEligible(String vendor) {
    return new EligibilityTable(
        vendor,
        "No sale-condition rules: every print counts, except prints marked suspicious",
        Treatment.EXCLUDED,
        List.of());
  }

  /** Loads the bundled table of {@code vendor}. */
  static EligibilityTable load(String vendor) {
    String resource = "eligibility-" + vendor + ".json";
    try (InputStream in = EligibilityTable.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw TicklakeException.of(
            Kind.CONFIGURATION, "Cannot find the eligibility table %s", resource);
      }
      return parse(vendor, JSON.readTree(in), resource);
    } catch (IOException e) {
      throw TicklakeException.of(
          Kind.CONFIGURATION, "Cannot read the eligibility table %s: %s", resource, e.getMessage());
    }
  }

  /** Parses a table from its JSON form (see {@code eligibility-lean.json}). */
  static EligibilityTable parse(String vendor, JsonNode root, String source) {
    Map<String, Integer> flags = new LinkedHashMap<>();
    root.path("flags").fields().forEachRemaining(e -> flags.put(e.getKey(), e.getValue().asInt()));
    List<Rule> rules = new ArrayList<>();
    for (JsonNode r : root.path("rules")) {
      String name = r.path("name").asText("");
      Set<String> sessions = new TreeSet<>();
      r.path("sessions").forEach(s -> sessions.add(s.asText()));
      for (String s : sessions) {
        if (!Set.of("pre", "regular", "post").contains(s)) {
          throw TicklakeException.of(
              Kind.CONFIGURATION,
              "Cannot read eligibility rule %s in %s: unknown session '%s' (pre, regular, post)",
              name,
              source,
              s);
        }
      }
      long any = mask(r.path("any"), flags, name, source);
      long all = mask(r.path("all"), flags, name, source);
      long none = mask(r.path("none"), flags, name, source);
      Treatment t;
      String auction = r.path("auction").asText("");
      if (auction.equals("open")) {
        t = Treatment.OPENING_AUCTION;
      } else if (auction.equals("close")) {
        t = Treatment.CLOSING_AUCTION;
      } else if (auction.isEmpty()) {
        t = Treatment.of(r.path("ohlc").asBoolean(true), r.path("volume").asBoolean(true));
      } else {
        throw TicklakeException.of(
            Kind.CONFIGURATION,
            "Cannot read eligibility rule %s in %s: auction must be open or close, not '%s'",
            name,
            source,
            auction);
      }
      Optional<BarInterval> from =
          r.has("fromInterval")
              ? Optional.of(BarInterval.parseList(r.path("fromInterval").asText()).get(0))
              : Optional.empty();
      rules.add(new Rule(name, sessions, any, all, none, t, from, r.path("why").asText("")));
    }
    JsonNode s = root.path("suspicious");
    return new EligibilityTable(
        vendor,
        root.path("description").asText(""),
        Treatment.of(s.path("ohlc").asBoolean(false), s.path("volume").asBoolean(false)),
        rules);
  }

  private static long mask(JsonNode names, Map<String, Integer> flags, String rule, String src) {
    long m = 0;
    for (JsonNode n : names) {
      Integer bit = flags.get(n.asText());
      if (bit == null) {
        throw TicklakeException.of(
            Kind.CONFIGURATION,
            "Cannot read eligibility rule %s in %s: unknown condition flag '%s'",
            rule,
            src,
            n.asText());
      }
      m |= 1L << bit;
    }
    return m;
  }

  /** The treatment of one print at {@code interval} (for tests and reports). */
  public Treatment treatment(
      long condition, boolean suspect, String session, BarInterval interval) {
    if (suspect) {
      return suspicious;
    }
    for (Rule r : rules) {
      if (r.matches(condition, session)) {
        return atInterval(r, interval);
      }
    }
    return Treatment.ELIGIBLE;
  }

  /** The rule that decides a print, if any. */
  public Optional<Rule> ruleFor(long condition, String session) {
    return rules.stream().filter(r -> r.matches(condition, session)).findFirst();
  }

  private static Treatment atInterval(Rule r, BarInterval interval) {
    if (r.fromInterval().isPresent() && interval.compareTo(r.fromInterval().get()) < 0) {
      return Treatment.EXCLUDED;
    }
    return r.treatment();
  }

  /**
   * The SQL expression giving a print's {@link Treatment#code()} at {@code interval}, over columns
   * {@code cond} (BIGINT condition bits) and {@code suspect} (BOOLEAN); {@code inSessions} gives
   * the SQL condition "the print is in a session with one of these labels" (pre, regular, post).
   */
  String sql(BarInterval interval, Function<Set<String>, String> inSessions) {
    StringBuilder sb = new StringBuilder("CASE WHEN suspect THEN ").append(suspicious.code());
    for (Rule r : rules) {
      sb.append(" WHEN true");
      if (r.anyMask() != 0) {
        sb.append(" AND (cond & ").append(r.anyMask()).append(") <> 0");
      }
      if (r.allMask() != 0) {
        sb.append(" AND (cond & ").append(r.allMask()).append(") = ").append(r.allMask());
      }
      if (r.noneMask() != 0) {
        sb.append(" AND (cond & ").append(r.noneMask()).append(") = 0");
      }
      if (!r.sessions().isEmpty()) {
        sb.append(" AND (").append(inSessions.apply(r.sessions())).append(")");
      }
      sb.append(" THEN ").append(atInterval(r, interval).code());
    }
    return sb.append(" ELSE ").append(Treatment.ELIGIBLE.code()).append(" END").toString();
  }

  /**
   * The treatment code over the tables of several vendors, chosen by the {@code vendor} column (see
   * {@link #sql(BarInterval, Function)}).
   */
  static String sql(
      List<EligibilityTable> tables,
      BarInterval interval,
      Function<Set<String>, String> inSessions) {
    StringBuilder sb = new StringBuilder("CASE vendor");
    for (EligibilityTable t : tables) {
      sb.append(" WHEN ")
          .append(Sql.string(t.vendor()))
          .append(" THEN ")
          .append(t.sql(interval, inSessions));
    }
    return sb.append(" ELSE ")
        .append(allEligible("").sql(interval, inSessions))
        .append(" END")
        .toString();
  }
}
