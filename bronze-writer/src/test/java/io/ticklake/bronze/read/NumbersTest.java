package io.ticklake.bronze.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumbersTest {
  private static BigDecimal price(String text) throws FieldProblem {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return Numbers.decimal(b, 0, b.length, 9, 0, "price");
  }

  private static String problem(String text, int scale, int implied) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    try {
      Numbers.decimal(b, 0, b.length, scale, implied, "x");
      return null;
    } catch (FieldProblem p) {
      return p.reason();
    }
  }

  @ParameterizedTest
  @CsvSource({
    "9682, 9682.000000000",
    "9681.92, 9681.920000000",
    "0.003, 0.003000000",
    "1e-05, 0.000010000",
    "1E+3, 1000.000000000",
    "2.5e0, 2.500000000",
    "-0.5, -0.500000000",
    "+7, 7.000000000",
    "-0, 0.000000000",
    ".5, 0.500000000",
    "5., 5.000000000",
    "000000000000000000000001.25, 1.250000000",
    "1.250000000000000000000000, 1.250000000",
    "999999999.999999999, 999999999.999999999",
    "-999999999.999999999, -999999999.999999999",
    "0.000000001, 0.000000001",
    "0e999999999, 0.000000000",
  })
  void parsesExactly(String text, String expected) throws FieldProblem {
    BigDecimal value = price(text);
    assertThat(value.toPlainString()).isEqualTo(expected);
    assertThat(value.scale()).isEqualTo(9);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "NaN|not a number",
        "Infinity|not a number",
        "-Infinity|not a number",
        "1,5|not a number",
        "'12 '|not a number",
        "0x1F|not a number",
        "1.2.3|not a number",
        "-|not a number",
        ".|not a number",
        "e5|not a number",
        "1e99999999999|not a number",
        "0.0000000001|needs more than 9 decimal places",
        "1e-10|needs more than 9 decimal places",
        "1e-999999999|needs more than 9 decimal places",
        "1000000000|does not fit decimal(18,9)",
        "1e9|does not fit decimal(18,9)",
        "1e999999999|does not fit decimal(18,9)",
        "99999999999999999999999999999|does not fit decimal(18,9)",
        "-9223372036854775808|does not fit decimal(18,9)",
      })
  void rejects(String text, String reason) {
    assertThat(problem(text, 9, 0)).isEqualTo(reason);
  }

  @Test
  void emptyAndOverlongValues() {
    assertThat(problem("", 9, 0)).isEqualTo("value is empty");
    assertThat(problem("1".repeat(101) + "e-100", 9, 0))
        .isEqualTo("not a number (longer than 100 characters)");
  }

  @Test
  void impliedDecimalsShiftExactly() throws FieldProblem {
    byte[] b = "1815200".getBytes(StandardCharsets.US_ASCII);
    assertThat(Numbers.decimal(b, 0, b.length, 9, 4, "price").toPlainString())
        .isEqualTo("181.520000000");
    assertThat(problem("1.000001", 9, 4)).isEqualTo("needs more than 9 decimal places");
    assertThat(problem("1.00001", 9, 4)).isNull();
    assertThat(problem("9999999999999", 9, 4)).isNull();
    assertThat(problem("10000000000000", 9, 4)).isEqualTo("does not fit decimal(18,9)");
    assertThat(problem("99999999.99999999", 8, 0)).isNull();
    assertThat(problem("9999999999.99999999", 8, 0)).isNull();
    assertThat(problem("10000000000", 8, 0)).isEqualTo("does not fit decimal(18,8)");
  }

  @Test
  void integersAndHex() throws FieldProblem {
    byte[] max = "9223372036854775807".getBytes(StandardCharsets.US_ASCII);
    assertThat(Numbers.integer(max, 0, max.length, "n")).isEqualTo(Long.MAX_VALUE);
    byte[] neg = "-42".getBytes(StandardCharsets.US_ASCII);
    assertThat(Numbers.integer(neg, 0, neg.length, "n")).isEqualTo(-42);
    byte[] over = "9223372036854775808".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Numbers.integer(over, 0, over.length, "n"))
        .isInstanceOf(FieldProblem.class)
        .hasMessage("out of range for a 64-bit integer");
    byte[] frac = "1.0".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Numbers.integer(frac, 0, frac.length, "n"))
        .isInstanceOf(FieldProblem.class)
        .hasMessage("not an integer");
    byte[] sign = "-".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Numbers.integer(sign, 0, sign.length, "n"))
        .isInstanceOf(FieldProblem.class)
        .hasMessage("not an integer");
    byte[] hex = "20002020".getBytes(StandardCharsets.US_ASCII);
    assertThat(Numbers.hex(hex, 0, hex.length, "c")).isEqualTo(0x20002020L);
    byte[] full = "FFFFFFFFFFFFFFFF".getBytes(StandardCharsets.US_ASCII);
    assertThat(Numbers.hex(full, 0, full.length, "c")).isEqualTo(-1L);
    byte[] mixed = "aBcD".getBytes(StandardCharsets.US_ASCII);
    assertThat(Numbers.hex(mixed, 0, mixed.length, "c")).isEqualTo(0xABCDL);
    byte[] tooLong = "10000000000000000".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Numbers.hex(tooLong, 0, tooLong.length, "c"))
        .isInstanceOf(FieldProblem.class)
        .hasMessage("more than 16 hexadecimal digits");
  }

  @Test
  void problemCarriesFieldAndRawValue() {
    byte[] b = "18x5200".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Numbers.decimal(b, 0, b.length, 9, 4, "price"))
        .isInstanceOf(FieldProblem.class)
        .hasMessage("not a number")
        .satisfies(
            e -> {
              FieldProblem p = (FieldProblem) e;
              assertThat(p.field()).isEqualTo("price");
              assertThat(p.rawValue()).isEqualTo("18x5200");
            });
  }
}
