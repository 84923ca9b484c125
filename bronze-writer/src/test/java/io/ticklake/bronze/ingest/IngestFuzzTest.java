package io.ticklake.bronze.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.catalog.LakeInitializer;
import io.ticklake.catalog.Warehouse;
import io.ticklake.catalog.WarehouseConfig;
import io.ticklake.catalog.calendar.ExchangeTable;
import io.ticklake.catalog.contract.TableContracts;
import io.ticklake.catalog.duckdb.DuckDbBridge;
import io.ticklake.catalog.snapshot.AsOf;
import io.ticklake.manifests.IngestManifest;
import io.ticklake.manifests.ManifestEntry;
import io.ticklake.manifests.ManifestStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupted variants of real fixture files through the whole ingest: no crash, and every data line
 * of every readable file ends up either in Bronze or in quarantine (never both, never neither),
 * with counts that reconcile with the manifest; an unreadable file is failed and leaves nothing.
 * (The readers alone are fuzzed with 1,200 variants in ReaderRobustnessTest.)
 */
class IngestFuzzTest {
  private static final int VARIANTS_PER_FORMAT = 500;

  @TempDir Path dir;

  @Test
  void corruptedFilesNeverCrashAndEveryLineIsAccountedFor() throws Exception {
    Path fixtures = IngestJobTest.copyFixtures(dir.resolve("fixtures"));
    byte[] tardis = Files.readAllBytes(fixtures.resolve("tardis/tardis_trades.csv"));
    byte[] lean = unzip(fixtures.resolve("lean/equity/usa/tick/ibm/20131007_trade.zip"));
    SplittableRandom random = new SplittableRandom(4242);
    Map<Path, byte[]> tardisFiles = new java.util.LinkedHashMap<>();
    Map<Path, byte[]> leanFiles = new java.util.LinkedHashMap<>();
    for (int i = 0; i < VARIANTS_PER_FORMAT; i++) {
      byte[] t = corrupt(tardis, random, true);
      Path tp = dir.resolve("tardis/v" + i + "/tardis_trades.csv");
      Files.createDirectories(tp.getParent());
      Files.write(tp, t);
      tardisFiles.put(tp, t);

      byte[] l = corrupt(lean, random, false);
      // Lean takes symbol and date from the path: one folder per variant symbol
      String sym = "v" + i;
      Path lp = dir.resolve("lean/equity/usa/tick/" + sym + "/20131007_trade.zip");
      Files.createDirectories(lp.getParent());
      if (random.nextInt(10) == 0) {
        Files.write(lp, garbage(zip("20131007_" + sym + "_Trade_Tick.csv", l), random));
        leanFiles.put(lp, null);
      } else {
        Files.write(lp, zip("20131007_" + sym + "_Trade_Tick.csv", l));
        leanFiles.put(lp, l);
      }
    }

    try (Warehouse w = Warehouse.open(WarehouseConfig.embedded(dir.resolve("wh")))) {
      new LakeInitializer(w).commit();
      IngestSummary t = job(w, "tardis").run(new ArrayList<>(tardisFiles.keySet()));
      IngestSummary l = job(w, "lean").run(new ArrayList<>(leanFiles.keySet()));
      assertThat(t.files()).hasSize(VARIANTS_PER_FORMAT);
      assertThat(l.files()).hasSize(VARIANTS_PER_FORMAT);

      Map<Long, ManifestEntry> manifest =
          new IngestManifest(w.catalog().loadTable(TableContracts.INGEST_MANIFEST.id())).current();
      try (DuckDbBridge bridge = DuckDbBridge.open(w.tempDir(), 1, null)) {
        bridge.registerAll(w.catalog(), AsOf.latest());
        Map<Long, TreeSet<Long>> bronze =
            lines(bridge, "select file_id, file_seq from bronze.trades");
        Map<Long, TreeSet<Long>> quarantined =
            lines(bridge, "select file_id, file_seq from ops.quarantine");
        int failed = 0;
        for (IngestSummary s : List.of(t, l)) {
          for (IngestResult r : s.files()) {
            ManifestEntry m = manifest.get(r.fileId());
            TreeSet<Long> inBronze = bronze.getOrDefault(r.fileId(), new TreeSet<>());
            TreeSet<Long> inQuarantine = quarantined.getOrDefault(r.fileId(), new TreeSet<>());
            if (r.outcome() == IngestResult.Outcome.FAILED) {
              failed++;
              assertThat(m.status()).isEqualTo(ManifestStatus.FAILED);
              assertThat(inBronze).as("failed file %s appended rows", r.path()).isEmpty();
              assertThat(inQuarantine).isEmpty();
              continue;
            }
            assertThat(m.status()).isEqualTo(ManifestStatus.INGESTED);
            assertThat(m.rowsWritten()).isEqualTo(inBronze.size());
            assertThat(m.rowsQuarantined()).isEqualTo(inQuarantine.size());
            assertThat(m.rowsTotal()).isEqualTo(m.rowsWritten() + m.rowsQuarantined());
            HashSet<Long> overlap = new HashSet<>(inBronze);
            overlap.retainAll(inQuarantine);
            assertThat(overlap).as("lines both in Bronze and quarantine").isEmpty();
            byte[] content =
                r.path().endsWith(".csv")
                    ? tardisFiles.get(Path.of(r.path()))
                    : leanFiles.get(Path.of(r.path()));
            if (content == null) {
              continue; // a zip with garbage bytes that still opened: content unknown here
            }
            long expectedLines = dataLines(content, r.path().endsWith(".csv"));
            assertThat(m.rowsTotal()).as("data lines of %s", r.path()).isEqualTo(expectedLines);
            TreeSet<Long> all = new TreeSet<>(inBronze);
            all.addAll(inQuarantine);
            long first = r.path().endsWith(".csv") ? 2 : 1;
            if (expectedLines > 0) {
              assertThat(all.first()).isEqualTo(first);
              assertThat(all.last()).isEqualTo(first + expectedLines - 1);
            }
          }
        }
        System.out.printf(
            "fuzz: %d files, %d failed, %d rows written, %d lines quarantined%n",
            t.files().size() + l.files().size(),
            failed,
            t.rowsWritten() + l.rowsWritten(),
            t.rowsQuarantined() + l.rowsQuarantined());
        assertThat(failed).as("some variants are unreadable as a whole").isPositive();
        assertThat(t.rowsQuarantined() + l.rowsQuarantined()).isPositive();
      }
    }
  }

  private static IngestJob job(Warehouse w, String vendor) {
    return new IngestJob(
        w,
        VendorReaders.forVendor(vendor, null),
        ExchangeTable.load(w.catalog()),
        VendorReaders.defaultExchange(vendor),
        2,
        null,
        Clock.systemUTC());
  }

  /**
   * Physical lines after the header; a last line without newline counts, a final newline does not.
   */
  private static long dataLines(byte[] content, boolean header) {
    if (content.length == 0) {
      return 0;
    }
    long lines = 0;
    for (byte b : content) {
      if (b == '\n') {
        lines++;
      }
    }
    if (content[content.length - 1] != '\n') {
      lines++;
    }
    return header ? lines - 1 : lines;
  }

  private static Map<Long, TreeSet<Long>> lines(DuckDbBridge bridge, String sql) throws Exception {
    Map<Long, TreeSet<Long>> out = new java.util.HashMap<>();
    try (Statement s = bridge.connection().createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        long fileId = rs.getLong(1);
        long seq = rs.getLong(2);
        boolean fresh = out.computeIfAbsent(fileId, k -> new TreeSet<>()).add(seq);
        assertThat(fresh).as("line %d of file %d twice", seq, fileId).isTrue();
      }
    }
    return out;
  }

  private static final String[] BAD_NUMBERS = {
    "NaN",
    "Infinity",
    "-Infinity",
    "-1",
    "0",
    "1e30",
    "99999999999999999999999",
    "12.3.4",
    "",
    "0x1F",
    "1,5",
    "\u00e9"
  };

  /** One corruption of the data lines (the header, if any, is kept). */
  private static byte[] corrupt(byte[] original, SplittableRandom r, boolean header) {
    String text = new String(original, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    if (lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    int from = header ? 1 : 0;
    int kind = r.nextInt(9);
    switch (kind) {
      case 0 -> { // truncate at a random byte
        int cut = r.nextInt(original.length);
        return java.util.Arrays.copyOf(original, cut);
      }
      case 1 -> { // garbage bytes somewhere
        byte[] b = original.clone();
        for (int i = 0; i < 1 + r.nextInt(5); i++) {
          b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        return b;
      }
      case 2 -> { // extra column
        int i = from + r.nextInt(lines.size() - from);
        lines.set(i, lines.get(i) + ",extra");
      }
      case 3 -> { // missing column
        int i = from + r.nextInt(lines.size() - from);
        String l = lines.get(i);
        lines.set(i, l.substring(0, Math.max(0, l.lastIndexOf(','))));
      }
      case 4 -> { // bad numbers in random fields
        for (int n = 0; n < 1 + r.nextInt(4); n++) {
          int i = from + r.nextInt(lines.size() - from);
          String[] f = lines.get(i).split(",", -1);
          f[r.nextInt(f.length)] = BAD_NUMBERS[r.nextInt(BAD_NUMBERS.length)];
          lines.set(i, String.join(",", f));
        }
      }
      case 5 -> { // bad UTF-8 in a line
        int i = from + r.nextInt(lines.size() - from);
        byte[] b = joined(lines);
        int at = indexOfLine(b, i);
        byte[] out = new byte[b.length + 2];
        System.arraycopy(b, 0, out, 0, at);
        out[at] = (byte) 0xC3;
        out[at + 1] = (byte) 0x28;
        System.arraycopy(b, at, out, at + 2, b.length - at);
        return out;
      }
      case 6 -> { // empty file or header only
        return header && r.nextBoolean()
            ? (lines.get(0) + "\n").getBytes(StandardCharsets.UTF_8)
            : new byte[0];
      }
      case 7 -> { // blank and duplicated lines
        int i = from + r.nextInt(lines.size() - from);
        lines.add(i, "");
        lines.add(i, lines.get(i + 1));
      }
      default -> { // huge sizes and negative prices as text
        int i = from + r.nextInt(lines.size() - from);
        String[] f = lines.get(i).split(",", -1);
        f[f.length - 1] = "-" + f[f.length - 1];
        lines.set(i, String.join(",", f));
      }
    }
    return joined(lines);
  }

  private static byte[] joined(List<String> lines) {
    return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static int indexOfLine(byte[] b, int line) {
    int n = 0;
    for (int i = 0; i < b.length; i++) {
      if (n == line) {
        return i;
      }
      if (b[i] == '\n') {
        n++;
      }
    }
    return b.length;
  }

  private static byte[] garbage(byte[] zip, SplittableRandom r) {
    byte[] b = zip.clone();
    for (int i = 0; i < 20; i++) {
      b[r.nextInt(Math.min(b.length, 64))] = (byte) r.nextInt(256);
    }
    return b;
  }

  private static byte[] zip(String entry, byte[] content) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      z.putNextEntry(new ZipEntry(entry));
      z.write(content);
      z.closeEntry();
    }
    return bytes.toByteArray();
  }

  private static byte[] unzip(Path zip) throws Exception {
    try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip))) {
      z.getNextEntry();
      return z.readAllBytes();
    }
  }
}
