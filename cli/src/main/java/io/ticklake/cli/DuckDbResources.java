package io.ticklake.cli;

import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The DuckDB resource options of the commands that compute in DuckDB ({@code compact}, {@code
 * bars}, {@code quality}, {@code sql}), shared as a picocli mixin: {@code --threads} and {@code
 * --memory-limit}.
 */
final class DuckDbResources {
  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description = "DuckDB threads; 0 (the default) means one per core.")
  int threads;

  @Option(
      names = "--memory-limit",
      paramLabel = "SIZE",
      description =
          "DuckDB memory limit, e.g. 2GB; beyond it DuckDB spills to <warehouse>/.tmp"
              + " (default: DuckDB's, 80%% of RAM).")
  String memoryLimit;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /** The thread count; 0 means one per core. */
  int threads() {
    if (threads < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot use --threads " + threads + ": give 1 or more, or 0 for one per core");
    }
    return threads;
  }

  /** The memory limit, if one was given, checked before any work starts. */
  Optional<String> memoryLimit() {
    if (memoryLimit != null && !SIZE.matcher(memoryLimit.strip()).matches()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot use --memory-limit "
              + memoryLimit
              + ": give a size with a unit, such as 512MB, 2GB or 1.5GiB");
    }
    return Optional.ofNullable(memoryLimit).map(String::strip);
  }

  private static final Pattern SIZE =
      Pattern.compile("(?i)[0-9]+(\\.[0-9]+)?\\s*(b|bytes|kb|mb|gb|tb|kib|mib|gib|tib)");
}
