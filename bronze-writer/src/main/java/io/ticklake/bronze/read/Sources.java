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

  /**
   * A gzip file of one or more members (RFC 1952), strict about its end: commons-compress fails on
   * bytes after a member that are not a whole further member (plain text appended to the file, a
   * member cut inside its header), where the JDK's {@code GZIPInputStream} silently ends the stream
   * and loses them. Its format errors surface as {@link ZipException} (truncation as {@link
   * java.io.EOFException}), which {@link Emitter#corrupt} reports with the line reached; a failure
   * to read the file itself stays what it was.
   */
  static InputStream gzip(InputStream file) throws IOException {
    InputStream source = new Mapped(file, SourceFailure::new);
    try {
      return new Mapped(
          org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream.builder()
              .setInputStream(source)
              .setDecompressConcatenated(true)
              .get(),
          Sources::formatError);
    } catch (IOException e) {
      throw formatError(e);
    }
  }

  /** A stream whose read failures pass through {@code map}. */
  private static final class Mapped extends java.io.FilterInputStream {
    private final java.util.function.Function<IOException, IOException> map;

    Mapped(InputStream in, java.util.function.Function<IOException, IOException> map) {
      super(in);
      this.map = map;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw map.apply(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw map.apply(e);
      }
    }
  }

  /** A failure to read the file's bytes, kept apart from a failure to decompress them. */
  private static final class SourceFailure extends IOException {
    SourceFailure(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private static IOException formatError(IOException e) {
    if (e instanceof SourceFailure f) {
      return (IOException) f.getCause();
    }
    if (e instanceof java.io.EOFException || e instanceof ZipException) {
      return e.getMessage() == null ? new java.io.EOFException("unexpected end of file") : e;
    }
    ZipException z = new ZipException(e.getMessage());
    z.initCause(e);
    return z;
  }

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
          return gzip(in);
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
