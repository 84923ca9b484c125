package io.ticklake.cli;

import java.util.concurrent.Callable;
import org.apache.iceberg.IcebergBuild;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParentCommand;

/** {@code ticklake version}: versions of ticklake and the components it runs on. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print the versions of ticklake, Iceberg, DuckDB and Java.")
final class VersionCommand implements Callable<Integer> {
  @ParentCommand TicklakeCommand root;

  @Override
  public Integer call() {
    for (String line : lines()) {
      root.context().out().println(line);
    }
    return ExitCodes.OK;
  }

  static String[] lines() {
    String ticklake = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "ticklake " + (ticklake == null ? "(development build)" : ticklake),
      "iceberg  " + IcebergBuild.version(),
      "duckdb   " + duckDbVersion(),
      "java     "
          + System.getProperty("java.version")
          + " ("
          + System.getProperty("java.vendor")
          + ")"
    };
  }

  private static String duckDbVersion() {
    try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT version()")) {
      rs.next();
      return rs.getString(1);
    } catch (java.sql.SQLException e) {
      return "unavailable (" + e.getMessage() + ")";
    }
  }

  /** Makes {@code ticklake --version} print the same lines. */
  static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return lines();
    }
  }
}
