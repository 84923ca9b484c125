package io.ticklake.catalog.dim;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import java.nio.file.Path;

/**
 * The child JVM of {@link DimSymbolConcurrencyTest}: runs {@link RaceWriter#round} for rounds 1..n
 * against a warehouse shared with the parent. Arguments: warehouse directory, sync directory,
 * writer name, number of rounds. Exit code 0 when every round completed.
 */
public final class RaceProcess {
  private RaceProcess() {}

  public static void main(String[] args) throws Exception {
    Path warehouse = Path.of(args[0]);
    Path sync = Path.of(args[1]);
    String name = args[2];
    int rounds = Integer.parseInt(args[3]);
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(warehouse))) {
      DimSymbolTable table = DimSymbolTable.open(w);
      for (int r = 1; r <= rounds; r++) {
        RaceWriter.round(table, sync, name, r);
        System.out.println(name + " finished round " + r);
      }
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }
}
