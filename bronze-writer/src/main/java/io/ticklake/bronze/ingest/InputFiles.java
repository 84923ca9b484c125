package io.ticklake.bronze.ingest;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands what a user passes to {@code ticklake ingest}: files, folders (walked recursively for
 * data files) and globs ({@code data/**}{@code /*_trade.zip}). The result is sorted and free of
 * duplicates, so the same arguments always give the same order.
 */
public final class InputFiles {
  private static final List<String> DATA_SUFFIXES =
      List.of(".zip", ".csv", ".csv.gz", ".gz", ".jsonl", ".jsonl.gz", ".json", ".txt");

  private InputFiles() {}

  /**
   * Expands arguments to files.
   *
   * @throws TicklakeException of kind INPUT when an argument matches nothing
   */
  public static List<Path> expand(List<String> args) {
    Set<Path> out = new LinkedHashSet<>();
    for (String arg : args) {
      List<Path> found = expandOne(arg);
      if (found.isEmpty()) {
        throw TicklakeException.of(Kind.INPUT, "Cannot find any file for '%s'", arg);
      }
      out.addAll(found);
    }
    List<Path> sorted = new ArrayList<>(out);
    sorted.sort(null);
    return sorted;
  }

  private static List<Path> expandOne(String arg) {
    // a path that exists is taken literally, also when its name holds a glob character (a
    // warehouse under /tmp/run[1] ingesting its own samples)
    boolean exists;
    try {
      exists = Files.exists(Path.of(arg));
    } catch (java.nio.file.InvalidPathException e) {
      exists = false;
    }
    if (!exists
        && (arg.contains("*") || arg.contains("?") || arg.contains("[") || arg.contains("{"))) {
      return glob(arg);
    }
    Path p = Path.of(arg).toAbsolutePath().normalize();
    if (Files.isDirectory(p)) {
      return walk(p);
    }
    if (Files.isRegularFile(p)) {
      if (!Files.isReadable(p)) {
        throw TicklakeException.of(Kind.INPUT, "Cannot read %s: permission denied", p);
      }
      return List.of(p);
    }
    throw TicklakeException.of(Kind.INPUT, "Cannot find %s: no such file or directory", p);
  }

  private static List<Path> walk(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(InputFiles::isDataFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isDataFile(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.startsWith(".")) {
      return false;
    }
    return DATA_SUFFIXES.stream().anyMatch(name::endsWith);
  }

  private static List<Path> glob(String pattern) {
    // the base is the longest leading part without glob characters
    String normalized = pattern.replace('\\', '/');
    int firstGlob = indexOfGlob(normalized);
    int slash = normalized.lastIndexOf('/', firstGlob);
    Path base =
        Path.of(slash < 0 ? "." : normalized.substring(0, slash + 1)).toAbsolutePath().normalize();
    String rest = slash < 0 ? normalized : normalized.substring(slash + 1);
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
    try (Stream<Path> s = Files.walk(base)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> matcher.matches(base.relativize(p)))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int indexOfGlob(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return i;
      }
    }
    return s.length();
  }
}
