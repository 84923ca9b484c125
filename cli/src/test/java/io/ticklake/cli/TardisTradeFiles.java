package io.ticklake.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;

/** Small Tardis trade files for CLI tests: 100 BTCUSDT trades a second apart from 02:00 UTC. */
final class TardisTradeFiles {
  private TardisTradeFiles() {}

  /**
   * Writes trades {@code first} … {@code first + 99} of {@code date} (trade ids {@code
   * <date>-<i>}); trade 10 has price 0 and trade 20 size 0, so each file has two rejected rows.
   *
   * @param name the file name in {@code dir}
   */
  static Path write(Path dir, String name, LocalDate date, int first) throws Exception {
    StringBuilder sb =
        new StringBuilder("exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n");
    long base = date.atTime(2, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
    for (int i = first; i < first + 100; i++) {
      long ts = base + i * 1_000_000L;
      String price = i == 10 ? "0" : Integer.toString(9_000 + i);
      String size = i == 20 ? "0" : "0.5";
      sb.append(
              String.join(
                  ",",
                  Arrays.asList(
                      "binance-futures",
                      "BTCUSDT",
                      Long.toString(ts),
                      Long.toString(ts + 100),
                      date + "-" + i,
                      "buy",
                      price,
                      size)))
          .append('\n');
    }
    Path file = dir.resolve(name);
    Files.writeString(file, sb);
    return file;
  }
}
