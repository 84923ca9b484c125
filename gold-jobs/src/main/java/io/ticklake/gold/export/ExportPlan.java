package io.ticklake.gold.export;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an export will write, decided before anything is written.
 *
 * @param request the request, with every symbol as the table spells it
 * @param out the absolute, normalised output folder
 * @param snapshotId the snapshot of the table that will be read
 * @param committedAt when that snapshot was committed
 * @param rows rows that will be exported
 * @param contentDigest digest of those rows, see {@link ExportSource#contentDigest()}
 * @param symbolDays number of (exchange, symbol, trading date) groups in the rows
 * @param symbolsWithoutRows requested symbols the table knows but that have no row in the range
 *     (the export holds the others; the command says so)
 * @param symbolsRespelled requested symbols the table holds only in another case, each with the
 *     table's spelling (matched ignoring case, in request order; the command says so)
 */
public record ExportPlan(
    ExportRequest request,
    Path out,
    long snapshotId,
    Instant committedAt,
    long rows,
    String contentDigest,
    int symbolDays,
    List<String> symbolsWithoutRows,
    Map<String, String> symbolsRespelled) {
  public ExportPlan {
    symbolsWithoutRows = List.copyOf(symbolsWithoutRows);
    symbolsRespelled = Collections.unmodifiableMap(new LinkedHashMap<>(symbolsRespelled));
    requireNonNull(request, "request is null");
    requireNonNull(out, "out is null");
    requireNonNull(committedAt, "committedAt is null");
    requireNonNull(contentDigest, "contentDigest is null");
  }
}
