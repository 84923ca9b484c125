package io.ticklake.gold.bars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.gold.bars.EligibilityTable.Treatment;
import org.junit.jupiter.api.Test;

class EligibilityTableTest {
  private final EligibilityTable lean = EligibilityTable.forVendor("lean");

  private static long bits(int... b) {
    long m = 0;
    for (int i : b) {
      m |= 1L << i;
    }
    return m;
  }

  @Test
  void leanRulesDecideByConditionBitsAndSession() {
    // regular print, odd lot, trade-through exempt regular print: fully eligible everywhere
    assertThat(lean.treatment(bits(0), false, "regular", BarInterval.M1))
        .isEqualTo(Treatment.ELIGIBLE);
    assertThat(lean.treatment(bits(0, 29), false, "regular", BarInterval.M1))
        .isEqualTo(Treatment.ELIGIBLE);
    // intermarket sweep: volume only, unless reported as an extended-hours trade
    assertThat(lean.treatment(bits(5, 29), false, "regular", BarInterval.M1))
        .isEqualTo(Treatment.VOLUME_ONLY);
    assertThat(lean.treatment(bits(5, 29), false, "post", BarInterval.M1))
        .isEqualTo(Treatment.VOLUME_ONLY);
    assertThat(lean.treatment(bits(5, 13, 29), false, "regular", BarInterval.M1))
        .isEqualTo(Treatment.ELIGIBLE);
    // derivatively priced: volume only in the regular session, eligible outside it
    assertThat(lean.treatment(bits(9, 29), false, "regular", BarInterval.S1))
        .isEqualTo(Treatment.VOLUME_ONLY);
    assertThat(lean.treatment(bits(9, 29), false, "pre", BarInterval.S1))
        .isEqualTo(Treatment.ELIGIBLE);
    // average price: only together with trade-through exempt
    assertThat(lean.treatment(bits(20), false, "regular", BarInterval.M1))
        .isEqualTo(Treatment.ELIGIBLE);
    assertThat(lean.treatment(bits(20, 29), false, "regular", BarInterval.M1))
        .isEqualTo(Treatment.VOLUME_ONLY);
    // official open/close reports and crossing sessions: nowhere
    assertThat(lean.treatment(bits(24), false, "post", BarInterval.D1))
        .isEqualTo(Treatment.EXCLUDED);
    assertThat(lean.treatment(bits(6, 21, 29), false, "regular", BarInterval.M1))
        .isEqualTo(Treatment.EXCLUDED);
    // auctions; the closing auction only from 1m on
    assertThat(lean.treatment(bits(6), false, "regular", BarInterval.S1))
        .isEqualTo(Treatment.OPENING_AUCTION);
    assertThat(lean.treatment(bits(7), false, "post", BarInterval.M1))
        .isEqualTo(Treatment.CLOSING_AUCTION);
    assertThat(lean.treatment(bits(7), false, "post", BarInterval.S1))
        .isEqualTo(Treatment.EXCLUDED);
    // suspicious prints count nowhere
    assertThat(lean.treatment(bits(0), true, "regular", BarInterval.M1))
        .isEqualTo(Treatment.EXCLUDED);
    assertThat(lean.ruleFor(bits(5, 29), "regular").orElseThrow().name())
        .isEqualTo("intermarket-sweep");
  }

  @Test
  void vendorsWithoutATableCountEveryPrint() {
    EligibilityTable tardis = EligibilityTable.forVendor("tardis");
    assertThat(tardis.rules()).isEmpty();
    assertThat(tardis.treatment(bits(5, 9), false, "regular", BarInterval.M1))
        .isEqualTo(Treatment.ELIGIBLE);
    assertThat(tardis.treatment(0, true, "regular", BarInterval.M1)).isEqualTo(Treatment.EXCLUDED);
  }

  @Test
  void badTablesAreConfigurationErrors() throws Exception {
    ObjectMapper json = new ObjectMapper();
    assertThatThrownBy(
            () ->
                EligibilityTable.parse(
                    "x",
                    json.readTree(
                        "{\"flags\":{\"A\":1},\"rules\":[{\"name\":\"r\",\"any\":[\"B\"]}]}"),
                    "x.json"))
        .hasMessage("Cannot read eligibility rule r in x.json: unknown condition flag 'B'");
    assertThatThrownBy(
            () ->
                EligibilityTable.parse(
                    "x",
                    json.readTree(
                        "{\"flags\":{\"A\":1},\"rules\":[{\"name\":\"r\",\"any\":[\"A\"],"
                            + "\"sessions\":[\"lunch\"]}]}"),
                    "x.json"))
        .hasMessage(
            "Cannot read eligibility rule r in x.json: unknown session 'lunch' (pre, regular,"
                + " post)");
  }
}
