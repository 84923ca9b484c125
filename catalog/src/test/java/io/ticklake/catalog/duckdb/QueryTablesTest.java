package io.ticklake.catalog.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueryTablesTest {
  private static final TableIdentifier BRONZE_TRADES = TableIdentifier.of("bronze", "trades");
  private static final TableIdentifier SILVER_TRADES = TableIdentifier.of("silver", "trades");
  private static final TableIdentifier QUARANTINE = TableIdentifier.of("ops", "quarantine");
  private static final List<TableIdentifier> LAKE =
      List.of(BRONZE_TRADES, SILVER_TRADES, QUARANTINE);

  DuckDbBridge bridge;

  @BeforeEach
  void setUp() {
    bridge = DuckDbBridge.open(null, 1, null);
  }

  @AfterEach
  void tearDown() {
    bridge.close();
  }

  private Optional<Set<TableIdentifier>> read(String sql) {
    return QueryTables.read(bridge.connection(), sql, LAKE);
  }

  @Test
  void findsTheLakeTablesASelectNamesWhereverTheyAre() {
    assertThat(read("select 1")).contains(Set.of());
    assertThat(read("select 1; select 2")).contains(Set.of());
    assertThat(read("select * from silver.trades where symbol = 'IBM'"))
        .contains(Set.of(SILVER_TRADES));
    assertThat(read("from SILVER.\"Trades\"")).contains(Set.of(SILVER_TRADES));
    assertThat(
            read(
                "select t.price from silver.trades t join (select 1 from ops.quarantine) q on true"
                    + " where t.symbol in (select symbol from bronze.trades)"))
        .contains(Set.of(SILVER_TRADES, QUARANTINE, BRONZE_TRADES));
    assertThat(read("with d as (select * from silver.trades) select count(*) from d"))
        .contains(Set.of(SILVER_TRADES));
    assertThat(read("select 1; select count(*) from ops.quarantine")).contains(Set.of(QUARANTINE));
    assertThat(read("select 1 union all select 2 from bronze.trades"))
        .contains(Set.of(BRONZE_TRADES));
    assertThat(read("select * from (values (1), (2)) v(x)")).contains(Set.of());
  }

  @Test
  void explainOfSelectsReadsTheTablesOfItsSelects() {
    assertThat(read("explain select * from silver.trades")).contains(Set.of(SILVER_TRADES));
    assertThat(read("  EXPLAIN\n\tANALYZE select count(*) from ops.quarantine"))
        .contains(Set.of(QUARANTINE));
    assertThat(read("explain select 1")).contains(Set.of());
    // what follows the keywords is DuckDB's to parse, comments included
    assertThat(read("explain /* plan */ select * from silver.trades"))
        .contains(Set.of(SILVER_TRADES));
    assertThat(read("explain analyze select 1; select * from bronze.trades"))
        .contains(Set.of(BRONZE_TRADES));
    assertThat(read("explain analyze select * from silver.nope")).isEmpty();
  }

  @Test
  void cannotTellForAnythingButSelectsOfKnownTables() {
    for (String sql :
        List.of(
            "show tables",
            "describe silver.trades",
            "summarize silver.trades",
            "select * from information_schema.tables",
            "select * from duckdb_views()",
            "select * from duckdb_views",
            "select * from query_table('silver.trades')",
            "select * from read_parquet('x.parquet')",
            "select * from range(3)",
            "select * from silver.nope",
            "select * from trades",
            "select * from memory.silver.trades",
            "select * from silver.trades at (version => 3)",
            "explain create table t as select * from silver.trades",
            "explain analyze",
            "select 1; explain select * from silver.trades",
            "explain (format json) select * from silver.trades",
            "explainselect * from silver.trades",
            "create table t as select * from silver.trades",
            "set threads = 1; select 1",
            "pivot silver.trades on symbol using count(*)",
            "select from where")) {
      assertThat(read(sql)).as(sql).isEmpty();
    }
  }
}
