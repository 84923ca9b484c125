package io.ticklake.bronze.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Real vendor files shipped in the jar for the demo (see {@code sample/NOTICE.md}): one day of IBM
 * Lean/AlgoSeek trades and quotes and the Tardis.dev BTCUSDT sample exports.
 */
public final class SampleData {
  /** Lean trades, IBM 2013-10-11. */
  public static final String LEAN_TRADES = "lean/equity/usa/tick/ibm/20131011_trade.zip";

  /** Lean quotes, IBM 2013-10-11. */
  public static final String LEAN_QUOTES = "lean/equity/usa/tick/ibm/20131011_quote.zip";

  /** Tardis trades, binance-futures BTCUSDT 2020-02-22. */
  public static final String TARDIS_TRADES = "tardis/tardis_trades.csv";

  /** Tardis quotes, binance-futures BTCUSDT 2020-02-22. */
  public static final String TARDIS_QUOTES = "tardis/tardis_quotes.csv";

  private static final List<String> FILES =
      List.of(LEAN_TRADES, LEAN_QUOTES, TARDIS_TRADES, TARDIS_QUOTES, "lean/LICENSE", "NOTICE.md");

  private SampleData() {}

  /** Relative paths of the data files, in the layout the readers expect. */
  public static List<String> dataFiles() {
    return FILES.subList(0, 4);
  }

  /**
   * Copies the sample files (with their licence and notice) under {@code dir}, keeping their
   * relative paths, and returns the paths of the four data files.
   */
  public static List<Path> copyTo(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String name : FILES) {
      Path target = dir.resolve(name);
      Files.createDirectories(target.getParent());
      try (InputStream in = SampleData.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException("Cannot copy sample file " + name + ": missing from the classpath");
        }
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
      if (dataFiles().contains(name)) {
        out.add(target);
      }
    }
    return out;
  }
}
