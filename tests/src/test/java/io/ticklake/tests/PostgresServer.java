package io.ticklake.tests;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster for tests: {@code initdb} into a fresh temp directory, {@code
 * pg_ctl start} on a free port of 127.0.0.1, stopped and deleted by {@link #close()}. Debian's
 * binaries are found on PATH or in {@code /usr/lib/postgresql/<version>/bin}; {@link #installed()}
 * tells a test whether to skip.
 *
 * <p>initdb refuses to run as root, so under root the cluster belongs to {@code nobody} (run with
 * {@code runuser}), as {@code tests/scripts/postgres-export-check.sh} does. Connections over TCP
 * need a password (scram-sha-256): the superuser {@code postgres} has {@link #SUPERUSER_PASSWORD}.
 */
final class PostgresServer implements AutoCloseable {
  static final String SUPERUSER = "postgres";
  static final String SUPERUSER_PASSWORD = "postgres-test";

  private final Path bin;
  private final Path work;
  private final int port;
  private final List<String> asOwner;

  private PostgresServer(Path bin, Path work, int port, List<String> asOwner) {
    this.bin = bin;
    this.work = work;
    this.port = port;
    this.asOwner = asOwner;
  }

  /** The folder with initdb and pg_ctl: PATH's, else the newest /usr/lib/postgresql/N/bin. */
  static Optional<Path> binaries() {
    for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!p.isBlank()
          && Files.isExecutable(Path.of(p, "initdb"))
          && Files.isExecutable(Path.of(p, "pg_ctl"))) {
        return Optional.of(Path.of(p));
      }
    }
    try (Stream<Path> s = Files.list(Path.of("/usr/lib/postgresql"))) {
      return s.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(
              Comparator.comparingInt(
                  b -> {
                    try {
                      return Integer.parseInt(b.getParent().getFileName().toString());
                    } catch (NumberFormatException e) {
                      return 0;
                    }
                  }));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Whether PostgreSQL's server binaries are installed. */
  static boolean installed() {
    return binaries().isPresent();
  }

  /** The message of a test skipped because {@link #installed()} is false. */
  static final String NOT_INSTALLED =
      "PostgreSQL binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin:"
          + " install Debian's postgresql package (apt-get install postgresql) to run this test";

  /** Creates and starts a cluster. */
  static PostgresServer start() throws IOException, InterruptedException {
    Path bin = binaries().orElseThrow(() -> new IllegalStateException(NOT_INSTALLED));
    Path work = Files.createTempDirectory("ticklake-pg");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> asOwner = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      UserPrincipal nobody =
          work.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      Files.setOwner(work, nobody);
      asOwner.addAll(List.of("runuser", "-u", "nobody", "--"));
    }
    Path pwfile = work.resolve("pwfile");
    Files.writeString(pwfile, SUPERUSER_PASSWORD + "\n", StandardCharsets.UTF_8);
    if (!asOwner.isEmpty()) {
      Files.setOwner(pwfile, Files.getOwner(work));
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    PostgresServer server = new PostgresServer(bin, work, port, asOwner);
    try {
      server.run(
          "initdb",
          "-D",
          work.resolve("data").toString(),
          "-U",
          SUPERUSER,
          "--pwfile=" + pwfile,
          "--auth-local=trust",
          "--auth-host=scram-sha-256",
          "-E",
          "UTF8",
          "--locale=C");
      server.run(
          "pg_ctl",
          "-D",
          work.resolve("data").toString(),
          "-l",
          work.resolve("server.log").toString(),
          "-w",
          "-o",
          "-c listen_addresses=127.0.0.1 -k " + work + " -p " + port + " -c fsync=off",
          "start");
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The port the server listens on (127.0.0.1). */
  int port() {
    return port;
  }

  /** The JDBC URL of database {@code db}. */
  String jdbcUrl(String db) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
  }

  /** Creates a login role with a password and a database it owns. */
  void createDatabase(String db, String owner, String password) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, SUPERUSER_PASSWORD);
        Statement s = c.createStatement()) {
      try (var rs =
          s.executeQuery(
              "SELECT 1 FROM pg_roles WHERE rolname = '" + owner.replace("'", "''") + "'")) {
        if (!rs.next()) {
          s.execute(
              "CREATE ROLE \"" + owner + "\" LOGIN PASSWORD '" + password.replace("'", "''") + "'");
        }
      }
      s.execute("CREATE DATABASE \"" + db + "\" OWNER \"" + owner + "\"");
    }
  }

  private void run(String tool, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(asOwner);
    cmd.add(bin.resolve(tool).toString());
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile("ticklake-pg-" + tool, ".log");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(tool + " did not finish in 60 s");
      }
      if (p.exitValue() != 0) {
        String server = "";
        if (Files.exists(work.resolve("server.log"))) {
          server = "\n" + Files.readString(work.resolve("server.log"));
        }
        throw new IOException(
            tool + " failed (exit " + p.exitValue() + "): " + Files.readString(log) + server);
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Stops the server at once and deletes its files. */
  @Override
  public void close() {
    try {
      if (Files.exists(work.resolve("data/postmaster.pid"))) {
        run("pg_ctl", "-D", work.resolve("data").toString(), "-m", "immediate", "-w", "stop");
      }
    } catch (IOException e) {
      // deleted below all the same
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(work)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind
    }
  }
}
