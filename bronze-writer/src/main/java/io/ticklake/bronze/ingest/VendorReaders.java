package io.ticklake.bronze.ingest;

import io.ticklake.bronze.read.LeanTickReader;
import io.ticklake.bronze.read.MappedReader;
import io.ticklake.bronze.read.ReaderMapping;
import io.ticklake.bronze.read.TardisCsvReader;
import io.ticklake.bronze.read.VendorReader;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.nio.file.Path;
import java.util.Locale;

/** Chooses the reader for {@code ticklake ingest --vendor …}. */
public final class VendorReaders {
  private VendorReaders() {}

  /**
   * The reader for a vendor name.
   *
   * @param vendor lean, tardis or csv
   * @param mapping the mapping file, required for csv
   * @throws TicklakeException of kind INPUT for an unknown vendor or a missing mapping
   */
  /** The vendor names {@link #forVendor} knows (lower case); the last three read a mapping. */
  public static final java.util.List<String> NAMES =
      java.util.List.of("lean", "tardis", "csv", "jsonl", "generic");

  /** Whether {@code vendor} (one of {@link #NAMES}, any case) reads its columns from a mapping. */
  public static boolean needsMapping(String vendor) {
    int i = NAMES.indexOf(vendor == null ? "" : vendor.trim().toLowerCase(Locale.ROOT));
    return i >= 2;
  }

  public static VendorReader forVendor(String vendor, Path mapping) {
    String v = vendor == null ? "" : vendor.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "lean":
        return new LeanTickReader();
      case "tardis":
        return new TardisCsvReader();
      case "csv":
      case "jsonl":
      case "generic":
        if (mapping == null) {
          throw TicklakeException.of(
              Kind.INPUT,
              "Cannot ingest with --vendor %s: give the column mapping with --mapping FILE",
              v);
        }
        return new MappedReader(ReaderMapping.load(mapping));
      default:
        throw TicklakeException.of(
            Kind.INPUT, "Cannot ingest with --vendor '%s': expected lean, tardis or csv", vendor);
    }
  }

  /** The exchange for rows whose format carries none: Lean files are US equities. */
  public static String defaultExchange(String vendor) {
    return "lean".equalsIgnoreCase(vendor == null ? "" : vendor.trim()) ? "us-equity" : null;
  }
}
