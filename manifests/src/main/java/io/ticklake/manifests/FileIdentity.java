package io.ticklake.manifests;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes a vendor file the same file: vendor, data type, path and the SHA-256 of its bytes. The
 * same bytes at another path are another identity (and dedup in Silver removes the rows); other
 * bytes at the same path are a revision.
 *
 * @param vendor vendor/format, e.g. {@code lean}, {@code tardis}, {@code csv:mymapping}
 * @param dataType {@code trades} or {@code quotes}
 * @param path absolute, normalized path
 * @param sha256 lower-case hex SHA-256 of the content
 * @param sizeBytes file size
 */
public record FileIdentity(
    String vendor, String dataType, String path, String sha256, long sizeBytes) {
  public FileIdentity {
    requireNonNull(vendor, "vendor is null");
    requireNonNull(dataType, "dataType is null");
    requireNonNull(path, "path is null");
    requireNonNull(sha256, "sha256 is null");
    if (sha256.length() != 64) {
      throw new IllegalArgumentException("Cannot use sha256 '" + sha256 + "': not 64 hex digits");
    }
  }

  /** Reads the file once to compute its identity. */
  public static FileIdentity of(String vendor, String dataType, Path file) {
    Path p = file.toAbsolutePath().normalize();
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      long size = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
        size += n;
      }
      return new FileIdentity(
          vendor, dataType, p.toString(), HexFormat.of().formatHex(md.digest()), size);
    } catch (IOException e) {
      throw TicklakeException.of(Kind.INPUT, "Cannot read %s: %s", p, e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** True when vendor, type, path and content are all the same. */
  public boolean sameAs(ManifestEntry e) {
    return vendor.equals(e.vendor())
        && dataType.equals(e.dataType())
        && path.equals(e.path())
        && sha256.equals(e.sha256());
  }
}
