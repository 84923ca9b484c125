package io.ticklake.catalog.calendar;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TmpPerfTest {
  @Test
  void perf() {
    for (String id : new String[] {"us-equity", "binance-futures"}) {
      ExchangeCalendar c = ExchangeCalendar.of(ExchangeCalendars.bundled().calendar(id).definition());
      long base = Instant.parse("2013-10-07T00:00:00Z").toEpochMilli();
      for (int round = 0; round < 3; round++) {
        long t0 = System.nanoTime();
        long acc = 0;
        int n = 20_000_000;
        for (int i = 0; i < n; i++) {
          Instant t = Instant.ofEpochMilli(base + i * 20L); // sorted, ~4.6 days
          acc += c.tradingDate(t).getDayOfMonth() + c.session(t).ordinal();
        }
        long t1 = System.nanoTime();
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < n; i++) {
          Instant t = Instant.ofEpochMilli(base + (long) (r.nextDouble() * 3e10)); // random ~1 year
          acc += c.tradingDate(t).getDayOfMonth() + c.session(t).ordinal();
        }
        long t2 = System.nanoTime();
        System.out.printf("%s sorted %.1f ns/op, random %.1f ns/op (%d)%n", id, (t1 - t0) / (double) n, (t2 - t1) / (double) n, acc);
      }
    }
  }
}
