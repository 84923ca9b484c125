package io.ticklake.gold.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.gold.quality.GoldFixture.Trade;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gap rule is part of what a quality row is computed from: a build with another rule than the
 * one a day was last built with rebuilds the day, so the rows shown always follow the rule asked
 * for.
 */
class QualityGapRuleChangeTest {
  @TempDir Path dir;

  private static final LocalDate DAY = LocalDate.of(2013, 10, 14);

  private static Instant at(String hms) {
    return LocalTime.parse(hms).atDate(DAY).atZone(ZoneId.of("America/New_York")).toInstant();
  }

  /** A print every 10 s through the regular session, with one 45 s pause at 11:00. */
  private static List<Trade> trades() {
    List<Trade> out = new ArrayList<>();
    for (Instant t = at("09:30"); t.isBefore(at("16:00")); t = t.plusSeconds(10)) {
      if (t.isAfter(at("11:00")) && t.isBefore(at("11:00:45"))) {
        continue;
      }
      out.add(new Trade("AAA", DAY, t, "100", "1"));
    }
    return out;
  }

  private static int gapCount(Warehouse w) {
    return QualityJob.read(w, QualityOptions.defaults(), Optional.empty()).get(0).gapCount();
  }

  @Test
  void aBuildWithAnotherGapRuleRebuildsTheDaysBuiltWithTheOldOne() {
    try (Warehouse w = GoldFixture.warehouse(dir.resolve("w"))) {
      GoldFixture.appendFile(w, 1, trades());
      GoldFixture.compact(w);
      new QualityJob(w, QualityOptions.defaults()).run();
      assertThat(gapCount(w)).isZero(); // 50 s is no gap under the default rule (over 200 s here)

      QualityOptions tight =
          QualityOptions.defaults().withGapRule(new GapRule(2, Duration.ofSeconds(30)));
      QualityPlan plan = new QualityJob(w, tight).plan();
      assertThat(plan.days())
          .singleElement()
          .extracting(QualityPlan.Task::reason)
          .isEqualTo("gap-rule");
      new QualityJob(w, tight).commit(plan, QualityJob.Progress.NONE);
      assertThat(gapCount(w)).isEqualTo(1);
      assertThat(new QualityJob(w, tight).plan().isEmpty()).isTrue();

      // the default rule again (the next scheduled run): back to the default figures
      new QualityJob(w, QualityOptions.defaults()).run();
      assertThat(gapCount(w)).isZero();
      assertThat(new QualityJob(w, QualityOptions.defaults()).plan().isEmpty()).isTrue();
    }
  }
}
