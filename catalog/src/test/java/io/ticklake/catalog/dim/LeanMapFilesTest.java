package io.ticklake.catalog.dim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.catalog.TicklakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeanMapFilesTest {
  @TempDir Path dir;

  @Test
  void bacIsOneInstrumentRenamedFromNbAtTheStartOfOctober1998NewYorkTime() {
    SymbolReference bac =
        LeanMapFiles.read(Fixtures.mapFiles()).stream()
            .filter(r -> r.source().equals("lean-map-file:bac.csv"))
            .findFirst()
            .orElseThrow();
    assertThat(bac.exchange()).isEqualTo("us-equity");
    assertThat(bac.canonicalId()).isEqualTo("lean:NB:19980102");
    assertThat(bac.segments())
        .containsExactly(
            new SymbolReference.Segment(
                Instant.parse("1998-01-02T05:00:00Z"),
                Optional.of(Instant.parse("1998-10-01T04:00:00Z")),
                "NB",
                "N"),
            new SymbolReference.Segment(
                Instant.parse("1998-10-01T04:00:00Z"), Optional.empty(), "BAC", "N"));
    assertThat(bac.attributes().assetClass()).isEqualTo("equity");
  }

  @Test
  void googIsATickerReusedByTwoInstruments() {
    List<SymbolReference> refs = LeanMapFiles.read(Fixtures.mapFiles());
    assertThat(refs)
        .extracting(SymbolReference::canonicalId)
        .containsExactly(
            "lean:AIG:19980102",
            "lean:NB:19980102",
            "lean:GOOCV:20140327",
            "lean:GOOG:20040819",
            "lean:IBM:19980102",
            "lean:SPY:19980102");
    SymbolReference classC = refs.get(2);
    assertThat(classC.segments())
        .extracting(SymbolReference.Segment::ticker, SymbolReference.Segment::exchangeCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("GOOCV", null),
            org.assertj.core.groups.Tuple.tuple("GOOG", null));
    assertThat(classC.segments().get(1).from()).isEqualTo(Instant.parse("2014-04-03T04:00:00Z"));
    assertThat(refs.get(3).segments().get(0).until())
        .contains(Instant.parse("2014-04-03T04:00:00Z"));
    // the bundled copies are the same files
    assertThat(LeanMapFiles.bundled()).isEqualTo(refs);
  }

  @Test
  void aLastDateBefore2050IsADelistingAndAVenueChangeIsASegment() throws Exception {
    Path f =
        Files.writeString(
            dir.resolve("xyz.csv"), "20000103,abc,N\n20100630,xyz,N\n20151231,xyz,Q\n");
    SymbolReference r = LeanMapFiles.read(f).get(0);
    assertThat(r.segments())
        .extracting(SymbolReference.Segment::ticker, SymbolReference.Segment::exchangeCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ABC", "N"),
            org.assertj.core.groups.Tuple.tuple("XYZ", "N"),
            org.assertj.core.groups.Tuple.tuple("XYZ", "Q"));
    assertThat(r.segments().get(0).until()).contains(Instant.parse("2000-01-04T05:00:00Z"));
    assertThat(r.segments().get(2).from()).isEqualTo(Instant.parse("2010-07-01T04:00:00Z"));
    assertThat(r.end()).contains(Instant.parse("2016-01-01T05:00:00Z"));
  }

  @Test
  void aByteOrderMarkBeforeTheFirstRowIsSkipped() throws Exception {
    String rows = "20000103,abc,N\n20151231,xyz,Q\n";
    Path plain = Files.writeString(dir.resolve("xyz.csv"), rows);
    Path marked =
        Files.writeString(
            Files.createDirectory(dir.resolve("bom")).resolve("xyz.csv"), "\uFEFF" + rows);
    assertThat(LeanMapFiles.read(marked).get(0).segments())
        .isEqualTo(LeanMapFiles.read(plain).get(0).segments());
  }

  @Test
  void malformedRowsNameTheFileLineAndField() throws Exception {
    assertError(
        "20000103,abc,N\n2000x104,abc,N\n",
        "line 2: field date '2000x104' is not a date in yyyymmdd form");
    assertError(
        "20000103,abc,N\n20000230,abc,N\n",
        "line 2: field date '20000230' is not a date in yyyymmdd form");
    assertError(
        "20000103,abc,N\n\n20000102,abc,N\n",
        "line 3: field date 20000102 is not after the date 20000103 of line 1");
    assertError("20000103,abc,N\n20501231,,N\n", "line 2: field ticker is empty");
    assertError(
        "20000103,abc,N\n20501231,abc,N,x\n",
        "line 2: expected 2 or 3 fields (date,ticker[,exchange_code]) but found 4");
    assertError(
        "20000103,a b,N\n20501231,abc,N\n",
        "line 1: field ticker 'a b' has characters a ticker cannot have");
    // only separators: its lookup key would be empty, matching any symbol that normalises to ""
    assertError(
        "20000103,abc,N\n20501231,-/.,N\n",
        "line 2: field ticker '-/.' has no letter or digit (its lookup key would be empty)");
    assertError(
        "20000103,abc,N?\n20501231,abc,N\n",
        "line 1: field exchange_code 'N?' is not letters and digits");
    Path one = Files.writeString(dir.resolve("one.csv"), "20501231,abc,N\n");
    assertThatThrownBy(() -> LeanMapFiles.read(one))
        .isInstanceOf(TicklakeException.class)
        .hasMessage(
            "Cannot load Lean map file "
                + one
                + ": it has 1 row but a map file needs at least 2 (the first date, then one row per"
                + " ticker period)");
  }

  private void assertError(String content, String detail) throws Exception {
    Path f = Files.writeString(dir.resolve("bad.csv"), content);
    assertThatThrownBy(() -> LeanMapFiles.read(f))
        .isInstanceOf(TicklakeException.class)
        .hasMessage("Cannot load Lean map file " + f + " " + detail)
        .extracting(e -> ((TicklakeException) e).kind())
        .isEqualTo(TicklakeException.Kind.INPUT);
  }

  @Test
  void missingAndEmptyDirectoriesAreInputErrors() throws Exception {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> LeanMapFiles.read(missing))
        .isInstanceOf(TicklakeException.class)
        .hasMessage("Cannot read Lean map files in " + missing + ": no such file or directory");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> LeanMapFiles.read(empty))
        .isInstanceOf(TicklakeException.class)
        .hasMessage("Cannot read Lean map files in " + empty + ": the directory has no .csv files");
  }

  @Test
  void twoFilesDescribingOneInstrumentAreAnError() throws Exception {
    Path d = Files.createDirectories(dir.resolve("dup"));
    Files.writeString(d.resolve("a.csv"), "20000103,abc,N\n20501231,abc,N\n");
    Files.writeString(d.resolve("b.csv"), "20000103,abc,N\n20501231,xyz,N\n");
    assertThatThrownBy(() -> LeanMapFiles.read(d))
        .isInstanceOf(TicklakeException.class)
        .hasMessage(
            "Cannot load Lean map files: "
                + d.resolve("a.csv")
                + " and "
                + d.resolve("b.csv")
                + " both describe instrument lean:ABC:20000103");
  }
}
