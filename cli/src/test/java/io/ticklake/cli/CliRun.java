package io.ticklake.cli;

import io.ticklake.catalog.WarehouseConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * One in-process run of the CLI ({@link Main#run}) in a test: its exit code and what it printed.
 *
 * @param code the exit code
 * @param out standard output
 * @param err standard error
 */
record CliRun(int code, String out, String err) {

  /** Runs {@code args} with {@code env} as the environment. */
  static CliRun run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Runs {@code args} against the embedded warehouse {@code warehouse} (TICKLAKE_WAREHOUSE). */
  static CliRun in(Path warehouse, String... args) {
    return run(Map.of(WarehouseConfig.ENV_WAREHOUSE, warehouse.toString()), args);
  }
}
