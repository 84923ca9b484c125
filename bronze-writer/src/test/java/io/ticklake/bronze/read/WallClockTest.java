package io.ticklake.bronze.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class WallClockTest {
  private static final ZoneId NY = ZoneId.of("America/New_York");

  private static Instant at(String date, long ms) {
    long micros = new WallClock(LocalDate.parse(date), NY).epochMicros(ms);
    return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
  }

  @Test
  void ordinaryDaysUseTheDaysOffset() {
    assertThat(at("2013-10-07", 14_430_270)).isEqualTo(Instant.parse("2013-10-07T08:00:30.270Z"));
    assertThat(at("2013-12-02", 34_200_000)).isEqualTo(Instant.parse("2013-12-02T14:30:00Z"));
    assertThat(at("2013-10-07", 86_399_999)).isEqualTo(Instant.parse("2013-10-08T03:59:59.999Z"));
  }

  @Test
  void repeatedHourTakesTheLaterInstant() {
    assertThat(at("2013-11-03", 3_599_999)).isEqualTo(Instant.parse("2013-11-03T04:59:59.999Z"));
    assertThat(at("2013-11-03", 3_600_000)).isEqualTo(Instant.parse("2013-11-03T06:00:00Z"));
    assertThat(at("2013-11-03", 5_400_000)).isEqualTo(Instant.parse("2013-11-03T06:30:00Z"));
    assertThat(at("2013-11-03", 7_200_000)).isEqualTo(Instant.parse("2013-11-03T07:00:00Z"));
    assertThat(at("2013-11-03", 34_200_000)).isEqualTo(Instant.parse("2013-11-03T14:30:00Z"));
  }

  @Test
  void skippedHourMapsToTheFirstInstantAfterTheGap() {
    assertThat(at("2013-03-10", 7_199_999)).isEqualTo(Instant.parse("2013-03-10T06:59:59.999Z"));
    assertThat(at("2013-03-10", 7_200_000)).isEqualTo(Instant.parse("2013-03-10T07:00:00Z"));
    assertThat(at("2013-03-10", 9_000_123)).isEqualTo(Instant.parse("2013-03-10T07:00:00Z"));
    assertThat(at("2013-03-10", 10_800_000)).isEqualTo(Instant.parse("2013-03-10T07:00:00Z"));
    assertThat(at("2013-03-10", 10_800_001)).isEqualTo(Instant.parse("2013-03-10T07:00:00.001Z"));
  }

  @Test
  void differsFromJavaTimeOnlyInsideTransitions() {
    // java.time picks the earlier offset for 01:30 on 2013-11-03 and shifts 02:30 on 2013-03-10
    // forward by an hour; ticklake follows Lean instead.
    LocalDateTime repeated = LocalDateTime.parse("2013-11-03T01:30:00");
    assertThat(ZonedDateTime.of(repeated, NY).toInstant())
        .isEqualTo(Instant.parse("2013-11-03T05:30:00Z"));
    assertThat(WallClock.toInstant(repeated, NY.getRules()))
        .isEqualTo(Instant.parse("2013-11-03T06:30:00Z"));
    LocalDateTime skipped = LocalDateTime.parse("2013-03-10T02:30:00");
    assertThat(ZonedDateTime.of(skipped, NY).toInstant())
        .isEqualTo(Instant.parse("2013-03-10T07:30:00Z"));
    assertThat(WallClock.toInstant(skipped, NY.getRules()))
        .isEqualTo(Instant.parse("2013-03-10T07:00:00Z"));
    for (long ms = 0; ms < 86_400_000L; ms += 60_000) {
      LocalDateTime local = LocalDate.parse("2013-10-07").atStartOfDay().plusNanos(ms * 1_000_000);
      assertThat(at("2013-10-07", ms)).isEqualTo(ZonedDateTime.of(local, NY).toInstant());
    }
  }

  @Test
  void utcAndFixedZonesAreUniform() {
    long micros = new WallClock(LocalDate.parse("2020-02-22"), ZoneId.of("UTC")).epochMicros(1_096);
    assertThat(micros).isEqualTo(1_582_329_601_096_000L);
  }
}
