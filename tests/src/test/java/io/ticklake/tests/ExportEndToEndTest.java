package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.bronze.sample.BundledSamples;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real pipeline through the CLI: the bundled IBM ticks are ingested and compacted into Silver,
 * exported in every tick profile, verified; after more data lands the exports still verify
 * (pinned), and exporting again as of the first snapshot reproduces the first files exactly.
 */
class ExportEndToEndTest {
  @TempDir Path dir;

  Cli.Result ok(String... args) {
    return new Cli(dir.resolve("wh")).ok(args);
  }

  JsonNode export(String profile, Path out, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of(more));
    args.add("--json");
    return new ObjectMapper()
        .readTree(
            ok(Cli.exportIbmDay(profile, "silver.trades", out, args.toArray(String[]::new))).out());
  }

  @Test
  void ticksFromTheRealPipelineExportVerifyAndStayPinned() throws Exception {
    Path samples = BundledSamples.extractTo(dir.resolve("samples"));
    new Cli(dir.resolve("wh")).silverIbmTradesOfTheSampleDay(samples);
    String count =
        ok(
                "sql",
                "--format",
                "csv",
                "-c",
                "select count(*) from silver.trades where symbol = 'IBM'")
            .out()
            .lines()
            .skip(1)
            .findFirst()
            .orElseThrow();

    List<String> profiles =
        List.of("pandas", "r", "excel", "arrow", "postgres", "parquet-partitioned");
    List<JsonNode> receipts = new ArrayList<>();
    for (String p : profiles) {
      JsonNode receipt = export(p, dir.resolve("x").resolve(p));
      assertThat(receipt.at("/tables/0/rows").asText()).isEqualTo(count);
      receipts.add(receipt);
      assertThat(ok("export", "verify", dir.resolve("x").resolve(p).toString()).out())
          .startsWith("OK: ");
    }
    assertThat(count).isEqualTo("19264");
    long first = receipts.get(0).at("/tables/0/snapshot_id").asLong();

    // More Silver lands (another exchange): a new snapshot of silver.trades.
    ok("ingest", "--vendor", "tardis", samples.resolve("tardis/tardis_trades.csv").toString());
    ok("compact", "--table", "trades");
    JsonNode later = export("r", dir.resolve("later"));
    assertThat(later.at("/tables/0/snapshot_id").asLong()).isNotEqualTo(first);
    for (String p : profiles) {
      assertThat(ok("export", "verify", dir.resolve("x").resolve(p).toString()).out())
          .contains("snapshot " + first + " of silver.trades");
    }
    JsonNode again = export("r", dir.resolve("again"), "--as-of", Long.toString(first));
    assertThat(again.at("/files")).isEqualTo(receipts.get(1).at("/files"));
    assertThat(again.at("/tables")).isEqualTo(receipts.get(1).at("/tables"));
  }
}
