package io.ticklake.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.contract.TableContracts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code ticklake init} at once on a fresh warehouse (two containers starting with an init,
 * say): both succeed and {@code ref.exchange} holds each exchange once. Each seeded the empty table
 * with an unvalidated overwrite, so both rows of every exchange were committed.
 */
class ConcurrentInitTest {
  @TempDir Path dir;

  @Test
  void twoInitsOfAFreshWarehouseSeedEachExchangeOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 4; round++) {
        Path wh = dir.resolve("wh" + round);
        try (Warehouse first = Warehouse.open(WarehouseConfig.embedded(wh))) {
          // the catalog exists; the tables do not
        }
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<LakeInitializer.Result>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          runs.add(
              pool.submit(
                  () -> {
                    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh))) {
                      start.await();
                      return new LakeInitializer(w).commit();
                    }
                  }));
        }
        for (Future<LakeInitializer.Result> run : runs) {
          run.get(); // neither fails
        }
        try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(wh))) {
          Table exchanges = w.table(TableContracts.EXCHANGE.id());
          List<String> ids = new ArrayList<>();
          try (CloseableIterable<Record> rows = IcebergGenerics.read(exchanges).build()) {
            rows.forEach(r -> ids.add((String) r.getField("exchange_id")));
          }
          assertThat(ids).as("round %d", round).isNotEmpty().doesNotHaveDuplicates();
          assertThat(new LakeInitializer(w).commit().isNoop()).isTrue();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
