package io.ticklake.catalog.snapshot;

import static java.util.Objects.requireNonNull;

import io.ticklake.catalog.TicklakeException;
import io.ticklake.catalog.TicklakeException.Kind;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * A point in a table's history to read: the latest snapshot, a snapshot id, a wall-clock time (the
 * snapshot current at that instant) or a named reference (tag or branch).
 */
public sealed interface AsOf {
  /** The current snapshot of the main branch. */
  record Latest() implements AsOf {}

  /**
   * A snapshot by id.
   *
   * @param snapshotId the Iceberg snapshot id
   */
  record SnapshotId(long snapshotId) implements AsOf {}

  /**
   * The snapshot that was current on the main branch at an instant.
   *
   * @param instant the point in time
   */
  record Timestamp(Instant instant) implements AsOf {
    public Timestamp {
      requireNonNull(instant, "instant is null");
    }
  }

  /**
   * A tag or branch.
   *
   * @param name the reference name
   */
  record Ref(String name) implements AsOf {
    public Ref {
      requireNonNull(name, "name is null");
    }
  }

  /** The latest snapshot. */
  static AsOf latest() {
    return new Latest();
  }

  /**
   * Parses the text a user gives to {@code --as-of}: digits are a snapshot id; an ISO-8601
   * date-time with a zone ({@code 2026-11-22T10:15:30Z}, {@code 2026-11-22T11:15:30+01:00}) is a
   * time; {@code latest} or nothing is the latest snapshot; any other name is a tag or branch.
   *
   * @throws TicklakeException of kind INPUT for a date-time without zone or an invalid name
   */
  static AsOf parse(String text) {
    if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("latest")) {
      return latest();
    }
    String s = text.strip();
    if (s.chars().allMatch(Character::isDigit)) {
      try {
        return new SnapshotId(Long.parseLong(s));
      } catch (NumberFormatException e) {
        throw TicklakeException.of(Kind.INPUT, "Cannot use as-of '%s': snapshot id too large", s);
      }
    }
    if (Character.isDigit(s.charAt(0)) && s.contains("-")) {
      try {
        return new Timestamp(Instant.parse(s));
      } catch (DateTimeParseException e) {
        try {
          return new Timestamp(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e2) {
          throw TicklakeException.of(
              Kind.INPUT,
              "Cannot use as-of '%s': a time must be ISO-8601 with a zone, e.g."
                  + " 2026-11-22T10:15:30Z or 2026-11-22T11:15:30+01:00",
              s);
        }
      }
    }
    if (!REF_NAME.matcher(s).matches()) {
      throw TicklakeException.of(
          Kind.INPUT,
          "Cannot use as-of '%s': expected a snapshot id, an ISO-8601 time or a tag/branch name",
          s);
    }
    return new Ref(s);
  }

  /** Names accepted as tags or branches. */
  Pattern REF_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");
}
