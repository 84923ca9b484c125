package io.ticklake.cli;

import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The DuckDB resource options of the jobs that compute in DuckDB ({@code compact}, {@code bars},
 * {@code quality}), shared as a picocli mixin: {@code --threads} and {@code --memory-limit}.
 */
final class DuckDbResources {
  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description = "DuckDB threads (default: one per core).")
  int threads;

  @Option(
      names = "--memory-limit",
      paramLabel = "SIZE",
      description =
          "DuckDB memory limit, e.g. 2GB; beyond it DuckDB spills to <warehouse>/.tmp"
              + " (default: DuckDB's, 80%% of RAM).")
  String memoryLimit;

  /** The thread count; 0 means one per core. */
  int threads() {
    return threads;
  }

  /** The memory limit, if one was given. */
  Optional<String> memoryLimit() {
    return Optional.ofNullable(memoryLimit);
  }
}
