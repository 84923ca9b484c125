package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.snapshot.AsOf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live writer restarted after routine {@code ticklake expire} took the Bronze snapshots holding
 * its watermark: its resume point must survive, and a resend must not double Bronze.
 */
class WriterAfterExpiryTest {
  @TempDir Path dir;

  CliRun run(String... args) {
    return CliRun.in(dir.resolve("wh"), args);
  }

  long count(String sql) throws Exception {
    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")));
        DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
      bridge.registerAll(w.catalog(), AsOf.latest());
      try (Statement s = bridge.connection().createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String trade(int seq, String writerTag) {
    return "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
        + "\"ts\":\"2020-02-22T00:00:0"
        + seq
        + ".111Z\",\"price\":\"9682.00\",\"size\":\"0.132\",\"side\":\"buy\",\"seq\":"
        + seq
        + "}";
  }

  @Test
  void expiringBronzeDoesNotMakeARestartedWriterCommitItsWalAgain() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = dir.resolve("in.jsonl");
    // a feed without trade ids or sequence numbers: identical prints are told apart by position
    String line =
        "{\"type\":\"trade\",\"exchange\":\"binance-futures\",\"symbol\":\"BTCUSDT\","
            + "\"ts\":\"2020-02-22T00:00:02.111Z\",\"price\":\"9682.00\",\"size\":\"1\"}";
    Files.writeString(in, line + "\n" + line + "\n", StandardCharsets.UTF_8);
    assertThat(run("writer", "--writer-id", "w1", "--input", in.toString()).code()).isZero();
    Path other = dir.resolve("other.jsonl");
    Files.writeString(other, trade(7, "b") + "\n", StandardCharsets.UTF_8);
    assertThat(run("writer", "--writer-id", "w2", "--input", other.toString()).code()).isZero();
    assertThat(run("expire", "--older-than", "1ms").code()).isZero();

    // w1 restarts with nothing new to send
    Path none = Files.writeString(dir.resolve("none.jsonl"), "", StandardCharsets.UTF_8);
    assertThat(run("writer", "--writer-id", "w1", "--input", none.toString()).code()).isZero();
    assertThat(run("compact", "--table", "trades").code()).isZero();
    assertThat(count("select count(*) from silver.trades where writer_id = 'w1'")).isEqualTo(2);
  }

  @Test
  void expiringBronzeKeepsAWritersResumePoint() throws Exception {
    assertThat(run("init").code()).isZero();
    Path in = dir.resolve("in.jsonl");
    Files.writeString(
        in,
        trade(1, "a") + "\n" + trade(2, "a") + "\n" + trade(3, "a") + "\n",
        StandardCharsets.UTF_8);
    CliRun first = run("writer", "--writer-id", "w1", "--input", in.toString());
    assertThat(first.code()).as(first.err()).isZero();
    // another writer flushes after it (so w1's commit is not the last Bronze snapshot)
    Path other = dir.resolve("other.jsonl");
    Files.writeString(other, trade(7, "b") + "\n", StandardCharsets.UTF_8);
    assertThat(run("writer", "--writer-id", "w2", "--input", other.toString()).code()).isZero();
    assertThat(count("select count(*) from bronze.trades where writer_id = 'w1'")).isEqualTo(3);

    // routine maintenance, a week later (here: at once)
    CliRun expire = run("expire", "--older-than", "1ms");
    assertThat(expire.code()).as(expire.err()).isZero();

    // w1 restarts, its feed handler resends from the last ack it has
    CliRun again = run("writer", "--writer-id", "w1", "--input", in.toString());
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.err()).as(again.err()).contains("resume after seq trades=3 ");
    assertThat(count("select count(*) from bronze.trades where writer_id = 'w1'")).isEqualTo(3);
  }
}
