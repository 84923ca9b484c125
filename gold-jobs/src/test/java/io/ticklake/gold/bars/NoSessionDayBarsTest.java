package io.ticklake.gold.bars;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.ingest.IngestJob;
import io.ticklake.bronze.ingest.InputFiles;
import io.ticklake.bronze.ingest.VendorReaders;
import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.quarantine.Severity;
import io.ticklake.silver.CompactOptions;
import io.ticklake.silver.SilverCompactor;
import io.ticklake.silver.SilverTable;
import io.ticklake.silver.ValidationSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code session_window} lowered to warn ({@code ticklake rules set --severity
 * session_window=warn}), Silver keeps the prints of a date without sessions (a weekend, a holiday)
 * with session {@code closed}. The bar job must build the other partitions and no bars for such a
 * date, not fail the whole run.
 */
class NoSessionDayBarsTest {
  @TempDir Path dir;

  @Test
  void aSilverPartitionOfADateWithoutSessionsGetsNoBarsAndDoesNotBreakTheRun() throws Exception {
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      new LakeInitializer(w).commit();
      Path mapping = dir.resolve("eq.json");
      Files.writeString(
          mapping,
          "{\"name\":\"eq\",\"format\":\"csv\",\"data_type\":\"trades\",\"header\":true,"
              + "\"fields\":{\"symbol\":\"sym\",\"exchange\":{\"value\":\"us-equity\"},"
              + "\"ts_event\":{\"column\":\"t\",\"unit\":\"iso\"},\"price\":\"p\",\"size\":\"q\"}}");
      Path csv = dir.resolve("eq.csv");
      Files.writeString(
          csv,
          "sym,t,p,q\n"
              // a Friday, regular session
              + "IBM,2013-10-11T10:00:00-04:00,181,1\n"
              + "IBM,2013-10-11T10:00:30-04:00,182,2\n"
              // Sunday 2013-11-03 (the DST switch day): no session at all
              + "IBM,2013-11-03T10:00:00-05:00,184,1\n");
      new IngestJob(
              w,
              VendorReaders.forVendor("csv", mapping),
              ExchangeTable.load(w.catalog()),
              "us-equity",
              1,
              null,
              Clock.systemUTC())
          .run(InputFiles.expand(List.of(csv.toString())));
      ValidationSettings warn =
          ValidationSettings.defaults().withSeverity("session_window", Severity.WARN);
      new SilverCompactor(
              w,
              SilverTable.TRADES,
              CompactOptions.defaults().withValidation(warn),
              Clock.systemUTC())
          .run();

      List<BarResult> results = new BarJob(w, BarOptions.defaults()).run();

      assertThat(results).isNotEmpty();
      List<String> bars = LeanLake.barRows(w);
      assertThat(bars).anyMatch(r -> r.contains("2013-10-11"));
      assertThat(bars).noneMatch(r -> r.contains("2013-11-03"));
    }
  }
}
