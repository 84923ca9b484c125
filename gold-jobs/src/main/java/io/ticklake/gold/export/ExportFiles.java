package io.ticklake.gold.export;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.duckdb.Sql;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/** File helpers shared by exports and their verification: paths, checksums and row counts. */
public final class ExportFiles {
  private ExportFiles() {}

  /**
   * Resolves {@code relative} inside {@code root}, refusing any path that would end up outside it
   * (absolute paths, {@code ..} segments that climb out).
   *
   * @throws TicklakeException of kind INPUT naming the path
   */
  public static Path inside(Path root, String relative) {
    Path base = root.toAbsolutePath().normalize();
    Path rel = Path.of(relative);
    Path resolved = base.resolve(rel).normalize();
    if (rel.isAbsolute()
        || relative.isEmpty()
        || !resolved.startsWith(base)
        || resolved.equals(base)) {
      throw TicklakeException.of(
          Kind.INPUT, "Cannot use file path '%s': it escapes the folder %s", relative, root);
    }
    return resolved;
  }

  /** The path of {@code file} relative to {@code root}, with {@code /} separators. */
  public static String relative(Path root, Path file) {
    return root.toAbsolutePath()
        .normalize()
        .relativize(file.toAbsolutePath().normalize())
        .toString()
        .replace(java.io.File.separatorChar, '/');
  }

  /** Lower-case hex SHA-256 of a file's bytes. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Every regular file under {@code root}, sorted by relative path. */
  public static List<Path> listFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      List<Path> files = new ArrayList<>(s.filter(Files::isRegularFile).toList());
      files.sort(Comparator.comparing(p -> relative(root, p)));
      return files;
    }
  }

  /** Forces a file's content to disk. */
  public static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /**
   * Counts the data rows of an exported file by reading it back: Parquet and CSV (with header) via
   * DuckDB, Arrow IPC files with Arrow's reader, Lean zips by lines of their one CSV entry.
   *
   * @return the rows, or null for files that hold no rows (scripts)
   */
  public static Long countRows(DuckDbBridge duck, Path file) throws IOException {
    String name = file.getFileName().toString();
    if (name.endsWith(".parquet")) {
      return duckCount(duck, "read_parquet(" + Sql.string(file.toString()) + ")");
    }
    if (name.endsWith(".csv")) {
      return duckCount(
          duck,
          "read_csv("
              + Sql.string(file.toString())
              + ", header = true, all_varchar = true, delim = ',', quote = '\"',"
              + " null_padding = true)");
    }
    if (name.endsWith(".arrow")) {
      return arrowRows(file);
    }
    if (name.endsWith(".zip")) {
      return zipLines(file);
    }
    return null;
  }

  private static long duckCount(DuckDbBridge duck, String relation) {
    try (Statement s = duck.connection().createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + relation)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new TicklakeException(
          Kind.INPUT,
          "Cannot read " + relation + ": " + e.getMessage().strip().lines().findFirst().orElse(""),
          e);
    }
  }

  private static long arrowRows(Path file) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
      long rows = 0;
      for (ArrowBlock block : reader.getRecordBlocks()) {
        reader.loadRecordBatch(block);
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
      return rows;
    } catch (RuntimeException e) {
      throw TicklakeException.of(Kind.INPUT, "Cannot read Arrow file %s: %s", file, e.getMessage());
    }
  }

  private static long zipLines(Path file) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
      long lines = 0;
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        if (entry.isDirectory()) {
          continue;
        }
        BufferedReader r =
            new BufferedReader(new InputStreamReader(zip, StandardCharsets.US_ASCII));
        String line;
        while ((line = r.readLine()) != null) {
          if (!line.isEmpty()) {
            lines++;
          }
        }
      }
      return lines;
    }
  }
}
