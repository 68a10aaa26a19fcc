package io.github.selfreflect.reflect.dataset;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a zip whose bytes depend only on the entries' names and contents and one timestamp, so
 * that two builds of the same commit, anywhere, any day, give the same archive:
 *
 * <ul>
 *   <li>entries in name order (byte order of the UTF-8 names), directories not stored;
 *   <li>every entry's time is {@code timestamp} in UTC, stored as a plain DOS date-time: no
 *       extended-timestamp extra field, and no dependence on the build machine's time zone (a
 *       {@link LocalDateTime} in UTC is stored, not an instant converted with the default zone);
 *   <li>no extra fields, no comments, no file attributes: "version made by" and the external
 *       attributes are the same constants for every entry, so unpacked files get the unpacker's
 *       default mode (0644 under the usual umask) everywhere;
 *   <li>one compression level for every entry, chosen by the caller.
 * </ul>
 *
 * <p>DOS times cover 1980 to 2107 at two-second resolution: an earlier timestamp is stored as
 * 1980-01-01T00:00:00, a later one is refused, and odd seconds round down. The zip is written under
 * a hidden partial name and renamed into place, so a killed build never leaves half an archive.
 */
public final class DeterministicZip {

  /** The earliest time a zip can store without an extra field. */
  static final LocalDateTime DOS_EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0, 0);

  private static final LocalDateTime DOS_END = LocalDateTime.of(2107, 12, 31, 23, 59, 58);

  /**
   * The level archives are written at unless the caller chooses: deflate's fastest. On JSONL it
   * packs about 5 times faster than zip's usual level 6 for an archive about a sixth larger, and a
   * large dataset is gigabytes: at level 6 packing took 4 times as long as generating it from a
   * warm cache (the README's benchmarks).
   */
  public static final int DEFAULT_LEVEL = Deflater.BEST_SPEED;

  private DeterministicZip() {}

  /** {@link #write(Path, Map, Instant, int)} at {@link #DEFAULT_LEVEL}. */
  public static void write(Path zip, Map<String, Path> entries, Instant timestamp)
      throws IOException {
    write(zip, entries, timestamp, DEFAULT_LEVEL);
  }

  /**
   * Writes {@code zip} holding {@code entries} (entry name to the file holding its content).
   *
   * @param level the deflate level, 0 (stored in deflate blocks) to 9 (smallest): part of the
   *     archive's bytes, so two builds that should match must use the same
   * @throws IllegalArgumentException for an entry name that is empty, absolute, has a {@code \}
   *     or a {@code .}/{@code ..} segment, for a timestamp after 2107, or a level outside 0 to 9
   */
  public static void write(Path zip, Map<String, Path> entries, Instant timestamp, int level)
      throws IOException {
    Objects.requireNonNull(timestamp, "timestamp");
    if (level < Deflater.NO_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
      throw new IllegalArgumentException("compression level must be 0 to 9, found " + level);
    }
    LocalDateTime time = dosTime(timestamp);
    SortedMap<String, Path> sorted = new TreeMap<>();
    for (Map.Entry<String, Path> entry : entries.entrySet()) {
      sorted.put(checkName(entry.getKey()), entry.getValue());
    }
    Path parent = zip.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path partial = AtomicFiles.partialOf(zip);
    try (OutputStream file = Files.newOutputStream(partial);
        ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(file, 64 * 1024))) {
      out.setLevel(level);
      out.setMethod(ZipOutputStream.DEFLATED);
      for (Map.Entry<String, Path> entry : sorted.entrySet()) {
        ZipEntry zipEntry = new ZipEntry(entry.getKey());
        zipEntry.setTimeLocal(time);
        out.putNextEntry(zipEntry);
        Files.copy(entry.getValue(), out);
        out.closeEntry();
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    AtomicFiles.moveIntoPlace(partial, zip);
  }

  /** The DOS date-time stored for {@code timestamp}: UTC, two-second steps, 1980 at the earliest. */
  static LocalDateTime dosTime(Instant timestamp) {
    LocalDateTime utc = LocalDateTime.ofInstant(timestamp, ZoneOffset.UTC).withNano(0);
    if (utc.isBefore(DOS_EPOCH)) {
      return DOS_EPOCH;
    }
    if (utc.isAfter(DOS_END)) {
      throw new IllegalArgumentException(
          "a zip stores times up to 2107 only, found " + timestamp);
    }
    return utc.withSecond(utc.getSecond() & ~1);
  }

  private static String checkName(String name) {
    if (name.isEmpty() || name.startsWith("/") || name.contains("\\")) {
      throw new IllegalArgumentException("not a relative zip entry name: '" + name + "'");
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("not a relative zip entry name: '" + name + "'");
      }
    }
    return name;
  }
}
