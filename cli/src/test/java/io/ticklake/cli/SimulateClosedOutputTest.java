package io.ticklake.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ticklake.catalog.WarehouseConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticklake simulate | ticklake writer}: when the reader exits (the writer stopped with
 * SIGTERM, as in the soak of 2026-11-28, or {@code | head}), simulate must stop too. Java's print
 * streams swallow the broken pipe, so a long {@code --duration} kept it generating into the closed
 * pipe for as long as the stream lasted.
 */
class SimulateClosedOutputTest {
  @TempDir Path dir;

  /** Standard output whose reader goes away after {@code limit} characters. */
  private static final class ClosingPipe extends Writer {
    private final long limit;
    private long written;

    ClosingPipe(long limit) {
      this.limit = limit;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
      written += len;
      if (written > limit) {
        throw new IOException("Broken pipe");
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Test
  void simulateStopsWhenItsReaderIsGone() {
    StringWriter err = new StringWriter();
    int code =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                Main.run(
                    new String[] {"simulate", "--rate", "1000", "--duration", "3650d"},
                    new PrintWriter(new ClosingPipe(1 << 20), true),
                    new PrintWriter(err, true),
                    Map.of(WarehouseConfig.ENV_WAREHOUSE, dir.resolve("wh").toString())));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).startsWith("ticklake: Cannot print the stream:").contains("closed");
  }
}
