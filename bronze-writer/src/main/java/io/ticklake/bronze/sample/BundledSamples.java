package io.ticklake.bronze.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The real vendor sample files bundled with ticklake for the demo: one day of IBM trades and quotes
 * from Lean/AlgoSeek (2013-10-11) and the Tardis binance-futures BTCUSDT samples. See the NOTICE.md
 * next to them for sources and licences.
 */
public final class BundledSamples {
  /** Resource paths relative to this package's {@code sample/} folder. */
  public static final List<String> LEAN_FILES =
      List.of(
          "lean/equity/usa/tick/ibm/20131011_trade.zip",
          "lean/equity/usa/tick/ibm/20131011_quote.zip");

  /** Tardis files. */
  public static final List<String> TARDIS_FILES =
      List.of("tardis/tardis_trades.csv", "tardis/tardis_quotes.csv");

  private static final List<String> NOTICES = List.of("NOTICE.md", "lean/LICENSE");

  private BundledSamples() {}

  /**
   * Copies the samples into {@code dir}, keeping their layout (the Lean reader takes symbol and
   * date from the path), and returns {@code dir}.
   */
  public static Path extractTo(Path dir) {
    try {
      for (String name : concat()) {
        Path target = dir.resolve(name);
        Files.createDirectories(target.getParent());
        try (InputStream in = BundledSamples.class.getResourceAsStream(name)) {
          if (in == null) {
            throw new IllegalStateException("Cannot find bundled sample " + name);
          }
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot extract the bundled samples to " + dir, e);
    }
  }

  private static List<String> concat() {
    List<String> all = new java.util.ArrayList<>(LEAN_FILES);
    all.addAll(TARDIS_FILES);
    all.addAll(NOTICES);
    return all;
  }
}
