package io.ticklake.gold.export;

import static io.ticklake.gold.export.ExportFixture.bar;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.gold.export.ExportFixture.Bar;
import io.ticklake.gold.export.ExportFixture.Trade;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every profile, read back with the tools it is meant for (DuckDB, Arrow's reader, zip). */
class ExportProfilesTest {
  static final LocalDate DAY = LocalDate.of(2013, 10, 11);

  @TempDir static Path shared;
  static Warehouse warehouse;

  @TempDir Path tmp;
  DuckDbBridge duck;

  @BeforeAll
  static void createWarehouse() {
    warehouse = ExportFixture.warehouse(shared.resolve("wh"));
    ExportFixture.appendBars(warehouse, bars());
  }

  @AfterAll
  static void closeWarehouse() {
    warehouse.close();
  }

  /** 1m bars of IBM and BAC on DAY, one volume-only bar, and bars that must not be exported. */
  static List<Bar> bars() {
    List<Bar> bars = new ArrayList<>();
    bars.add(bar("IBM", DAY, "1m", "09:30", "184.77", "184.90", "184.70", "184.85", "12000"));
    bars.add(bar("IBM", DAY, "1m", "09:31", "184.85", "184.99", "184.80", "184.9125", "3400"));
    bars.add(bar("IBM", DAY, "1m", "09:32", null, null, null, null, "100"));
    bars.add(bar("BAC", DAY, "1m", "09:30", "14.50", "14.52", "14.49", "14.51", "250000"));
    bars.add(bar("BAC", DAY, "5m", "09:30", "14.50", "14.55", "14.49", "14.53", "900000"));
    bars.add(bar("IBM", DAY.minusDays(1), "1m", "09:30", "180", "181", "179", "180.5", "5"));
    bars.add(bar("AIG", DAY, "1m", "09:30", "50", "50", "50", "50", "7"));
    return bars;
  }

  @BeforeEach
  void setUp() {
    duck = DuckDbBridge.open(null, 1, null);
  }

  @AfterEach
  void tearDown() {
    duck.close();
  }

  ExportReceipt export(ExportProfile profile, Path out) {
    return new ExportJob(
            warehouse,
            new ExportRequest(
                profile, "gold.bars", null, List.of("IBM", "BAC"), DAY, DAY, "1m", out, null))
        .commit();
  }

  List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Statement s = duck.connection().createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  @Test
  void pandasParquetHasSnappyNanosecondUtcTimesAndDecimals() throws Exception {
    Path out = tmp.resolve("pandas");
    ExportReceipt receipt = export(ExportProfile.PANDAS, out);
    Path file = out.resolve("gold_bars.parquet");
    assertThat(receipt.files())
        .extracting(ExportReceipt.FileEntry::path)
        .containsExactly("gold_bars.parquet");
    String f = "'" + file + "'";
    assertThat(rows("SELECT logical_type FROM parquet_schema(" + f + ") WHERE name = 'bar_start'"))
        .singleElement()
        .asString()
        .contains("isAdjustedToUTC=1")
        .contains("NANOS=NanoSeconds()");
    assertThat(rows("SELECT DISTINCT compression FROM parquet_metadata(" + f + ")"))
        .containsExactly("SNAPPY");
    assertThat(rows("SELECT typeof(open), typeof(volume) FROM read_parquet(" + f + ") LIMIT 1"))
        .containsExactly("DECIMAL(18,9)|DECIMAL(28,8)");
    assertThat(
            rows(
                "SELECT symbol, strftime(bar_start, '%Y-%m-%dT%H:%M:%S'), CAST(close AS VARCHAR),"
                    + " CAST(volume AS VARCHAR) FROM read_parquet("
                    + f
                    + ")"))
        .containsExactly(
            "BAC|2013-10-11T13:30:00|14.510000000|250000.00000000",
            "IBM|2013-10-11T13:30:00|184.850000000|12000.00000000",
            "IBM|2013-10-11T13:31:00|184.912500000|3400.00000000",
            "IBM|2013-10-11T13:32:00|null|100.00000000");
  }

  @Test
  void rCsvHasHeaderIsoTimesAndLfLines() throws Exception {
    Path out = tmp.resolve("r");
    export(ExportProfile.R, out);
    byte[] bytes = Files.readAllBytes(out.resolve("gold_bars.csv"));
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertThat(bytes[0]).isEqualTo((byte) 'e');
    assertThat(text).doesNotContain("\r");
    List<String> lines = text.lines().toList();
    assertThat(lines.get(0))
        .isEqualTo(
            "exchange,trading_date,interval,symbol,symbol_id,bar_start,bar_end,session,open,high,"
                + "low,close,volume,vwap,trade_count,first_ts,last_ts");
    assertThat(lines).hasSize(5);
    assertThat(lines.get(1))
        .startsWith("us-equity,2013-10-11,1m,BAC,")
        .contains(",2013-10-11T13:30:00.000000Z,2013-10-11T13:31:00.000000Z,regular,14.500000000,");
    assertThat(lines.get(4)).contains(",regular,,,,,100.00000000,");
    assertThat(
            rows(
                "SELECT count(*), sum(CAST(volume AS DECIMAL(28,8))) FROM read_csv('"
                    + out.resolve("gold_bars.csv")
                    + "', header = true)"))
        .containsExactly("4|265500.00000000");
  }

  @Test
  void excelCsvHasBomAndCrlf() throws Exception {
    Path out = tmp.resolve("excel");
    export(ExportProfile.EXCEL, out);
    byte[] bytes = Files.readAllBytes(out.resolve("gold_bars.csv"));
    assertThat(new byte[] {bytes[0], bytes[1], bytes[2]})
        .containsExactly((byte) 0xEF, (byte) 0xBB, (byte) 0xBF);
    String text = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
    assertThat(text).startsWith("exchange,trading_date,").endsWith("\r\n");
    assertThat(text.split("\r\n")).hasSize(5);
    assertThat(text.replace("\r\n", "")).doesNotContain("\n");
    assertThat(ExportFiles.countRows(duck, out.resolve("gold_bars.csv"))).isEqualTo(4);
  }

  @Test
  void arrowFileHasTableTypes() throws Exception {
    Path out = tmp.resolve("arrow");
    ExportReceipt receipt = export(ExportProfile.ARROW, out);
    assertThat(receipt.files().get(0).rows()).isEqualTo(4);
    try (BufferAllocator allocator = new RootAllocator();
        FileChannel ch = FileChannel.open(out.resolve("gold_bars.arrow"), StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      assertThat(root.getSchema().findField("open").getType())
          .isEqualTo(new ArrowType.Decimal(18, 9, 128));
      assertThat(root.getSchema().findField("bar_start").getType())
          .isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
      List<String> seen = new ArrayList<>();
      for (ArrowBlock block : reader.getRecordBlocks()) {
        reader.loadRecordBatch(block);
        VarCharVector sym = (VarCharVector) root.getVector("symbol");
        TimeStampMicroTZVector start = (TimeStampMicroTZVector) root.getVector("bar_start");
        DecimalVector close = (DecimalVector) root.getVector("close");
        for (int i = 0; i < root.getRowCount(); i++) {
          Instant t = Instant.EPOCH.plusNanos(start.get(i) * 1000);
          BigDecimal c = close.isNull(i) ? null : close.getObject(i);
          seen.add(sym.getObject(i) + " " + t + " " + (c == null ? "null" : c.toPlainString()));
        }
      }
      assertThat(seen)
          .containsExactly(
              "BAC 2013-10-11T13:30:00Z 14.510000000",
              "IBM 2013-10-11T13:30:00Z 184.850000000",
              "IBM 2013-10-11T13:31:00Z 184.912500000",
              "IBM 2013-10-11T13:32:00Z null");
    }
  }

  @Test
  void postgresHasDdlAndCopyScript() throws Exception {
    Path out = tmp.resolve("pg");
    ExportReceipt receipt = export(ExportProfile.POSTGRES, out);
    assertThat(receipt.files())
        .extracting(ExportReceipt.FileEntry::path)
        .containsExactly("gold_bars.csv", "schema.sql", "load.sql");
    assertThat(receipt.files().get(1).rows()).isNull();
    String ddl = Files.readString(out.resolve("schema.sql"));
    assertThat(ddl)
        .contains("CREATE TABLE \"gold_bars\" (")
        .contains("\"interval\" text NOT NULL")
        .contains("\"open\" numeric(18,9),")
        .contains("\"volume\" numeric(28,8) NOT NULL")
        .contains("\"bar_start\" timestamptz NOT NULL")
        .contains("\"trade_count\" bigint NOT NULL")
        .contains("\"trading_date\" date NOT NULL");
    assertThat(Files.readString(out.resolve("load.sql")))
        .contains("\\ir schema.sql")
        .contains("\\copy \"gold_bars\" FROM 'gold_bars.csv' WITH (FORMAT csv, HEADER true)");
  }

  @Test
  void partitionedParquetIsHiveLayoutBySymbolAndDate() throws Exception {
    Path out = tmp.resolve("hive");
    ExportReceipt receipt = export(ExportProfile.PARQUET_PARTITIONED, out);
    assertThat(receipt.files())
        .extracting(ExportReceipt.FileEntry::path)
        .containsExactly(
            "symbol=BAC/date=2013-10-11/part-0.parquet",
            "symbol=IBM/date=2013-10-11/part-0.parquet");
    assertThat(
            rows(
                "SELECT symbol, CAST(date AS VARCHAR), count(*) FROM read_parquet('"
                    + out
                    + "/**/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY 1"))
        .containsExactly("BAC|2013-10-11|1", "IBM|2013-10-11|3");
    assertThat(ParquetExport.hiveEscape("BTC/USDT")).isEqualTo("BTC%2FUSDT");
    assertThat(ParquetExport.hiveEscape("..")).isEqualTo("%2E%2E");
    assertThat(ParquetExport.hiveEscape("BRK.B")).isEqualTo("BRK.B");
  }

  /**
   * A numeric ticker (Tokyo's 7203, Hong Kong's 0700) lives only in the folder name, and hive
   * readers guess a partition value's type: DuckDB read {@code symbol=7203} as BIGINT (Spark and
   * pyarrow infer an integer too, and turn 0700 into 700), so the symbol no longer joined with the
   * text symbol of every other table. The receipt's loaders declare the partition types; the DuckDB
   * one, run as given in the export folder, keeps both symbols text, leading zero included, and the
   * folder still verifies.
   */
  @Test
  void aNumericSymbolStaysTextInTheHiveLayout() throws Exception {
    ExportFixture.appendBars(
        warehouse,
        List.of(
            bar("7203", DAY, "1m", "09:30", "5", "5", "5", "5", "100"),
            bar("0700", DAY, "1m", "09:30", "7", "7", "7", "7", "200")));
    Path out = tmp.resolve("hive-numeric");
    ExportReceipt receipt =
        new ExportJob(
                warehouse,
                ExportFixture.request(
                    ExportProfile.PARQUET_PARTITIONED, "gold.bars", "1m", out, "7203", "0700"))
            .commit();
    assertThat(receipt.files())
        .extracting(ExportReceipt.FileEntry::path)
        .containsExactly(
            "symbol=0700/date=2013-10-11/part-0.parquet",
            "symbol=7203/date=2013-10-11/part-0.parquet");
    String snippet = receipt.loaders().get("duckdb");
    assertThat(snippet).as("the receipt's DuckDB loader").isNotNull();
    // the snippet is run in the export folder, as the receipt says
    duck.execute("SET file_search_path = " + io.ticklake.catalog.duckdb.Sql.string(out.toString()));
    assertThat(
            rows(
                "SELECT typeof(symbol), symbol, typeof(date), CAST(close AS VARCHAR) FROM ("
                    + snippet
                    + ") ORDER BY symbol"))
        .containsExactly("VARCHAR|0700|DATE|7.000000000", "VARCHAR|7203|DATE|5.000000000");
    assertThat(receipt.loaders().get("pandas"))
        .contains("(\"symbol\", pa.string())")
        .contains("partitioning=hive");
    assertThat(receipt.loaders().get("r")).contains("arrow::hive_partition(symbol = arrow::utf8()");
    assertThat(new ExportVerifier(warehouse).verify(out).problems()).isEmpty();
  }

  @Test
  void silverTradesExportKeepsEveryTradeInOrder() throws Exception {
    Instant t0 = Instant.parse("2013-10-11T13:30:00.000123Z");
    ExportFixture.appendTrades(
        warehouse,
        DAY,
        List.of(
            new Trade("IBM", t0.plusMillis(5), new BigDecimal("184.77"), new BigDecimal("100")),
            new Trade("IBM", t0, new BigDecimal("184.76"), new BigDecimal("200")),
            new Trade("IBM", t0, new BigDecimal("184.76"), new BigDecimal("200")),
            new Trade("BAC", t0, new BigDecimal("14.5"), new BigDecimal("300"))));
    Path out = tmp.resolve("ticks");
    ExportReceipt receipt =
        new ExportJob(
                warehouse,
                ExportFixture.request(ExportProfile.R, "silver.trades", null, out, "IBM"))
            .commit();
    assertThat(receipt.tables().get(0).rows()).isEqualTo(3);
    List<String> lines = Files.readAllLines(out.resolve("silver_trades.csv"));
    assertThat(lines).hasSize(4);
    assertThat(lines.get(1)).contains(",2013-10-11T13:30:00.000123Z,").contains(",184.760000000,");
    assertThat(lines.get(3)).contains(",2013-10-11T13:30:00.005123Z,");
  }
}
