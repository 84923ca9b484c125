package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A tier never imports a later tier: the module dependency rules of the architecture, checked on
 * the sources rather than hoped for.
 */
class TierImportsTest {
  /** Module folder → its package, and the ticklake packages it may import. */
  private static final Map<String, String> PACKAGE =
      Map.of(
          "catalog", "io.ticklake.catalog",
          "manifests", "io.ticklake.manifests",
          "quarantine", "io.ticklake.quarantine",
          "bronze-writer", "io.ticklake.bronze",
          "silver-compactor", "io.ticklake.silver",
          "gold-jobs", "io.ticklake.gold",
          "cli", "io.ticklake.cli");

  private static final Map<String, Set<String>> MAY_IMPORT =
      Map.of(
          "catalog", Set.of(),
          "manifests", Set.of("catalog"),
          "quarantine", Set.of("catalog"),
          "bronze-writer", Set.of("catalog", "manifests", "quarantine"),
          "silver-compactor", Set.of("catalog", "quarantine"),
          "gold-jobs", Set.of("catalog"),
          "cli",
              Set.of(
                  "catalog",
                  "manifests",
                  "quarantine",
                  "bronze-writer",
                  "silver-compactor",
                  "gold-jobs"));

  private static final Pattern IMPORT =
      Pattern.compile("^import\\s+(?:static\\s+)?(io\\.ticklake\\.[a-z]+)", Pattern.MULTILINE);

  @Test
  void noModuleImportsALaterTier() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    assertThat(root.resolve("pom.xml")).exists();
    List<String> violations = new ArrayList<>();
    int files = 0;
    for (String module : PACKAGE.keySet()) {
      Path src = root.resolve(module).resolve("src/main/java");
      if (!Files.isDirectory(src)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(src)) {
        for (Path file : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
          files++;
          Matcher m = IMPORT.matcher(Files.readString(file));
          while (m.find()) {
            String imported = m.group(1);
            String owner = moduleOf(imported);
            if (owner == null) {
              violations.add(file + " imports unknown ticklake package " + imported);
            } else if (!owner.equals(module) && !MAY_IMPORT.get(module).contains(owner)) {
              violations.add(root.relativize(file) + " (" + module + ") imports " + imported);
            }
          }
        }
      }
    }
    assertThat(files).isGreaterThan(10);
    assertThat(violations).isEmpty();
  }

  @Test
  void everyModuleUsesItsOwnPackage() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<String> wrong = new ArrayList<>();
    Pattern pkg = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    for (Map.Entry<String, String> e : PACKAGE.entrySet()) {
      Path src = root.resolve(e.getKey()).resolve("src/main/java");
      if (!Files.isDirectory(src)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(src)) {
        for (Path file : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m = pkg.matcher(Files.readString(file));
          if (!m.find() || !(m.group(1) + ".").startsWith(e.getValue() + ".")) {
            wrong.add(root.relativize(file).toString());
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  private static String moduleOf(String pkg) {
    for (Map.Entry<String, String> e : PACKAGE.entrySet()) {
      if (pkg.equals(e.getValue()) || pkg.startsWith(e.getValue() + ".")) {
        return e.getKey();
      }
    }
    return null;
  }
}
