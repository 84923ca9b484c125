package io.ticklake.catalog.dim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * One participant of a concurrency round, run by a test thread or by a child JVM ({@link
 * RaceProcess}): read, announce readiness, wait for the go file, try to save its own new row
 * against the version it read, record whether it won or got a conflict, then retry with {@link
 * DimSymbolTable#update} until its row is in.
 */
final class RaceWriter {
  static final String EXCHANGE = "race";

  private RaceWriter() {}

  static String canonical(String writer, int round) {
    return writer + "-r" + round;
  }

  static SymbolVersion row(String writer, int round) {
    String canonical = canonical(writer, round);
    return DimRows.open(
        EXCHANGE, canonical, canonical.toUpperCase(Locale.ROOT).replace("-", ""), DimRows.T0);
  }

  static Path ready(Path sync, String writer, int round) {
    return sync.resolve(writer + ".r" + round + ".ready");
  }

  static Path result(Path sync, String writer, int round) {
    return sync.resolve(writer + ".r" + round + ".result");
  }

  static Path go(Path sync, int round) {
    return sync.resolve("go.r" + round);
  }

  static Path start(Path sync, int round) {
    return sync.resolve("start.r" + round);
  }

  /** Runs one round; the outcome of the first save goes to the result file. */
  static void round(DimSymbolTable table, Path sync, String writer, int round) throws Exception {
    // the previous round is over (every retry committed) once the start file exists
    await(start(sync, round), writer);
    DimSymbolSnapshot read = table.read();
    write(ready(sync, writer, round), read.version().toString());
    await(go(sync, round), writer);
    SymbolVersion mine = row(writer, round);
    String outcome;
    try {
      DimVersion saved = table.save(SymbolChanges.adding(mine), read.version());
      outcome = "WON " + read.version() + " " + saved;
    } catch (VersionConflictException e) {
      outcome = "CONFLICT " + e.expected() + " " + e.actual() + " " + e.getMessage();
      table.update(
          s -> s.find(mine.key()).isPresent() ? SymbolChanges.none() : SymbolChanges.adding(mine),
          new DimSymbolTable.Retry(60, Duration.ofMillis(10), Duration.ofMillis(400)));
    }
    write(result(sync, writer, round), outcome);
  }

  private static void await(Path file, String writer) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(writer + " waited too long for " + file);
      }
      Thread.sleep(1);
    }
  }

  private static void write(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
