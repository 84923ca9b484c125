package io.ticklake.catalog.write;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system (the one Iceberg writes the warehouse's data, manifest and metadata
 * files through) with one change: a failed write throws the {@link IOException} it is, naming the
 * file, where {@link RawLocalFileSystem} throws an {@link FSError} — an {@link Error}, which no
 * caller expects for a full disk: it escaped every handler and ended the process with a stack
 * trace.
 */
public final class WarehouseFileSystem extends RawLocalFileSystem {
  @Override
  protected OutputStream createOutputStreamWithMode(Path f, boolean append, FsPermission permission)
      throws IOException {
    return new ErrorsAsExceptions(super.createOutputStreamWithMode(f, append, permission), f);
  }

  /**
   * Turns the {@link FSError}s of a Hadoop output stream back into their I/O exceptions, and closes
   * the file at the first failed write: its content is lost anyway, and a caller that does not
   * close a stream whose flush failed (Avro's file writer, under Iceberg's manifest lists) would
   * otherwise keep it open, and a deleted file's space taken, for as long as the process runs.
   */
  private static final class ErrorsAsExceptions extends FilterOutputStream {
    private final Path file;
    private FileSystemException failure;

    ErrorsAsExceptions(OutputStream out, Path file) {
      super(out);
      this.file = file;
    }

    @Override
    public void write(int b) throws IOException {
      checkOpen();
      try {
        out.write(b);
      } catch (FSError e) {
        throw fail(e);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      checkOpen();
      try {
        out.write(b, off, len);
      } catch (FSError e) {
        throw fail(e);
      }
    }

    @Override
    public void flush() throws IOException {
      checkOpen();
      try {
        out.flush();
      } catch (FSError e) {
        throw fail(e);
      }
    }

    @Override
    public void close() throws IOException {
      if (failure != null) {
        return; // closed when the write failed
      }
      try {
        out.close();
      } catch (FSError e) {
        throw fail(e);
      }
    }

    /**
     * After a failed write, throws a new exception saying the same, caused by the first: never the
     * same instance again. A caller closing the stream in a try-with-resources (Iceberg's metadata
     * file writer) adds the close's exception to the write's as suppressed, and the same instance
     * there made {@code IllegalArgumentException: Self-suppression not permitted} of a full disk.
     */
    private void checkOpen() throws IOException {
      if (failure != null) {
        FileSystemException again =
            new FileSystemException(pathOf(file), null, failure.getReason());
        again.initCause(failure);
        throw again;
      }
    }

    /** Closes the file and returns the error's I/O exception, naming the file. */
    private IOException fail(FSError e) {
      Throwable cause = e.getCause();
      String reason = cause == null ? e.getMessage() : cause.getMessage();
      FileSystemException io =
          new FileSystemException(pathOf(file), null, reason == null ? "I/O error" : reason);
      io.initCause(cause == null ? e : cause);
      failure = io;
      try {
        out.close();
      } catch (IOException | FSError ignored) {
        // the write's error is the one to report
      }
      return io;
    }

    private static String pathOf(Path p) {
      return p.toUri().getPath() == null ? p.toString() : p.toUri().getPath();
    }
  }
}
