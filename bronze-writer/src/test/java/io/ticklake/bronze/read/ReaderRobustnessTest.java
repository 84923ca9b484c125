package io.ticklake.bronze.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupted variants of the fixtures (seeded, so failures reproduce): every read either throws
 * {@link FileFormatException} or delivers exactly one row or error per physical data line, in
 * order. A smoke check of the reader contract; the ingest job's fuzz suite goes further.
 */
class ReaderRobustnessTest {
  private static final int VARIANTS = 300;
  private static final String[] POISON = {
    "NaN",
    "Infinity",
    "-Infinity",
    "-1",
    "0",
    "1e999999999",
    "99999999999999999999999",
    "",
    "1e-999999999",
    "0x10",
    " ",
    "\"",
    "\u00e9",
    "-",
    ".",
    "1.2.3",
    "+",
    "9".repeat(200)
  };

  @TempDir Path dir;

  @Test
  void leanTrades() throws IOException {
    byte[] csv = entry("lean/equity/usa/tick/ibm/20131007_trade.zip");
    run(csv, 0, 11, (bytes, i) -> leanZip(bytes, i, "trade", "Trade"), new LeanTickReader());
  }

  @Test
  void leanQuotes() throws IOException {
    byte[] csv = entry("lean/equity/usa/tick/ibm/20131007_quote.zip");
    run(csv, 0, 12, (bytes, i) -> leanZip(bytes, i, "quote", "Quote"), new LeanTickReader());
  }

  @Test
  void tardisTradesAndQuotes() throws IOException {
    for (String name : new String[] {"tardis_trades.csv", "tardis_quotes.csv"}) {
      byte[] csv = Files.readAllBytes(Golden.fixture("tardis/" + name));
      run(csv, 1, 13, (bytes, i) -> plainOrGzip(bytes, i, ".csv"), new TardisCsvReader());
    }
  }

  @Test
  void mappedCsvAndJsonl() throws IOException {
    byte[] csv = Files.readAllBytes(Golden.fixture("mapped/acme_trades.csv"));
    MappedReader trades =
        new MappedReader(ReaderMapping.load(Golden.fixture("mapped/acme_trades.json")));
    run(csv, 1, 14, (bytes, i) -> plainOrGzip(bytes, i, ".csv"), trades);
    byte[] jsonl = Files.readAllBytes(Golden.fixture("mapped/acme_quotes.jsonl"));
    MappedReader quotes =
        new MappedReader(ReaderMapping.load(Golden.fixture("mapped/acme_quotes.json")));
    run(jsonl, 0, 15, (bytes, i) -> plainOrGzip(bytes, i, ".jsonl"), quotes);
  }

  interface Packer {
    Path pack(byte[] content, int variant) throws IOException;
  }

  private void run(byte[] original, int headerLines, long seed, Packer packer, VendorReader reader)
      throws IOException {
    Random random = new Random(seed);
    int fileErrors = 0;
    for (int i = 0; i < VARIANTS; i++) {
      byte[] content = mutate(original, random, i);
      Path file = packer.pack(content, i);
      if (i % 10 == 9) {
        corruptContainer(file, random);
      }
      CollectingSink sink = new CollectingSink();
      ReadSummary summary;
      try {
        summary = reader.read(file, sink);
      } catch (FileFormatException e) {
        assertThat(e.getMessage()).startsWith("Cannot read ");
        fileErrors++;
        continue;
      }
      assertThat(summary.lines()).isEqualTo(summary.rows() + summary.errors());
      assertThat(sink.order).hasSize((int) summary.lines());
      for (int k = 0; k < sink.order.size(); k++) {
        assertThat(sink.order.get(k)).isEqualTo(headerLines + 1L + k);
      }
      if (i % 10 != 9) {
        assertThat(summary.lines()).as("variant %d", i).isEqualTo(lineCount(content) - headerLines);
      }
      for (ParseError e : sink.errors) {
        assertThat(e.message()).startsWith("Cannot parse ");
        assertThat(e.rawLine().length()).isLessThanOrEqualTo(ParseError.MAX_RAW_LINE + 40);
      }
    }
    assertThat(fileErrors).isLessThan(VARIANTS);
  }

  private static long lineCount(byte[] content) {
    long n = 0;
    for (byte b : content) {
      if (b == '\n') {
        n++;
      }
    }
    if (content.length > 0 && content[content.length - 1] != '\n') {
      n++;
    }
    return n;
  }

  private static byte[] mutate(byte[] original, Random random, int variant) {
    String text = new String(original, StandardCharsets.ISO_8859_1);
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    switch (variant % 9) {
      case 0 -> {
        return Arrays.copyOf(original, random.nextInt(original.length + 1));
      }
      case 1 -> {
        byte[] b = original.clone();
        for (int k = 0; k < 1 + random.nextInt(20); k++) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        return b;
      }
      case 2 -> {
        int at = random.nextInt(lines.size());
        lines.set(at, lines.get(at) + ",extra");
      }
      case 3 -> {
        int at = random.nextInt(lines.size());
        String line = lines.get(at);
        int comma = line.lastIndexOf(',');
        lines.set(at, comma < 0 ? "" : line.substring(0, comma));
      }
      case 4 -> {
        for (int k = 0; k < 5; k++) {
          int at = random.nextInt(lines.size());
          String[] fields = lines.get(at).split(",", -1);
          fields[random.nextInt(fields.length)] = POISON[random.nextInt(POISON.length)];
          lines.set(at, String.join(",", fields));
        }
        String utf8 =
            new String(
                String.join("\n", lines).getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1);
        return utf8.getBytes(StandardCharsets.ISO_8859_1);
      }
      case 5 -> {
        int at = random.nextInt(lines.size());
        lines.set(at, lines.get(at) + "\u00c3\u0028\u00ff");
      }
      case 6 -> {
        return new byte[0];
      }
      case 7 -> {
        return Arrays.copyOf(original, Math.max(0, text.indexOf('\n') + 1));
      }
      default -> {
        lines.add(random.nextInt(lines.size()), "");
        for (int k = 0; k < lines.size(); k += 3) {
          lines.set(k, lines.get(k) + "\r");
        }
      }
    }
    return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void corruptContainer(Path file, Random random) throws IOException {
    byte[] b = Files.readAllBytes(file);
    if (b.length == 0) {
      return;
    }
    if (random.nextBoolean()) {
      Files.write(file, Arrays.copyOf(b, random.nextInt(b.length)));
    } else {
      for (int k = 0; k < 8; k++) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      Files.write(file, b);
    }
  }

  private Path leanZip(byte[] content, int variant, String kind, String entryKind)
      throws IOException {
    Path folder = Files.createDirectories(dir.resolve("v" + variant).resolve("ibm"));
    Path zip = folder.resolve("20131007_" + kind + ".zip");
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("20131007_ibm_" + entryKind + "_Tick.csv"));
      z.write(content);
      z.closeEntry();
    }
    return zip;
  }

  private Path plainOrGzip(byte[] content, int variant, String suffix) throws IOException {
    if (variant % 2 == 0) {
      return Files.write(dir.resolve("v" + variant + suffix), content);
    }
    Path gz = dir.resolve("v" + variant + suffix + ".gz");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content);
    }
    return Files.write(gz, bytes.toByteArray());
  }

  private static byte[] entry(String zip) throws IOException {
    try (ZipFile z = new ZipFile(Golden.fixture(zip).toFile())) {
      ZipEntry e = z.entries().nextElement();
      try (InputStream in = z.getInputStream(e)) {
        return in.readAllBytes();
      }
    }
  }
}
