package io.ticklake.manifests;

import java.util.Locale;

/** Where a file is in its ingest. */
public enum ManifestStatus {
  /** Registered, not started. */
  PENDING,
  /** Started; a crash leaves files in this state until the next run settles them. */
  INGESTING,
  /** Its rows are committed to Bronze (and its parse errors to quarantine). */
  INGESTED,
  /** It could not be read at all; nothing of it was appended. */
  FAILED;

  /** The lower-case label stored in the manifest. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a stored label. */
  public static ManifestStatus fromLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
