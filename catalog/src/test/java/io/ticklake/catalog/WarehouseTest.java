package io.ticklake.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarehouseTest {
  @TempDir Path dir;

  @Test
  void resolvesOptionThenEnvironmentThenDefault() {
    Map<String, String> env = Map.of(WarehouseConfig.ENV_WAREHOUSE, dir.resolve("env").toString());
    assertThat(WarehouseConfig.resolve(dir.resolve("opt").toString(), null, env).warehouse())
        .isEqualTo(dir.resolve("opt"));
    assertThat(WarehouseConfig.resolve(null, null, env).warehouse()).isEqualTo(dir.resolve("env"));
    WarehouseConfig defaults = WarehouseConfig.resolve(null, null, Map.of());
    assertThat(defaults.warehouse()).isEqualTo(Path.of("warehouse").toAbsolutePath());
    assertThat(defaults.catalogUri())
        .isEqualTo("jdbc:sqlite:" + Path.of("warehouse", "catalog.db").toAbsolutePath());
    assertThat(defaults.sqliteFile()).contains(Path.of("warehouse", "catalog.db").toAbsolutePath());
  }

  @Test
  void anEmbeddedCatalogUnderAPathWithAQuestionMarkOpens() {
    Path odd = dir.resolve("a?b%3F#c");
    WarehouseConfig config = WarehouseConfig.embedded(odd);
    assertThat(config.catalogUri()).startsWith("jdbc:sqlite:file:");
    assertThat(config.sqliteFile()).contains(odd.resolve("catalog.db"));
    try (Warehouse w = Warehouse.open(config)) {
      ((SupportsNamespaces) w.catalog()).createNamespace(Namespace.of("bronze"));
    }
    assertThat(odd.resolve("catalog.db")).isRegularFile();
    assertThat(WarehouseConfig.embedded(dir.resolve("plain")).catalogUri())
        .isEqualTo("jdbc:sqlite:" + dir.resolve("plain").resolve("catalog.db"));
  }

  @Test
  void aCopiedOrMovedWarehouseIsRefusedBeforeItTouchesTheOriginal() throws Exception {
    Path original = dir.resolve("wh");
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(original))) {
      ((SupportsNamespaces) w.catalog()).createNamespace(Namespace.of("ref"));
      w.catalog()
          .createTable(
              io.ticklake.catalog.contract.TableContracts.EXCHANGE.id(),
              new org.apache.iceberg.Schema(
                  org.apache.iceberg.types.Types.NestedField.required(
                      1, "x", org.apache.iceberg.types.Types.LongType.get())));
    }
    Path copy = dir.resolve("backup");
    try (var files = Files.walk(original)) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(original.relativize(f).toString()));
      }
    }
    assertThatThrownBy(() -> Warehouse.open(WarehouseConfig.embedded(copy)))
        .isInstanceOf(TicklakeException.class)
        .hasMessageStartingWith(
            "Cannot open warehouse " + copy + ": it is a copy of the warehouse at " + original)
        .satisfies(e -> assertThat(((TicklakeException) e).kind()).isEqualTo(Kind.CONFIGURATION));
    // the original opens, also through a symbolic link
    Warehouse.open(WarehouseConfig.embedded(original)).close();
    Path link = Files.createSymbolicLink(dir.resolve("link"), original);
    Warehouse.open(WarehouseConfig.embedded(link)).close();

    Path moved = Files.move(original, dir.resolve("moved"));
    assertThatThrownBy(() -> Warehouse.open(WarehouseConfig.embedded(moved)))
        .isInstanceOf(TicklakeException.class)
        .hasMessage(
            "Cannot open warehouse "
                + moved
                + ": its catalog names tables under "
                + original
                + ", which no longer exist: the warehouse was moved, and Iceberg records absolute"
                + " paths. Move it back to "
                + original);
  }

  @Test
  void catalogUriFromEnvironmentSelectsAnotherCatalog() {
    WarehouseConfig config =
        WarehouseConfig.resolve(
            dir.toString(),
            null,
            Map.of(
                WarehouseConfig.ENV_CATALOG_URI, "jdbc:postgresql://db:5432/lake",
                WarehouseConfig.ENV_CATALOG_USER, "tick",
                WarehouseConfig.ENV_CATALOG_PASSWORD, "secret"));
    assertThat(config.isSqlite()).isFalse();
    assertThat(config.sqliteFile()).isEmpty();
    assertThat(config.catalogUser()).contains("tick");
    assertThat(config.catalogPassword()).contains("secret");
  }

  @Test
  void opensEmbeddedCatalogInWarehouse() {
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      ((SupportsNamespaces) w.catalog()).createNamespace(Namespace.of("bronze"));
      assertThat(((SupportsNamespaces) w.catalog()).listNamespaces())
          .containsExactly(Namespace.of("bronze"));
    }
    assertThat(dir.resolve("wh/catalog.db")).isRegularFile();
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      assertThat(((SupportsNamespaces) w.catalog()).listNamespaces())
          .containsExactly(Namespace.of("bronze"));
    }
  }

  @Test
  void warehouseThatIsAFileIsAConfigurationError() throws Exception {
    Path file = Files.writeString(dir.resolve("plain.txt"), "x");
    assertThatThrownBy(() -> Warehouse.open(WarehouseConfig.embedded(file)))
        .isInstanceOfSatisfying(
            TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
        .hasMessage("Cannot use warehouse " + file + ": it is a file, not a directory");
  }

  @Test
  void warehouseThatCannotBeCreatedIsAConfigurationError() throws Exception {
    Path file = Files.writeString(dir.resolve("plain.txt"), "x");
    Path below = file.resolve("warehouse");
    assertThatThrownBy(() -> Warehouse.open(WarehouseConfig.embedded(below)))
        .isInstanceOfSatisfying(
            TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
        .hasMessageStartingWith("Cannot create warehouse directory " + below + ": ");
  }

  @Test
  void unwritableWarehouseIsAConfigurationError() {
    // /proc is read-only for everyone, root included
    Path readOnly = Path.of("/proc/self");
    assertThatThrownBy(() -> Warehouse.open(WarehouseConfig.embedded(readOnly)))
        .isInstanceOfSatisfying(
            TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
        .hasMessageStartingWith("Cannot write to warehouse directory ");
  }

  @Test
  void garbageCatalogFileIsRejectedBeforeSqliteSeesIt() throws Exception {
    Path wh = Files.createDirectories(dir.resolve("wh"));
    Files.writeString(wh.resolve("catalog.db"), "this is not a database at all, just text");
    assertThatThrownBy(() -> Warehouse.open(WarehouseConfig.embedded(wh)))
        .isInstanceOfSatisfying(
            TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
        .hasMessage(
            "Cannot open catalog "
                + wh.resolve("catalog.db")
                + ": the file is not an SQLite database (corrupt or overwritten)");
  }

  @Test
  void corruptSqliteCatalogIsAConfigurationError() throws Exception {
    Path wh = dir.resolve("wh");
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh))) {
      ((SupportsNamespaces) w.catalog()).createNamespace(Namespace.of("bronze"));
    }
    Path db = wh.resolve("catalog.db");
    // keep the SQLite header, destroy the pages after it
    byte[] bytes = Files.readAllBytes(db);
    for (int i = 100; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31 + 7);
    }
    Files.write(db, bytes);
    Files.deleteIfExists(wh.resolve("catalog.db-wal"));
    Files.deleteIfExists(wh.resolve("catalog.db-shm"));
    assertThatThrownBy(() -> Warehouse.open(WarehouseConfig.embedded(wh)))
        .isInstanceOfSatisfying(
            TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
        .hasMessageStartingWith("Cannot open catalog jdbc:sqlite:" + db + ": ")
        .hasMessageNotContaining("\n");
  }

  @Test
  void catalogPathThatIsADirectoryIsAConfigurationError() throws Exception {
    Path wh = dir.resolve("wh");
    Files.createDirectories(wh.resolve("catalog.db"));
    assertThatThrownBy(() -> Warehouse.open(WarehouseConfig.embedded(wh)))
        .hasMessage(
            "Cannot open catalog " + wh.resolve("catalog.db") + ": it is a directory, not a file");
  }

  @Test
  void unreachableCatalogServerIsAConfigurationError() {
    WarehouseConfig config =
        WarehouseConfig.resolve(
            dir.toString(), "jdbc:postgresql://127.0.0.1:1/lake?connectTimeout=2", Map.of());
    assertThatThrownBy(() -> Warehouse.open(config))
        .isInstanceOfSatisfying(
            TicklakeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
        .hasMessageStartingWith("Cannot open catalog jdbc:postgresql://127.0.0.1:1/lake");
  }

  @Test
  void nonJdbcCatalogUriIsAConfigurationError() {
    assertThatThrownBy(() -> WarehouseConfig.resolve(dir.toString(), "postgres://db/x", Map.of()))
        .hasMessage(
            "Cannot use catalog URI 'postgres://db/x': it must be a JDBC URL (jdbc:sqlite:… or"
                + " jdbc:postgresql:…)");
  }
}
