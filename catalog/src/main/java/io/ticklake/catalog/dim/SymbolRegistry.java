package io.ticklake.catalog.dim;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Makes sure the symbols events arrive with are known to {@code ref.dim_symbol}, under a {@link
 * RegistrationPolicy}; the compactor calls it before resolving a batch.
 *
 * <p>A ticker is known when any version on the exchange, at any time, has its key as ticker or
 * alias ({@link SymbolIds#normalize}); whether it is valid at the events' times is for the
 * point-in-time lookup to decide (events outside every window are unresolved and quarantined).
 * Under {@link RegistrationPolicy#AUTO} an unknown ticker is registered as an instrument whose
 * canonical id is its normalised key (so its {@code symbol_id} is {@code derive(exchange, key)}),
 * valid from {@link #AUTO_VALID_FROM} and open-ended, {@code auto_registered = true}, with the
 * exchange's default attributes from the bundled Lean symbol-properties database where it has them.
 * Reference data loaded later replaces the placeholder ({@link SymbolLoader}). Under {@link
 * RegistrationPolicy#STRICT} unknown tickers are returned as rejected and nothing is written. A
 * ticker that normalises to nothing (blank, only separators) is rejected under either policy.
 *
 * <p>Concurrent registrations of the same ticker are safe: the id is deterministic, and a writer
 * that loses the race re-reads, finds the ticker known and writes nothing. Not thread-safe; one
 * registry per thread.
 */
public final class SymbolRegistry {
  /** Start of validity of auto-registered symbols, early so that lookups of old data work. */
  public static final Instant AUTO_VALID_FROM = Instant.EPOCH;

  /** The {@code source} of auto-registered rows. */
  public static final String AUTO_SOURCE = "auto-registered";

  private final DimSymbolTable table;
  private final RegistrationPolicy policy;
  private final Clock clock;

  /**
   * A registry writing to {@code table}.
   *
   * @param table the dimension table
   * @param policy what to do with unknown symbols
   * @param clock gives {@code updated_at} of registered rows
   */
  public SymbolRegistry(DimSymbolTable table, RegistrationPolicy policy, Clock clock) {
    this.table = requireNonNull(table, "table is null");
    this.policy = requireNonNull(policy, "policy is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * What {@link #ensureRegistered} found and did.
   *
   * @param version the dimension's version afterwards
   * @param known tickers that were already known
   * @param registered rows registered now (AUTO)
   * @param rejected tickers that are unknown and were not registered (STRICT)
   */
  public record Registration(
      DimVersion version,
      List<String> known,
      List<SymbolVersion> registered,
      List<String> rejected) {
    public Registration {
      requireNonNull(version, "version is null");
      known = List.copyOf(known);
      registered = List.copyOf(registered);
      rejected = List.copyOf(rejected);
    }
  }

  /** {@link #ensureRegistered(String, Collection)} for a few tickers. */
  public Registration ensureRegistered(String exchange, String... tickers) {
    return ensureRegistered(exchange, List.of(tickers));
  }

  /**
   * Registers (AUTO) or rejects (STRICT) the tickers of {@code exchange} that the dimension does
   * not know. Spellings with the same key count once (the first in sorted order names the row).
   *
   * @throws VersionConflictException when every retry lost its race
   */
  public Registration ensureRegistered(String exchange, Collection<String> tickers) {
    requireNonNull(exchange, "exchange is null");
    TreeSet<String> sorted = new TreeSet<>(tickers);
    Registration[] outcome = new Registration[1];
    DimSymbolTable.Saved saved =
        table.update(
            current -> {
              SymbolResolver resolver = SymbolResolver.of(current);
              List<String> known = new ArrayList<>();
              Map<String, String> unknownByKey = new LinkedHashMap<>();
              List<String> rejected = new ArrayList<>();
              for (String ticker : sorted) {
                if (SymbolIds.normalize(ticker).isEmpty()) {
                  rejected.add(
                      ticker); // nothing left to name an instrument by, whatever the policy
                } else if (resolver.isKnown(exchange, ticker)) {
                  known.add(ticker);
                } else {
                  unknownByKey.putIfAbsent(SymbolIds.normalize(ticker), ticker);
                }
              }
              List<SymbolVersion> rows = new ArrayList<>();
              if (policy == RegistrationPolicy.STRICT) {
                rejected.addAll(unknownByKey.values());
              } else {
                Instant now = clock.instant();
                unknownByKey.forEach(
                    (key, ticker) -> rows.add(autoRow(exchange, key, ticker, now)));
              }
              outcome[0] = new Registration(current.version(), known, rows, rejected);
              return SymbolChanges.adding(rows);
            },
            DimSymbolTable.Retry.DEFAULT);
    Registration r = outcome[0];
    return new Registration(saved.version(), r.known(), r.registered(), r.rejected());
  }

  /** The placeholder row of an unknown ticker. */
  static SymbolVersion autoRow(String exchange, String key, String ticker, Instant now) {
    SymbolAttributes defaults =
        LeanSymbolProperties.bundled().defaults(exchange).orElse(SymbolAttributes.UNKNOWN);
    Optional<String> assetClass = ExchangeInfo.assetClass(exchange);
    if (defaults.assetClass() == null && assetClass.isPresent()) {
      defaults =
          defaults.overriddenBy(
              new SymbolAttributes(assetClass.get(), null, null, null, null, null, null));
    }
    return new SymbolVersion(
        SymbolIds.derive(exchange, key),
        exchange,
        key,
        ticker.strip(),
        null,
        defaults.withAliases(List.of()),
        AUTO_VALID_FROM,
        Optional.empty(),
        true,
        true,
        AUTO_SOURCE,
        now);
  }
}
