package io.ticklake.gold.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Code snippets, for the receipt, that load an export in pandas and in R (run in its folder). */
final class ExportLoaders {
  private ExportLoaders() {}

  static Map<String, String> of(
      ExportRequest request, List<ExportReceipt.FileEntry> files, List<String> timeColumns) {
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
    Map<String, String> m = new LinkedHashMap<>();
    switch (request.profile()) {
      case PANDAS -> {
        m.put("pandas", "import pandas as pd\ndf = pd.read_parquet(\"" + first + "\")");
        m.put("r", "df <- arrow::read_parquet(\"" + first + "\")");
      }
      case PARQUET_PARTITIONED -> {
        m.put(
            "pandas",
            "import pandas as pd\ndf = pd.read_parquet(\".\")  # hive folders symbol=/date=");
        m.put("r", "df <- dplyr::collect(arrow::open_dataset(\".\"))");
      }
      case R, POSTGRES -> {
        m.put(
            "pandas",
            "import pandas as pd\ndf = pd.read_csv(\"" + first + "\", parse_dates=" + dates + ")");
        m.put("r", "df <- readr::read_csv(\"" + first + "\")");
      }
      case EXCEL -> {
        m.put(
            "pandas",
            "import pandas as pd\ndf = pd.read_csv(\""
                + first
                + "\", encoding=\"utf-8-sig\", parse_dates="
                + dates
                + ")");
        m.put("r", "df <- readr::read_csv(\"" + first + "\")");
      }
      case ARROW -> {
        m.put("pandas", "import pandas as pd\ndf = pd.read_feather(\"" + first + "\")");
        m.put("r", "df <- arrow::read_feather(\"" + first + "\")");
      }
      case LEAN -> {
        String cols = "[\"ms\", \"open\", \"high\", \"low\", \"close\", \"volume\"]";
        m.put(
            "pandas",
            "import pandas as pd\ndf = pd.read_csv(\""
                + first
                + "\", header=None, names="
                + cols
                + ")  # prices x 10000");
        m.put(
            "r",
            "df <- read.csv(unz(\""
                + first
                + "\", unzip(\""
                + first
                + "\", list = TRUE)$Name[1]), header = FALSE,"
                + " col.names = c(\"ms\", \"open\", \"high\", \"low\", \"close\", \"volume\"))");
      }
    }
    if (request.profile() == ExportProfile.POSTGRES) {
      m.put("psql", "psql -v ON_ERROR_STOP=1 -f load.sql  # from this folder");
    }
    return m;
  }
}
