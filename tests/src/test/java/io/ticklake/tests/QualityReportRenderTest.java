package io.ticklake.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ticklake.cli.Main;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality report renders in a real browser: the demo warehouse's report is screenshotted by
 * headless Chromium (Debian package {@code chromium}); skipped, saying so, where it is not
 * installed. tests/scripts/render-quality-report.sh does the same with flawed extra data.
 */
class QualityReportRenderTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @TempDir Path dir;

  private static void ticklake(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Map.of());
    assertThat(code).as(String.join(" ", args) + ": " + err).isZero();
  }

  @Test
  void reportRendersInHeadlessChromium() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM),
        "skipped: /usr/bin/chromium is not installed (apt-get install -y chromium)");
    Path warehouse = dir.resolve("demo");
    Path html = dir.resolve("quality-report.html");
    Path png = dir.resolve("quality-report.png");
    ticklake("demo", "--warehouse", warehouse.toString());
    ticklake("quality", "--warehouse", warehouse.toString(), "--html", html.toString());

    Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
    Process p =
        new ProcessBuilder(
                List.of(
                    CHROMIUM.toString(),
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--user-data-dir=" + profile,
                    "--screenshot=" + png,
                    "--window-size=1400,2000",
                    html.toUri().toString()))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("chromium.log").toFile())
            .start();
    boolean exited = p.waitFor(180, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    assertThat(exited).as("chromium finished within 180 s").isTrue();
    assertThat(png).as(Files.readString(dir.resolve("chromium.log"))).exists();

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1400);
    assertThat(image.getHeight()).isEqualTo(2000);
    // not a blank page: many colours, and a fair share of the page is drawn on
    Set<Integer> colours = new HashSet<>();
    long inked = 0;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        if (rgb != 0xffffff) {
          inked++;
        }
      }
    }
    long sampled = (long) (image.getWidth() / 2) * (image.getHeight() / 2);
    assertThat(colours.size()).isGreaterThan(50);
    assertThat((double) inked / sampled).isGreaterThan(0.05);
    // the grade badges' colours (A green, F red) are on the page
    assertThat(colours).contains(0x2d7a46, 0xc0392b);
  }
}
