package io.ticklake.gold.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Code snippets, for the receipt, that load an export in pandas and in R (run in its folder), and
 * for the hive layout also in DuckDB.
 */
final class ExportLoaders {
  private ExportLoaders() {}

  /**
   * DuckDB SQL reading a {@code parquet-partitioned} export, run in its folder; the symbol stays
   * text (without {@code hive_types} DuckDB reads {@code symbol=7203} as BIGINT). It reads {@code
   * part-*.parquet} only: {@code *.parquet} also matches a Mac's AppleDouble {@code
   * ._part-0.parquet}, which is not Parquet.
   */
  static final String HIVE_DUCKDB =
      "SELECT * FROM read_parquet('symbol=*/date=*/part-*.parquet', hive_partitioning = true,"
          + " hive_types = {'symbol': 'VARCHAR', 'date': 'DATE'})";

  static Map<String, String> of(
      ExportRequest request,
      List<ExportReceipt.FileEntry> files,
      List<String> timeColumns,
      List<String> bigIntegerColumns,
      List<String> textColumns,
      List<String> decimalColumns) {
    String dates =
        timeColumns.stream()
            .map(c -> "\"" + c + "\"")
            .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    String first =
        files.stream()
            .filter(f -> f.rows() != null)
            .map(ExportReceipt.FileEntry::path)
            .findFirst()
            .orElse("");
    // Both tools guess a column's type from its values and read "NA" (pandas also "NULL", "nan",
    // …) as missing: text columns are declared text and only an empty field is missing, as the
    // CSV writes NULL. readr also guesses whole numbers as double, which rounds ids and epoch
    // nanoseconds above 2^53.
    List<String> readrTypes = new java.util.ArrayList<>();
    textColumns.forEach(c -> readrTypes.add(c + " = readr::col_character()"));
    bigIntegerColumns.forEach(c -> readrTypes.add(c + " = vroom::col_big_integer()"));
    String readr =
        ", na = \"\""
            + (readrTypes.isEmpty()
                ? ""
                : ", col_types = readr::cols(" + String.join(", ", readrTypes) + ")");
    String pandasText =
        textColumns.stream()
                .map(c -> "\"" + c + "\": str")
                .collect(java.util.stream.Collectors.joining(", ", ", dtype={", "}"))
            + ", keep_default_na=False, na_values=[\"\"]"
            + (decimalColumns.isEmpty()
                ? ""
                : decimalColumns.stream()
                    .map(c -> "\"" + c + "\": dec")
                    .collect(java.util.stream.Collectors.joining(", ", ", converters={", "}")));
    // Left to guess, pandas reads prices and sizes as float64 (binary fractions): they are read as
    // decimal.Decimal, exact, as pyarrow gives them from the Parquet profiles. An empty field is
    // NULL; Decimal('') would raise.
    String pandasImports =
        decimalColumns.isEmpty()
            ? "import pandas as pd\n"
            : "import decimal\nimport pandas as pd\n"
                + "dec = lambda v: decimal.Decimal(v) if v else None  # exact decimals\n";
    Map<String, String> m = new LinkedHashMap<>();
    switch (request.profile()) {
      case PANDAS -> {
        m.put("pandas", "import pandas as pd\ndf = pd.read_parquet(\"" + first + "\")");
        m.put("r", "df <- arrow::read_parquet(\"" + first + "\")");
      }
      case PARQUET_PARTITIONED -> {
        // The symbol is only in the folder names, and hive readers guess a partition's type from
        // its values: left to guess, DuckDB, pyarrow and R's arrow read symbol=7203 as an integer
        // (pyarrow and R also 0700 as 700), which no longer joins with the text symbol elsewhere.
        // Every snippet declares the partition types. Arrow's discovery also reads every file but
        // those starting with '.' or '_': the receipt beside the hive folders is not Parquet.
        m.put(
            "pandas",
            "import pandas as pd\nimport pyarrow as pa\nimport pyarrow.dataset as ds\n"
                + "hive = ds.partitioning(pa.schema([(\"symbol\", pa.string()), (\"date\","
                + " pa.date32())]), flavor=\"hive\")  # symbol=/date= folders; symbols stay text\n"
                + "df = pd.read_parquet(\".\", partitioning=hive, ignore_prefixes=[\".\", \"_\","
                + " \"receipt.json\"])");
        m.put(
            "r",
            "df <- dplyr::collect(arrow::open_dataset(\".\", partitioning ="
                + " arrow::hive_partition(symbol = arrow::utf8(), date = arrow::date32()),"
                + " factory_options = list(selector_ignore_prefixes = c(\".\", \"_\","
                + " \"receipt.json\"))))");
        m.put("duckdb", HIVE_DUCKDB);
      }
      case R, POSTGRES -> {
        m.put(
            "pandas",
            pandasImports
                + "df = pd.read_csv(\""
                + first
                + "\""
                + pandasText
                + ", parse_dates="
                + dates
                + ")");
        m.put("r", "df <- readr::read_csv(\"" + first + "\"" + readr + ")");
      }
      case EXCEL -> {
        m.put(
            "pandas",
            pandasImports
                + "df = pd.read_csv(\""
                + first
                + "\", encoding=\"utf-8-sig\""
                + pandasText
                + ", parse_dates="
                + dates
                + ")");
        m.put("r", "df <- readr::read_csv(\"" + first + "\"" + readr + ")");
      }
      case ARROW -> {
        m.put("pandas", "import pandas as pd\ndf = pd.read_feather(\"" + first + "\")");
        m.put("r", "df <- arrow::read_feather(\"" + first + "\")");
      }
      case LEAN -> {
        // one zip per symbol-day; the symbol and date are in each zip's path
        String cols = "\"ms\", \"open\", \"high\", \"low\", \"close\", \"volume\"";
        m.put(
            "pandas",
            "import glob\nimport pandas as pd\n"
                + "files = sorted(glob.glob(\"equity/**/*_trade.zip\", recursive=True))\n"
                + "df = pd.concat([pd.read_csv(f, header=None, names=["
                + cols
                + "]).assign(file=f) for f in files], ignore_index=True)  # prices x 10000");
        m.put(
            "r",
            "files <- sort(list.files(\"equity\", pattern = \"_trade[.]zip$\", recursive = TRUE,"
                + " full.names = TRUE))\n"
                + "df <- do.call(rbind, lapply(files, function(f) cbind(read.csv(unz(f,"
                + " unzip(f, list = TRUE)$Name[1]), header = FALSE, col.names = c("
                + cols
                + ")), file = f)))  # prices x 10000");
      }
    }
    if (request.profile() == ExportProfile.POSTGRES) {
      m.put("psql", "psql -v ON_ERROR_STOP=1 -f load.sql  # from this folder");
    }
    return m;
  }
}
