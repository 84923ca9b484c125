package io.ticklake.bronze.read;

import java.io.EOFException;
import java.io.IOException;
import java.util.zip.ZipException;

/**
 * Per-read bookkeeping shared by the readers: forwards rows and errors to the sink, counts them,
 * and builds {@link ParseError}s with the file, line and raw text. This class is not thread-safe.
 */
final class Emitter {
  private final String file;
  private final String sourceName;
  private final RowSink sink;
  private long rows;
  private long errors;

  Emitter(String file, String sourceName, RowSink sink) {
    this.file = file;
    this.sourceName = sourceName;
    this.sink = sink;
  }

  String file() {
    return file;
  }

  /** The name used in messages: the CSV's file name, or a zip's entry name. */
  String sourceName() {
    return sourceName;
  }

  void trade(TradeRow row) {
    rows++;
    sink.trade(row);
  }

  void quote(QuoteRow row) {
    rows++;
    sink.quote(row);
  }

  /** Reports the current line as bad because of {@code problem}. */
  void error(LineSource lines, FieldProblem problem) {
    errors++;
    sink.error(
        ParseError.of(
            file,
            sourceName,
            lines.lineNumber(),
            problem.field(),
            problem.rawValue(),
            lines.rawLine(),
            problem.reason()));
  }

  /** Reports an overlong or empty line as an error and returns true; false for a usable line. */
  boolean rejectUnusable(LineSource lines) {
    if (lines.overlong()) {
      error(
          lines,
          FieldProblem.line(
              "the line is longer than "
                  + LineSource.MAX_LINE_BYTES
                  + " bytes ("
                  + lines.lineBytes()
                  + ")"));
      return true;
    }
    if (lines.start() == lines.end()) {
      error(lines, FieldProblem.line("the line is empty"));
      return true;
    }
    return false;
  }

  ReadSummary summary(DataType dataType) {
    return new ReadSummary(file, dataType, rows + errors, rows, errors);
  }

  /**
   * Maps a failure of the decompressor while reading line {@code line + 1} to a {@link
   * FileFormatException}; other I/O errors are rethrown unchanged.
   */
  FileFormatException corrupt(IOException e, long linesRead) throws IOException {
    if (e instanceof ZipException || e instanceof EOFException) {
      return FileFormatException.of(
          file,
          sourceName,
          e,
          "the compressed data is corrupt or truncated after line %d (%s)",
          linesRead,
          e.getMessage());
    }
    throw e;
  }
}
