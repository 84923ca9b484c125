package io.ticklake.catalog.dim;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The lines of a reference-data file, with the names used in messages ({@code display}, the path as
 * given) and in the {@code source} column ({@code fileName}, which does not depend on where the
 * file was read from).
 *
 * @param display the file as named in error messages
 * @param fileName the bare file name
 * @param lines the file's lines
 */
record ReferenceText(String display, String fileName, List<String> lines) {

  /**
   * Reads a UTF-8 file.
   *
   * @param what what the file is, for messages, e.g. {@code Lean map file}
   * @throws TicklakeException of kind INPUT when the file is missing, unreadable or not UTF-8
   */
  static ReferenceText read(Path file, String what) {
    try {
      if (Files.isDirectory(file)) {
        throw TicklakeException.of(
            Kind.INPUT, "Cannot read %s %s: it is a directory, not a file", what, file);
      }
      return new ReferenceText(
          file.toString(),
          file.getFileName().toString(),
          List.of(withoutBom(Files.readString(file, StandardCharsets.UTF_8)).split("\\R", -1)));
    } catch (NoSuchFileException e) {
      throw TicklakeException.of(Kind.INPUT, "Cannot read %s %s: no such file", what, file);
    } catch (AccessDeniedException e) {
      throw TicklakeException.of(Kind.INPUT, "Cannot read %s %s: permission denied", what, file);
    } catch (CharacterCodingException e) {
      throw TicklakeException.of(Kind.INPUT, "Cannot read %s %s: it is not UTF-8 text", what, file);
    } catch (IOException e) {
      throw TicklakeException.of(Kind.INPUT, "Cannot read %s %s: %s", what, file, e.getMessage());
    }
  }

  /** The text without a leading UTF-8 byte-order mark (spreadsheet tools write one). */
  private static String withoutBom(String text) {
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** Reads a resource bundled next to this class. */
  static ReferenceText bundled(String resource) {
    try (InputStream in = ReferenceText.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Cannot find bundled resource " + resource);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String name = resource.substring(resource.lastIndexOf('/') + 1);
      return new ReferenceText("bundled " + resource, name, List.of(text.split("\\R", -1)));
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read bundled resource " + resource, e);
    }
  }

  /** An error about one line and field of this file. */
  TicklakeException error(String what, int line, String format, Object... args) {
    return TicklakeException.of(
        Kind.INPUT,
        "Cannot load %s %s line %d: %s",
        what,
        display,
        line,
        String.format(Locale.ROOT, format, args));
  }

  /** An error about the whole file. */
  TicklakeException error(String what, String format, Object... args) {
    return TicklakeException.of(
        Kind.INPUT,
        "Cannot load %s %s: %s",
        what,
        display,
        String.format(Locale.ROOT, format, args));
  }
}
