package io.ticklake.gold.export;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The receipt an export leaves next to its files ({@code receipt.json}): what was asked, the
 * snapshot each table was read at, row counts, a SHA-256 per file and snippets that load the files
 * in pandas and R. {@code ticklake export verify} checks a folder against it.
 *
 * @param format receipt format id, {@value #FORMAT}
 * @param createdAt when the export ran (ISO-8601 UTC)
 * @param warehouse the warehouse directory the export read (absolute), so that {@code ticklake
 *     export verify} finds it without {@code --warehouse}; null in receipts written before it was
 *     recorded
 * @param catalog the catalog URI the export read, without any password; null as for {@code
 *     warehouse}
 * @param request the request, as given
 * @param tables the pinned snapshot, row count and content digest per table read
 * @param files every file written, with path relative to the folder, rows (null for scripts), size
 *     and SHA-256
 * @param loaders code that loads the export, by tool ({@code pandas}, {@code r}; {@code duckdb} for
 *     {@code parquet-partitioned}, {@code psql} for {@code postgres})
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ExportReceipt(
    String format,
    String createdAt,
    String warehouse,
    String catalog,
    Request request,
    List<TableRead> tables,
    List<FileEntry> files,
    Map<String, String> loaders) {

  /** File name of the receipt inside an export folder. */
  public static final String FILE_NAME = "receipt.json";

  /** The receipt format this version writes and reads. */
  public static final String FORMAT = "ticklake-export-receipt/1";

  public ExportReceipt {
    requireNonNull(format, "format is null");
    requireNonNull(request, "request is null");
    tables = List.copyOf(tables);
    files = List.copyOf(files);
    loaders = loaders == null ? Map.of() : java.util.Collections.unmodifiableMap(loaders);
  }

  /** The request part of a receipt (plain values, so it reads back without the warehouse). */
  public record Request(
      String profile,
      String table,
      String exchange,
      List<String> symbols,
      String from,
      String to,
      String interval,
      String asOf) {

    /** The receipt form of {@code r}. */
    public static Request of(ExportRequest r) {
      return new Request(
          r.profile().cliName(),
          r.table(),
          r.exchange(),
          r.symbols(),
          r.from().toString(),
          r.to().toString(),
          r.interval(),
          r.asOf());
    }

    /** Turns the receipt form back into a request writing to {@code out}. */
    public ExportRequest toRequest(Path out) {
      return new ExportRequest(
          ExportProfile.parse(profile),
          table,
          exchange,
          symbols,
          LocalDate.parse(from),
          LocalDate.parse(to),
          interval,
          out,
          asOf);
    }
  }

  /**
   * One table read by the export.
   *
   * @param table table name
   * @param snapshotId the snapshot read
   * @param committedAt when that snapshot was committed (ISO-8601 UTC)
   * @param rows rows selected
   * @param contentDigest digest of the selected rows, see {@link ExportSource#contentDigest()}
   */
  public record TableRead(
      String table, long snapshotId, String committedAt, long rows, String contentDigest) {
    /**
     * The snapshot id as text, written next to the number: ids are random 63-bit numbers, which
     * readers holding JSON numbers as doubles (jq 1.6, JavaScript, R's jsonlite) round to an id no
     * snapshot has.
     */
    @com.fasterxml.jackson.annotation.JsonProperty(value = "snapshot_id_text", index = 2)
    public String snapshotIdText() {
      return Long.toString(snapshotId);
    }
  }

  /**
   * One file of the export.
   *
   * @param path relative to the export folder, with {@code /} separators
   * @param rows data rows in the file, or null for a script
   * @param bytes file size
   * @param sha256 lower-case hex SHA-256 of the file's bytes
   */
  public record FileEntry(String path, Long rows, long bytes, String sha256) {}

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The receipt as pretty-printed JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (IOException e) {
      throw new TicklakeException(Kind.FAILURE, "Cannot write receipt: " + e.getMessage(), e);
    }
  }

  /** Writes the receipt into {@code dir}. */
  public void writeTo(Path dir) throws IOException {
    Files.writeString(dir.resolve(FILE_NAME), toJson());
  }

  /**
   * Reads the receipt of an export folder.
   *
   * @throws TicklakeException of kind INPUT when it is missing or not a receipt
   */
  public static ExportReceipt read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    ExportReceipt receipt;
    try {
      receipt = JSON.readValue(Files.readString(file), ExportReceipt.class);
    } catch (NoSuchFileException e) {
      throw TicklakeException.of(
          Kind.INPUT, "Cannot verify %s: it has no %s (not an export folder?)", dir, FILE_NAME);
    } catch (IOException | RuntimeException e) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot read receipt %s: %s",
          file,
          e.getMessage().lines().findFirst().orElse(""));
    }
    if (!FORMAT.equals(receipt.format())) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot read receipt %s: format '%s' is not %s",
          file,
          receipt.format(),
          FORMAT);
    }
    return receipt;
  }
}
