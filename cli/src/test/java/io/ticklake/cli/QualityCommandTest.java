package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ticklake quality} in-process on the demo warehouse. */
class QualityCommandTest {
  @TempDir Path dir;

  CliRun run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--warehouse";
    all[1] = dir.resolve("demo").toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return CliRun.run(Map.of(), all);
  }

  @Test
  void buildsOncePrintsRowsAndWritesTheReport() throws Exception {
    // the demo builds gold.quality_daily already, so a plain run has nothing to do; --all rebuilds
    assertThat(run("demo").code()).isZero();

    CliRun first = run("quality", "--all");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("quality us-equity/2013-10-11: 1 symbol (forced")
        .contains("quality binance-futures/2020-02-22: 1 symbol (forced")
        .contains("IBM", "BTCUSDT", "(2 rows)");

    CliRun second = run("quality", "--json", "--symbol", "IBM");
    assertThat(second.code()).isZero();
    assertThat(second.err()).contains("quality: nothing to rebuild");
    JsonNode rows = new ObjectMapper().readTree(second.out());
    assertThat(rows).hasSize(1);
    JsonNode ibm = rows.get(0);
    assertThat(ibm.get("symbol").asText()).isEqualTo("IBM");
    assertThat(ibm.get("session_minutes").asInt()).isEqualTo(390);
    assertThat(ibm.get("rows_bronze").asLong())
        .isEqualTo(
            ibm.get("rows_silver").asLong()
                + ibm.get("duplicates").asLong()
                + ibm.get("quarantined").asLong());
    assertThat(ibm.get("gaps").isArray()).isTrue();
    assertThat(ibm.get("gap_count").asInt()).isEqualTo(ibm.get("gaps").size());
    assertThat(ibm.get("quarantined_by_rule").isObject()).isTrue();

    Path html = dir.resolve("report.html");
    CliRun report = run("quality", "--html", html.toString(), "--date", "2013-10-11");
    assertThat(report.code()).as(report.err()).isZero();
    assertThat(report.out()).contains("wrote " + html, "(1 symbol-days, 1 charts");
    assertThat(Files.readString(html)).contains("IBM · us-equity · 2013-10-11");

    // a folder as the target: a clear error, and no temp file left next to it
    Path folder = Files.createDirectories(dir.resolve("reports"));
    CliRun toFolder = run("quality", "--html", folder.toString(), "--date", "2013-10-11");
    assertThat(toFolder.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(toFolder.err())
        .contains("Cannot write report " + folder + ": it is a folder; name an .html file");
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }

    // a folder where no file can be created (here /proc, as root can write anywhere else): the
    // error names the system's reason, not only its temporary file's path as it did
    // ("Cannot write report /proc/report.html: /proc/.report.html.<uuid>.tmp")
    Path proc = Path.of("/proc/report.html");
    if (Files.isDirectory(proc.getParent())) {
      CliRun unwritable = run("quality", "--html", proc.toString(), "--date", "2013-10-11");
      assertThat(unwritable.code()).isEqualTo(ExitCodes.INPUT);
      assertThat(unwritable.err())
          .startsWith("ticklake: Cannot write report " + proc + ": ")
          .endsWith(": no such file or directory (choose another folder for --html)\n");
    }
  }

  @Test
  void badRequestsAreClearErrorsAndWriteNothing() {
    assertThat(run("init").code()).isZero();
    CliRun both = run("quality", "--date", "2013-10-11", "--from", "2013-10-01");
    assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("Cannot combine --date with --from/--to");

    CliRun empty = run("quality", "--from", "2013-10-11", "--to", "2013-10-01");
    assertThat(empty.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(empty.err()).contains("the range is empty");

    CliRun unknown = run("quality", "--symbol", "NOPE");
    assertThat(unknown.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(unknown.err())
        .contains("Cannot show quality: gold.quality_daily has no row for symbol NOPE");

    CliRun badExchange = run("quality", "--exchange", "nasdaq-moon");
    assertThat(badExchange.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(badExchange.err())
        .contains("Cannot build quality of exchange nasdaq-moon: it is not in ref.exchange")
        .contains("us-equity");

    Path html = dir.resolve("none.html");
    CliRun noRows = run("quality", "--html", html.toString());
    assertThat(noRows.code()).isEqualTo(ExitCodes.INPUT);
    assertThat(noRows.err()).contains("Cannot write report " + html);
    assertThat(html).doesNotExist();
  }
}
