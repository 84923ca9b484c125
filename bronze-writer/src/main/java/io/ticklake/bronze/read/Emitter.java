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

  /** Parses one data line into a row, or reports a field problem. */
  @FunctionalInterface
  interface LineParser<T> {
    /** The row of the current line of {@code lines}. */
    T parse(LineSource lines) throws FieldProblem;
  }

  /**
   * Reads every remaining line of {@code lines}: unusable lines and field problems become errors,
   * every other line a trade or a quote of {@code type} — the one loop all readers share.
   */
  void drain(
      LineSource lines, DataType type, LineParser<TradeRow> trades, LineParser<QuoteRow> quotes)
      throws IOException {
    while (true) {
      try {
        if (!lines.next()) {
          return;
        }
      } catch (IOException e) {
        throw corrupt(e, lines.lineNumber());
      }
      if (rejectUnusable(lines)) {
        continue;
      }
      try {
        if (type == DataType.TRADES) {
          trade(trades.parse(lines));
        } else {
          quote(quotes.parse(lines));
        }
      } catch (FieldProblem p) {
        error(lines, p);
      }
    }
  }
}
