package io.ticklake.catalog;

import static org.assertj.core.api.Assertions.assertThatCode;

import io.ticklake.catalog.contract.TableContracts;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A table the user keeps elsewhere in ticklake's catalog is no sign of a copied warehouse. */
class WarehouseForeignTableTest {
  @TempDir Path dir;

  @Test
  void aUserTableOutsideTheWarehouseDoesNotMakeItACopy() {
    Path wh = dir.resolve("wh");
    Schema schema = new Schema(Types.NestedField.required(1, "x", Types.LongType.get()));
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh))) {
      ((SupportsNamespaces) w.catalog()).createNamespace(Namespace.of("ref"));
      w.catalog().createTable(TableContracts.EXCHANGE.id(), schema);
      // e.g. Spark: CREATE TABLE ticklake.analytics.signals ... LOCATION '/data/research/signals'
      ((SupportsNamespaces) w.catalog()).createNamespace(Namespace.of("analytics"));
      w.catalog()
          .createTable(
              TableIdentifier.of("analytics", "signals"),
              schema,
              PartitionSpec.unpartitioned(),
              dir.resolve("research").resolve("signals").toString(),
              Map.of());
    }
    assertThatCode(() -> Warehouse.open(WarehouseConfig.embedded(wh)).close())
        .doesNotThrowAnyException();
  }

  @Test
  void aWarehouseMadeThroughASymbolicLinkOpensByItsRealPathAndRelatively() throws Exception {
    Path real = java.nio.file.Files.createDirectories(dir.resolve("disk").resolve("wh"));
    Path link = java.nio.file.Files.createSymbolicLink(dir.resolve("link"), dir.resolve("disk"));
    Schema schema = new Schema(Types.NestedField.required(1, "x", Types.LongType.get()));
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(link.resolve("wh")))) {
      ((SupportsNamespaces) w.catalog()).createNamespace(Namespace.of("ref"));
      w.catalog().createTable(TableContracts.EXCHANGE.id(), schema);
    }
    assertThatCode(() -> Warehouse.open(WarehouseConfig.embedded(real)).close())
        .doesNotThrowAnyException();
    Path relative = Path.of("").toAbsolutePath().relativize(link.resolve("wh"));
    assertThatCode(() -> Warehouse.open(WarehouseConfig.embedded(relative)).close())
        .doesNotThrowAnyException();
    assertThatCode(() -> Warehouse.open(WarehouseConfig.embedded(link.resolve("x/../wh"))).close())
        .doesNotThrowAnyException();
  }
}
