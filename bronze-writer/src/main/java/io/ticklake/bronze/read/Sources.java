package io.ticklake.bronze.read;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipException;

/** Opens plain or gzip-compressed text files, recognising gzip by its magic bytes. */
final class Sources {
  private static final int BUFFER = 1 << 16;

  private Sources() {}

  /** The file's name for messages. */
  static String name(Path file) {
    Path name = file.getFileName();
    return name == null ? file.toString() : name.toString();
  }

  /** Fails with a clear message when {@code file} is missing or has no bytes at all. */
  static void requireNonEmpty(Path file) throws IOException {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw FileFormatException.of(file.toString(), file.toString(), e, "the file does not exist");
    }
    if (size == 0) {
      throw FileFormatException.of(file.toString(), name(file), "the file is empty (0 bytes)");
    }
  }

  /** The file's content, decompressed when it starts with the gzip magic bytes. */
  static InputStream open(Path file) throws IOException {
    requireNonEmpty(file);
    InputStream raw = Files.newInputStream(file);
    try {
      PushbackInputStream in = new PushbackInputStream(raw, 2);
      byte[] magic = new byte[2];
      int n = in.readNBytes(magic, 0, 2);
      in.unread(magic, 0, n);
      if (n == 2 && magic[0] == (byte) 0x1f && magic[1] == (byte) 0x8b) {
        try {
          return new GzipMembers(in, BUFFER);
        } catch (ZipException | java.io.EOFException e) {
          throw FileFormatException.of(
              file.toString(), name(file), e, "the gzip header is corrupt (%s)", e.getMessage());
        }
      }
      return in;
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }
}
