package io.ticklake.bronze.wal;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates the segments of one WAL directory, in the manner of Kafka's {@code LogLoader}.
 *
 * <p>Every index entry is checked on its own (entry CRC32C, sequence numbers, bounds in the data
 * file, CRC32C of the batch bytes). The last valid batch of the WAL ends the acknowledged prefix;
 * whatever follows it (invalid or partial entries, index entries without their data, data without
 * its index entry, later segments without a valid batch) is a torn tail: {@link #recover} cuts it
 * and the report says exactly which bytes and sequence numbers were cut. An invalid batch
 * <em>before</em> the last valid one is corruption: recovery fails with a {@link
 * WalCorruptionException} and nothing is replayed, unless {@code salvage} is set, in which case the
 * batch is skipped and reported. Corruption of the last batches is indistinguishable from a torn
 * write and is cut as a tail.
 *
 * <p>This class is not thread-safe and must not run while a {@link WalWriter} has the directory
 * open.
 */
public final class WalRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(WalRecovery.class);
  private static final Pattern FILE = Pattern.compile("(\\d{20})\\.(arrows|index)");

  private WalRecovery() {}

  /** A segment after validation: its valid batches in order. */
  record Segment(
      long baseSeq,
      Path dataPath,
      Path indexPath,
      List<WalIndexEntry> entries,
      long dataEnd,
      long indexEnd,
      boolean clean) {
    Segment {
      entries = List.copyOf(entries);
    }
  }

  /** The outcome: the report and the valid segments, oldest first. */
  record Result(WalRecoveryReport report, List<Segment> segments) {}

  /**
   * Validates the WAL in {@code dir}, cuts a torn tail and removes deletion leftovers.
   * Thread-safety: callers must hold the directory exclusively.
   *
   * @throws WalCorruptionException on corruption before the tail when {@code salvage} is false
   */
  public static WalRecoveryReport recover(Path dir, WalTable table, boolean salvage) {
    return run(dir, table, salvage, true).report();
  }

  /** Validates the WAL in {@code dir} like {@link #recover} but changes no file. */
  public static WalRecoveryReport inspect(Path dir, WalTable table, boolean salvage) {
    return run(dir, table, salvage, false).report();
  }

  static Result run(Path dir, WalTable table, boolean salvage, boolean repair) {
    requireNonNull(dir, "dir is null");
    requireNonNull(table, "table is null");
    try {
      return new Run(dir, table, salvage, repair).run();
    } catch (IOException e) {
      throw TicklakeException.of(
          TicklakeException.Kind.FAILURE,
          "Cannot recover WAL %s: %s (the WAL is kept as it is)",
          dir,
          describe(e));
    }
  }

  static String describe(IOException e) {
    String m = e.getMessage();
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason() + " (" + fse.getFile() + ")";
    }
    if (e instanceof java.nio.file.AccessDeniedException ade) {
      // the JDK gives no reason for EACCES, only the file
      return "Permission denied (" + ade.getFile() + ")";
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }

  private static final class Scan {
    long base;
    Path data;
    Path index;
    boolean hasData;
    boolean hasIndex;
    long dataSize;
    long indexSize;
    String headerProblem;
    long schemaLength = -1;
    final List<WalIndexEntry> entries = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    int partialBytes;

    String name() {
      return WalSegment.stem(base);
    }

    long entryPos(int k) {
      return WalSegment.HEADER_BYTES + (long) k * WalIndexEntry.BYTES;
    }
  }

  private static final class Run {
    private final Path dir;
    private final WalTable table;
    private final boolean salvage;
    private final boolean repair;
    private final List<String> truncations = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<String> removed = new ArrayList<>();
    private final byte[] schemaMessage;

    Run(Path dir, WalTable table, boolean salvage, boolean repair) throws IOException {
      this.dir = dir;
      this.table = table;
      this.salvage = salvage;
      this.repair = repair;
      this.schemaMessage = WalSegment.schemaMessage(table.schema());
    }

    Result run() throws IOException {
      if (!Files.isDirectory(dir)) {
        return new Result(new WalRecoveryReport(List.of(), List.of(), List.of(), 0, 0), List.of());
      }
      TreeMap<Long, Scan> byBase = new TreeMap<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Matcher m = FILE.matcher(p.getFileName().toString());
          if (!m.matches()) {
            continue;
          }
          Scan s = byBase.computeIfAbsent(Long.parseLong(m.group(1)), b -> new Scan());
          s.base = Long.parseLong(m.group(1));
          s.data = WalSegment.dataPath(dir, s.base);
          s.index = WalSegment.indexPath(dir, s.base);
          if (m.group(2).equals("arrows")) {
            s.hasData = true;
          } else {
            s.hasIndex = true;
          }
        }
      }
      List<Scan> scans = new ArrayList<>();
      for (Scan s : byBase.values()) {
        if (!s.hasIndex) {
          // the index is created first and deleted first: a lone data file is a deletion leftover
          note(
              removed,
              "Removed WAL data file %s without its index (left by a segment deletion)",
              s.data);
          if (repair) {
            Files.deleteIfExists(s.data);
          }
          continue;
        }
        scan(s);
        scans.add(s);
      }
      // the last valid batch of the WAL ends the acknowledged prefix
      int lastScan = -1;
      for (int i = scans.size() - 1; i >= 0 && lastScan < 0; i--) {
        if (!scans.get(i).entries.isEmpty() && lastValid(scans.get(i)) >= 0) {
          lastScan = i;
        }
      }
      List<Segment> segments = new ArrayList<>();
      long prevLast = -1;
      int batches = 0;
      for (int i = 0; i < scans.size(); i++) {
        Scan s = scans.get(i);
        boolean tailOnly = i > lastScan;
        if (tailOnly && (i > 0 || lastScan >= 0 || s.headerProblem != null)) {
          // a segment after the last valid batch: nothing in it was acknowledged
          note(
              removed,
              "Removed WAL segment %s after the last valid batch: %d index bytes, %d data bytes,"
                  + " no valid batch%s",
              s.name(),
              s.indexSize,
              s.dataSize,
              s.headerProblem == null ? "" : " (" + s.headerProblem + ")");
          if (repair) {
            Files.deleteIfExists(s.index);
            Files.deleteIfExists(s.data);
          }
          continue;
        }
        boolean clean = true;
        if (s.headerProblem != null) {
          corrupt(
              s,
              "its index header is invalid: "
                  + s.headerProblem
                  + "; batches are read with the known schema");
          clean = false;
        }
        if (!s.hasData) {
          corrupt(s, "its data file is missing");
          clean = false;
        }
        int last = i == lastScan ? lastValid(s) : lastScan < 0 ? -1 : s.entries.size() - 1;
        List<WalIndexEntry> kept = new ArrayList<>();
        long prevEnd = s.schemaLength;
        for (int k = 0; k <= last; k++) {
          WalIndexEntry e = s.entries.get(k);
          String problem = s.problems.get(k);
          if (problem == null) {
            long expectSeq = prevLast < 0 ? s.base : prevLast + 1;
            if (e.firstSeq() != expectSeq || (prevEnd >= 0 && e.offset() != prevEnd)) {
              if (e.firstSeq() <= prevLast || (prevEnd >= 0 && e.offset() < prevEnd)) {
                problem = "it overlaps the previous batch";
              } else if (!salvage) {
                problem =
                    String.format(
                        Locale.ROOT,
                        "it does not follow the previous batch (expected seq %d at data offset %d)",
                        expectSeq,
                        prevEnd);
              } else {
                note(
                    skipped,
                    "Gap in WAL segment %s before batch %d: seqs %d..%d are missing",
                    s.name(),
                    k,
                    expectSeq,
                    e.firstSeq() - 1);
              }
            }
          }
          if (problem != null) {
            corrupt(s, k, e, problem);
            clean = false;
            continue;
          }
          kept.add(e);
          prevLast = e.lastSeq();
          prevEnd = e.end();
          batches++;
        }
        long keepIndex = s.entryPos(last + 1);
        long keepData =
            kept.isEmpty() ? Math.max(s.schemaLength, 0) : kept.get(kept.size() - 1).end();
        if (s.entries.size() > last + 1
            || s.partialBytes > 0
            || s.hasData && s.dataSize > keepData) {
          if (i == lastScan || lastScan < 0) {
            cutTail(s, last, keepIndex, keepData);
          } else {
            corrupt(
                s,
                String.format(
                    Locale.ROOT,
                    "it has %d bytes after its last batch in the index and %d in the data file",
                    s.indexSize - keepIndex,
                    s.dataSize - keepData));
            clean = false;
          }
        }
        segments.add(
            new Segment(
                s.base, s.data, s.index, kept, keepData, Math.min(keepIndex, s.indexSize), clean));
      }
      long lastSeq = prevLast < 0 ? 0 : prevLast;
      WalRecoveryReport report =
          new WalRecoveryReport(truncations, skipped, removed, lastSeq, batches);
      return new Result(report, segments);
    }

    private void cutTail(Scan s, int last, long keepIndex, long keepData) throws IOException {
      StringBuilder what = new StringBuilder();
      int cutEntries = s.entries.size() - (last + 1);
      long firstCut = Long.MAX_VALUE;
      long lastCut = Long.MIN_VALUE;
      for (int k = last + 1; k < s.entries.size(); k++) {
        WalIndexEntry e = s.entries.get(k);
        if (e != null) {
          firstCut = Math.min(firstCut, e.firstSeq());
          lastCut = Math.max(lastCut, e.lastSeq());
        }
      }
      what.append(
          String.format(
              Locale.ROOT,
              "Cut torn tail of WAL segment %s: index bytes %d..%d (%d whole entries",
              s.name(),
              keepIndex,
              s.indexSize,
              cutEntries));
      if (firstCut <= lastCut) {
        what.append(String.format(Locale.ROOT, " naming seqs %d..%d", firstCut, lastCut));
      }
      what.append(String.format(Locale.ROOT, ", %d partial bytes)", s.partialBytes));
      what.append(
          String.format(
              Locale.ROOT,
              ", data bytes %d..%d (%d bytes)",
              keepData,
              Math.max(s.dataSize, keepData),
              Math.max(0, s.dataSize - keepData)));
      for (int k = last + 1; k < s.entries.size(); k++) {
        if (s.problems.get(k) != null) {
          what.append("; entry ").append(k).append(": ").append(s.problems.get(k));
          break;
        }
      }
      what.append("; kept up to seq ")
          .append(last >= 0 ? s.entries.get(last).lastSeq() : s.base - 1);
      note(truncations, "%s", what);
      if (repair) {
        try (FileChannel ch = FileChannel.open(s.index, StandardOpenOption.WRITE)) {
          ch.truncate(keepIndex);
          ch.force(true);
        }
        if (s.hasData) {
          try (FileChannel ch = FileChannel.open(s.data, StandardOpenOption.WRITE)) {
            ch.truncate(keepData);
            ch.force(true);
          }
        }
      }
    }

    private int lastValid(Scan s) {
      for (int k = s.entries.size() - 1; k >= 0; k--) {
        if (s.problems.get(k) == null) {
          return k;
        }
      }
      return -1;
    }

    private void corrupt(Scan s, String why) {
      String msg =
          String.format(Locale.ROOT, "WAL segment %s in %s is corrupt: %s", s.name(), dir, why);
      if (!salvage) {
        throw new WalCorruptionException(
            "Cannot recover " + msg + "; nothing was replayed (recover with salvage to skip it)");
      }
      note(skipped, "Salvage: %s", msg);
    }

    private void corrupt(Scan s, int k, WalIndexEntry e, String why) {
      String seqs = e == null ? "seqs unknown" : "seqs " + e.firstSeq() + ".." + e.lastSeq();
      String data =
          e == null ? "" : String.format(Locale.ROOT, ", data bytes %d..%d", e.offset(), e.end());
      String msg =
          String.format(
              Locale.ROOT,
              "batch %d of WAL segment %s in %s (index bytes %d..%d%s, %s) is corrupt: %s,"
                  + " and valid batches follow it",
              k,
              s.name(),
              dir,
              s.entryPos(k),
              s.entryPos(k + 1),
              data,
              seqs,
              why);
      if (!salvage) {
        throw new WalCorruptionException(
            "Cannot recover " + msg + "; nothing was replayed (recover with salvage to skip it)");
      }
      note(skipped, "Salvage skipped %s", msg);
    }

    private void note(List<String> into, String format, Object... args) {
      String line = String.format(Locale.ROOT, format, args);
      into.add(line);
      LOG.warn(line);
    }

    private void scan(Scan s) throws IOException {
      byte[] idx;
      try {
        idx = Files.readAllBytes(s.index);
      } catch (NoSuchFileException e) {
        idx = new byte[0];
      }
      s.indexSize = idx.length;
      s.dataSize = s.hasData ? Files.size(s.data) : 0;
      ByteBuffer b = ByteBuffer.wrap(idx).order(ByteOrder.LITTLE_ENDIAN);
      if (idx.length < WalSegment.HEADER_BYTES) {
        s.headerProblem =
            "the index has " + idx.length + " of " + WalSegment.HEADER_BYTES + " header bytes";
        s.partialBytes = idx.length;
        return;
      }
      ByteBuffer expected = WalSegment.header(table, schemaMessage);
      if (!expected.equals(b.duplicate().limit(WalSegment.HEADER_BYTES))) {
        int code = b.getInt(12);
        WalTable other = WalTable.ofCode(code);
        if (other != null
            && other != table
            && WalSegment.crc(b.duplicate().limit(WalSegment.HEADER_BYTES - 4)) == b.getInt(28)) {
          throw TicklakeException.of(
              TicklakeException.Kind.INPUT,
              "Cannot open WAL %s for %s: segment %s holds %s",
              dir,
              table.dirName(),
              s.name(),
              other.dirName());
        }
        s.headerProblem =
            "the index header does not match the " + table.dirName() + " schema or its checksum";
      } else {
        s.schemaLength = schemaMessage.length;
        if (s.hasData && !schemaMatches(s)) {
          s.headerProblem =
              "the data file does not start with the " + table.dirName() + " schema message";
          s.schemaLength = -1;
        }
      }
      int n = (idx.length - WalSegment.HEADER_BYTES) / WalIndexEntry.BYTES;
      s.partialBytes = (idx.length - WalSegment.HEADER_BYTES) % WalIndexEntry.BYTES;
      String[] why = new String[1];
      long prevLast = s.base - 1;
      long prevEnd = Math.max(0, s.schemaLength);
      try (FileChannel data =
          s.hasData ? FileChannel.open(s.data, StandardOpenOption.READ) : null) {
        ByteBuffer buf = ByteBuffer.allocate(0);
        for (int k = 0; k < n; k++) {
          WalIndexEntry e = WalIndexEntry.decode(b, (int) s.entryPos(k), why);
          String problem = e == null ? why[0] : null;
          if (e != null) {
            if (e.firstSeq() <= prevLast) {
              problem = "its seqs " + e.firstSeq() + ".. do not follow seq " + prevLast;
            } else if (e.offset() < prevEnd) {
              problem =
                  "its data offset "
                      + e.offset()
                      + " is before the end of the previous batch "
                      + prevEnd;
            } else if (e.end() > s.dataSize) {
              problem =
                  String.format(
                      Locale.ROOT,
                      "its bytes %d..%d extend past the end of the data file (%d bytes)",
                      e.offset(),
                      e.end(),
                      s.dataSize);
            } else {
              if (buf.capacity() < e.length()) {
                buf = ByteBuffer.allocate(Math.max(e.length(), buf.capacity() * 2));
              }
              buf.clear().limit(e.length());
              long pos = e.offset();
              while (buf.hasRemaining()) {
                int r = data.read(buf, pos);
                if (r < 0) {
                  break;
                }
                pos += r;
              }
              buf.flip();
              int crc = WalSegment.crc(buf);
              if (buf.remaining() != e.length() || crc != e.crc()) {
                problem =
                    String.format(
                        Locale.ROOT,
                        "batch checksum mismatch (stored %08x, computed %08x)",
                        e.crc(),
                        crc);
              }
            }
          }
          s.entries.add(e);
          s.problems.add(problem);
          if (problem == null) {
            prevLast = e.lastSeq();
            prevEnd = e.end();
          }
        }
      }
    }

    private boolean schemaMatches(Scan s) throws IOException {
      if (s.dataSize < schemaMessage.length) {
        return false;
      }
      byte[] head = new byte[schemaMessage.length];
      try (FileChannel ch = FileChannel.open(s.data, StandardOpenOption.READ)) {
        ByteBuffer bb = ByteBuffer.wrap(head);
        long pos = 0;
        while (bb.hasRemaining() && ch.read(bb, pos) > 0) {
          pos = bb.position();
        }
      }
      return Arrays.equals(head, schemaMessage);
    }
  }
}
