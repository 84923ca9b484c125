package io.ticklake.catalog.dim;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loads reference data into {@code ref.dim_symbol} as SCD2 versions.
 *
 * <p>Shaped like an Iceberg {@code PendingUpdate}: {@link #plan(DimSymbolSnapshot)} is a pure
 * function of the table's rows, the references, the effective date and the clock, and computes the
 * changes; {@link #commit} runs plan and save as one read-modify-save with retries (a conflict
 * re-plans against the new rows). Loading the same data twice changes nothing.
 *
 * <p>Rules, per instrument of the references: its versions follow {@link Scd2} (ticker history from
 * the reference, attribute changes effective at the start of {@code effectiveDate} in the
 * exchange's time zone). Instruments in the table but not in the references are left alone.
 * Auto-registered placeholders ({@link SymbolRegistry}) are replaced by reference data: an
 * auto-registered instrument whose ticker is claimed by a reference on the same exchange is removed
 * (when the reference has the same canonical id, as a crypto symbol does, the symbol_id stays the
 * same). Not thread-safe; cheap to create.
 */
public final class SymbolLoader {
  private final List<SymbolReference> references;

  /** Empty: today in each exchange's zone ({@link #effectiveToday}). */
  private final Optional<LocalDate> effectiveDate;

  private final Clock clock;

  /**
   * A loader of {@code references}.
   *
   * @param references what to load
   * @param effectiveDate the date attribute changes take effect (start of the date in each
   *     exchange's zone)
   * @param clock gives {@code updated_at}
   * @throws TicklakeException of kind INPUT when two references describe one instrument
   */
  public SymbolLoader(List<SymbolReference> references, LocalDate effectiveDate, Clock clock) {
    this(references, Optional.of(requireNonNull(effectiveDate, "effectiveDate is null")), clock);
  }

  /**
   * A loader of {@code references} whose attribute changes take effect today: at the start of the
   * clock's current date in each exchange's own time zone, so a load at 01:00 UTC (20:00 in New
   * York) changes a US equity from the New York date it is, not from the next midnight there.
   */
  public static SymbolLoader effectiveToday(List<SymbolReference> references, Clock clock) {
    return new SymbolLoader(references, Optional.empty(), clock);
  }

  private SymbolLoader(
      List<SymbolReference> references, Optional<LocalDate> effectiveDate, Clock clock) {
    this.references = List.copyOf(requireNonNull(references, "references is null"));
    this.effectiveDate = effectiveDate;
    this.clock = requireNonNull(clock, "clock is null");
    Map<String, String> sources = new HashMap<>();
    for (SymbolReference r : this.references) {
      String other = sources.putIfAbsent(r.exchange() + " " + r.canonicalId(), r.source());
      if (other != null) {
        throw TicklakeException.of(
            Kind.INPUT,
            "Cannot load symbols: %s and %s both describe %s %s",
            other,
            r.source(),
            r.exchange(),
            r.canonicalId());
      }
    }
  }

  /**
   * The references to load from the {@code ticklake dims load-symbols} options: the symbol lists
   * given ({@code mapFiles}, {@code cryptoCsv}), or both bundled lists when neither is given;
   * attributes from the given symbol-properties database, else the bundled one.
   *
   * @throws TicklakeException of kind INPUT for unreadable or malformed files
   */
  public static List<SymbolReference> references(
      Optional<Path> mapFiles, Optional<Path> symbolProperties, Optional<Path> cryptoCsv) {
    List<SymbolReference> refs = new ArrayList<>();
    boolean bundledLists = mapFiles.isEmpty() && cryptoCsv.isEmpty();
    if (bundledLists) {
      refs.addAll(LeanMapFiles.bundled());
      refs.addAll(CryptoSymbols.bundled());
    } else {
      mapFiles.ifPresent(p -> refs.addAll(LeanMapFiles.read(p)));
      cryptoCsv.ifPresent(p -> refs.addAll(CryptoSymbols.read(p)));
    }
    LeanSymbolProperties properties =
        symbolProperties.map(LeanSymbolProperties::read).orElseGet(LeanSymbolProperties::bundled);
    return withProperties(refs, properties);
  }

  /**
   * The references with attributes from a symbol-properties database filled in where the reference
   * does not give them (the reference's own attributes win). The ticker looked up is the
   * reference's latest.
   */
  public static List<SymbolReference> withProperties(
      List<SymbolReference> references, LeanSymbolProperties properties) {
    List<SymbolReference> out = new ArrayList<>(references.size());
    for (SymbolReference r : references) {
      SymbolAttributes own = r.attributes();
      if (own.currency() != null
          && own.tickSize() != null
          && own.lotSize() != null
          && own.multiplier() != null) {
        out.add(r); // nothing to fill in: do not even look (the database's row may not fit)
        continue;
      }
      String ticker = r.segments().get(r.segments().size() - 1).ticker();
      SymbolAttributes attributes =
          properties
              .find(r.exchange(), ticker)
              .orElse(SymbolAttributes.UNKNOWN)
              .overriddenBy(r.attributes());
      out.add(
          new SymbolReference(r.exchange(), r.canonicalId(), r.segments(), attributes, r.source()));
    }
    return out;
  }

  /**
   * What a load would change.
   *
   * @param base the version the plan was computed from
   * @param changes the rows to remove and add
   * @param newInstruments instruments not in the table before
   * @param changedInstruments instruments whose versions change
   * @param unchangedInstruments instruments already up to date
   * @param autoReplaced auto-registered instruments replaced by reference data
   */
  public record Plan(
      DimVersion base,
      SymbolChanges changes,
      int newInstruments,
      int changedInstruments,
      int unchangedInstruments,
      int autoReplaced) {
    /** True when the load changes nothing. */
    public boolean isNoop() {
      return changes.isEmpty();
    }

    /** Instruments in the references. */
    public int instruments() {
      return newInstruments + changedInstruments + unchangedInstruments;
    }
  }

  /**
   * The outcome of {@link #commit}.
   *
   * @param plan the plan of the attempt that was saved
   * @param version the table's version after the load
   * @param attempts how many read-modify-save attempts it took
   */
  public record Result(Plan plan, DimVersion version, int attempts) {}

  /** Computes the changes against {@code current}; commits nothing. */
  public Plan plan(DimSymbolSnapshot current) {
    Instant now = clock.instant();
    Map<Long, List<SymbolVersion>> byInstrument = new LinkedHashMap<>();
    for (SymbolVersion v : current.rows()) {
      byInstrument.computeIfAbsent(v.symbolId(), k -> new ArrayList<>()).add(v);
    }
    List<SymbolVersion> removed = new ArrayList<>();
    List<SymbolVersion> added = new ArrayList<>();
    int fresh = 0;
    int changed = 0;
    int unchanged = 0;
    Set<Long> autoReplaced = new HashSet<>();
    Map<String, Set<String>> claimedKeys = new TreeMap<>();
    for (SymbolReference ref : references) {
      claimedKeys.computeIfAbsent(ref.exchange(), k -> new HashSet<>()).addAll(ref.lookupKeys());
      List<SymbolVersion> rows = byInstrument.getOrDefault(ref.symbolId(), List.of());
      List<SymbolVersion> stored = rows.stream().filter(v -> !v.autoRegistered()).toList();
      List<SymbolVersion> placeholders =
          rows.stream().filter(SymbolVersion::autoRegistered).toList();
      if (!placeholders.isEmpty()) {
        autoReplaced.add(ref.symbolId());
        removed.addAll(placeholders);
      }
      LocalDate date =
          effectiveDate.orElseGet(
              () -> LocalDate.ofInstant(clock.instant(), ExchangeInfo.zone(ref.exchange())));
      Instant effective = ExchangeInfo.startOfDate(ref.exchange(), date);
      List<SymbolVersion> merged = Scd2.merge(stored, ref, effective, now);
      List<SymbolVersion> gone = stored.stream().filter(v -> !merged.contains(v)).toList();
      List<SymbolVersion> fresher = merged.stream().filter(v -> !stored.contains(v)).toList();
      removed.addAll(gone);
      added.addAll(fresher);
      if (stored.isEmpty()) {
        fresh++;
      } else if (gone.isEmpty() && fresher.isEmpty()) {
        unchanged++;
      } else {
        changed++;
      }
    }
    Set<Long> referenced = new HashSet<>();
    references.forEach(r -> referenced.add(r.symbolId()));
    for (Map.Entry<Long, List<SymbolVersion>> e : byInstrument.entrySet()) {
      List<SymbolVersion> rows = e.getValue();
      if (referenced.contains(e.getKey())
          || !rows.stream().allMatch(SymbolVersion::autoRegistered)) {
        continue;
      }
      Set<String> claimed = claimedKeys.getOrDefault(rows.get(0).exchange(), Set.of());
      boolean collides =
          rows.stream().flatMap(v -> v.lookupKeys().stream()).anyMatch(claimed::contains);
      if (collides) {
        autoReplaced.add(e.getKey());
        removed.addAll(rows);
      }
    }
    return new Plan(
        current.version(),
        new SymbolChanges(removed, added),
        fresh,
        changed,
        unchanged,
        autoReplaced.size());
  }

  /**
   * Plans against the table's current rows and saves, re-planning after a lost race.
   *
   * @throws VersionConflictException when every attempt lost its race
   * @throws TicklakeException of kind INPUT when the result breaks a dimension rule (e.g. two
   *     instruments claiming one ticker at the same time); nothing is committed
   */
  public Result commit(DimSymbolTable table, DimSymbolTable.Retry retry) {
    Plan[] last = new Plan[1];
    DimSymbolTable.Saved saved =
        table.update(
            current -> {
              last[0] = plan(current);
              return last[0].changes();
            },
            retry);
    return new Result(last[0], saved.version(), saved.attempts());
  }
}
