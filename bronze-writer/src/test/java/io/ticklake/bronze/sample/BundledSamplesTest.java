package io.ticklake.bronze.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.bronze.read.DataType;
import io.ticklake.bronze.read.LeanTickReader;
import io.ticklake.bronze.read.ParseError;
import io.ticklake.bronze.read.QuoteRow;
import io.ticklake.bronze.read.ReadSummary;
import io.ticklake.bronze.read.RowSink;
import io.ticklake.bronze.read.TardisCsvReader;
import io.ticklake.bronze.read.TradeRow;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledSamplesTest {
  @Test
  void samplesExtractAndReadWithoutErrors(@TempDir Path dir) throws IOException {
    Path root = BundledSamples.extractTo(dir);
    assertThat(root.resolve("NOTICE.md")).isRegularFile();
    assertThat(root.resolve("lean/LICENSE")).isRegularFile();
    List<ParseError> errors = new ArrayList<>();
    RowSink sink =
        new RowSink() {
          @Override
          public void trade(TradeRow row) {}

          @Override
          public void quote(QuoteRow row) {}

          @Override
          public void error(ParseError error) {
            errors.add(error);
          }
        };
    LeanTickReader lean = new LeanTickReader();
    TardisCsvReader tardis = new TardisCsvReader();
    ReadSummary leanTrades = lean.read(root.resolve(BundledSamples.LEAN_FILES.get(0)), sink);
    ReadSummary leanQuotes = lean.read(root.resolve(BundledSamples.LEAN_FILES.get(1)), sink);
    ReadSummary tardisTrades = tardis.read(root.resolve(BundledSamples.TARDIS_FILES.get(0)), sink);
    ReadSummary tardisQuotes = tardis.read(root.resolve(BundledSamples.TARDIS_FILES.get(1)), sink);
    assertThat(errors).isEmpty();
    assertThat(leanTrades.rows()).isEqualTo(19_264);
    assertThat(leanTrades.dataType()).isEqualTo(DataType.TRADES);
    assertThat(leanQuotes.rows()).isEqualTo(99_852);
    assertThat(leanQuotes.dataType()).isEqualTo(DataType.QUOTES);
    assertThat(tardisTrades.rows()).isEqualTo(9_999);
    assertThat(tardisQuotes.rows()).isEqualTo(9_999);
  }
}
