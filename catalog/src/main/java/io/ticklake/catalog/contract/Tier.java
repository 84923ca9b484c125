package io.ticklake.catalog.contract;

import java.util.Locale;

/** The tiers of the lake; each is an Iceberg namespace of the same name. */
public enum Tier {
  /** Vendor events as received, append-only. */
  BRONZE,
  /** Validated, deduplicated, sorted events; regenerable from Bronze. */
  SILVER,
  /** Derived products: bars, quality reports. */
  GOLD,
  /** Reference data: symbols, exchanges. */
  REF,
  /** Operational records: ingest manifest, quarantine. */
  OPS;

  /** The Iceberg namespace of this tier. */
  public String namespace() {
    return name().toLowerCase(Locale.ROOT);
  }
}
