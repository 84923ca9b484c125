package io.ticklake.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root {@code ticklake} command: global options and the list of subcommands. */
@Command(
    name = "ticklake",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "A market-data lakehouse on Apache Iceberg.",
    synopsisSubcommandLabel = "COMMAND",
    footer = {
      "",
      "Environment: TICKLAKE_WAREHOUSE, TICKLAKE_CATALOG_URI, TICKLAKE_CATALOG_USER,",
      "TICKLAKE_CATALOG_PASSWORD, TICKLAKE_DEBUG=1 (stack traces).",
      "Exit codes: 0 ok, 1 failure, 2 usage, 3 configuration, 4 contract conflict,",
      "5 commit conflict (retry), 6 bad input, 7 unsupported table feature."
    },
    subcommands = {
      InitCommand.class,
      TablesCommand.class,
      SnapshotsCommand.class,
      SqlCommand.class,
      DemoCommand.class,
      IngestCommand.class,
      WriterCommand.class,
      SimulateCommand.class,
      ManifestCommand.class,
      OrphansCommand.class,
      ExpireCommand.class,
      DimsCommand.class,
      CompactCommand.class,
      ExportCommand.class,
      QualityCommand.class,
      BarsCommand.class,
      QuarantineCommand.class,
      RulesCommand.class,
      VersionCommand.class,
    })
final class TicklakeCommand implements java.util.concurrent.Callable<Integer> {
  private final CliContext context;

  @Spec CommandSpec spec;

  TicklakeCommand(CliContext context) {
    this.context = context;
  }

  CliContext context() {
    return context;
  }

  @Option(
      names = "--warehouse",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description =
          "Warehouse directory (default: $TICKLAKE_WAREHOUSE or ./warehouse). The embedded"
              + " SQLite catalog is DIR/catalog.db.")
  void warehouse(String value) {
    if (value.isBlank()) { // a script's unset variable: never fall back to ./warehouse silently
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot use an empty --warehouse: give a directory, or leave the option out for"
              + " $TICKLAKE_WAREHOUSE or ./warehouse");
    }
    context.warehouseOption(value);
  }

  @Option(
      names = "--catalog-uri",
      paramLabel = "JDBC_URL",
      scope = ScopeType.INHERIT,
      description =
          "Catalog database (default: $TICKLAKE_CATALOG_URI or jdbc:sqlite:DIR/catalog.db),"
              + " e.g. jdbc:postgresql://host/db.")
  void catalogUri(String value) {
    if (value.isBlank()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "Cannot use an empty --catalog-uri: give a JDBC URL, or leave the option out for"
              + " $TICKLAKE_CATALOG_URI or the warehouse's catalog.db");
    }
    context.catalogUriOption(value);
  }

  /** No command given: the usage on stderr and exit 2, like any other incomplete command line. */
  @Override
  public Integer call() {
    spec.commandLine().usage(context.err());
    return ExitCodes.USAGE;
  }
}
