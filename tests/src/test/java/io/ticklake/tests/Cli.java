package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@code ticklake} commands in this JVM, as a user would, against one warehouse. */
final class Cli {
  /** What a command returned and printed. */
  record Result(int code, String out, String err) {}

  private final Map<String, String> env;

  /**
   * Commands run against the warehouse at {@code warehouse} (as if TICKLAKE_WAREHOUSE were set).
   */
  Cli(Path warehouse) {
    this(warehouse, Map.of());
  }

  /** Commands run against the warehouse at {@code warehouse}, with more environment variables. */
  Cli(Path warehouse, Map<String, String> moreEnv) {
    Map<String, String> all = new java.util.HashMap<>(moreEnv);
    all.put(WarehouseConfig.ENV_WAREHOUSE, warehouse.toString());
    this.env = Map.copyOf(all);
  }

  /**
   * The arguments of {@code ticklake export} of one table's IBM rows of 2013-10-11 (the bundled
   * sample day) in {@code profile} to {@code out}, followed by {@code more}.
   */
  static String[] exportIbmDay(String profile, String table, Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "export",
                "--profile",
                profile,
                "--table",
                table,
                "--symbols",
                "IBM",
                "--from",
                "2013-10-11",
                "--to",
                "2013-10-11",
                "--out",
                out.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /**
   * Builds Silver from the bundled sample day's IBM trades (2013-10-11) with {@code init}, {@code
   * ingest} and {@code compact}, each of which must succeed.
   *
   * @param samples the folder {@code BundledSamples.extractTo} filled
   */
  void silverIbmTradesOfTheSampleDay(Path samples) {
    ok("init");
    ok(
        "ingest",
        "--vendor",
        "lean",
        samples.resolve("lean/equity/usa/tick/ibm/20131011_trade.zip").toString());
    ok("compact", "--table", "trades");
  }

  /** Runs a command. */
  Result run(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(args, new PrintWriter(o, true), new PrintWriter(e, true), env);
    return new Result(code, o.toString(), e.toString());
  }

  /** Runs a command that must succeed (exit 0; the failure shows its stderr). */
  Result ok(String... args) {
    Result r = run(args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isZero();
    return r;
  }
}
