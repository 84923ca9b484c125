package io.ticklake.catalog.dim;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Paths of the committed test fixtures and a fixed clock. */
final class Fixtures {
  /** The tests' "now". */
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  static final LocalDate TODAY = LocalDate.of(2026, 11, 22);

  private Fixtures() {}

  static Path resource(String name) {
    try {
      return Path.of(Fixtures.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path mapFiles() {
    return resource("lean/map_files");
  }

  static Path symbolProperties() {
    return resource("lean/symbol-properties-database.csv");
  }

  static Path cryptoCsv() {
    return resource("crypto-symbols.csv");
  }
}
