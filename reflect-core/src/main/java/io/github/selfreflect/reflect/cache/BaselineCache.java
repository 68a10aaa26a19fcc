package io.github.selfreflect.reflect.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Seeds a local cache from the cache archive of an earlier release (classifier {@code
 * reflect-cache}), so that a build on a fresh clone pays only for targets that are new since.
 *
 * <p><b>The archive is untrusted input</b>: it comes from a repository, and a crafted one must not
 * write outside the cache, fill the disk, or slip records of an unknown layout into the cache.
 * So, before anything is written, every entry of its central directory is checked: only {@code
 * v1/reflections.jsonl} (and the harmless {@code v1/} and {@code v1/.gitattributes}) may be
 * there; a name that is absolute, has a {@code ..} segment, a backslash or a drive letter is
 * refused as escaping the cache directory; a {@code vN/} folder of another format is refused as an
 * unsupported format; anything else is refused as not part of a cache. The records file is then
 * inflated to a private temporary folder, counting the bytes actually inflated (never trusting the
 * sizes the archive declares), and refused when it exceeds the limit. Its lines go through the
 * same checks as the local cache's own (checksum per line): damaged lines are reported and skipped.
 * Only then are the records the local cache lacks added to it; entries already there win.
 */
public final class BaselineCache {

  /** The one entry that carries records, in format v1. */
  public static final String RECORDS_ENTRY =
      "v" + JsonlReflectionCache.FORMAT_VERSION + "/" + JsonlReflectionCache.FILE_NAME;

  /** Default largest inflated records file accepted: 4 GiB. */
  public static final long DEFAULT_MAX_BYTES = 4L << 30;

  private static final Pattern FORMAT_FOLDER = Pattern.compile("v([0-9]{1,9})(/.*)?");
  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

  /**
   * What seeding did.
   *
   * @param offered distinct records in the archive that read back sound
   * @param added records the local cache did not have and now has
   * @param droppedLines damaged lines of the archive that were skipped (reported as warnings)
   */
  public record Result(long offered, long added, long droppedLines) {}

  private BaselineCache() {}

  /**
   * Adds the records of {@code archive} that {@code cacheDir} lacks.
   *
   * @param maxBytes the largest inflated records file accepted
   * @param warnings receives one message per damaged line
   * @throws InvalidBaselineException for an entry that escapes, is too large or does not belong
   * @throws UnsupportedCacheFormatException for a cache format this version cannot read
   * @throws ZipException when the archive is not a zip
   */
  public static Result seed(Path archive, Path cacheDir, long maxBytes, Consumer<String> warnings)
      throws IOException {
    Path temp = Files.createTempDirectory("reflect-baseline");
    try {
      boolean hasRecords = extract(archive, temp, maxBytes);
      if (!hasRecords) {
        return new Result(0, 0, 0);
      }
      long[] offered = {0};
      long[] added = {0};
      try (JsonlReflectionCache baseline =
              JsonlReflectionCache.open(temp, line -> warnings.accept(baselineLine(archive, temp, line)));
          JsonlReflectionCache local = JsonlReflectionCache.open(cacheDir, warnings)) {
        baseline.forEachEntry(
            entry -> {
              offered[0]++;
              if (!local.contains(entry.key())) {
                local.put(entry);
                added[0]++;
              }
            });
        return new Result(offered[0], added[0], baseline.droppedLines());
      }
    } finally {
      deleteTree(temp);
    }
  }

  /** Checks every entry, then inflates the records file into {@code into}; false if it has none. */
  private static boolean extract(Path archive, Path into, long maxBytes) throws IOException {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      ZipEntry records = null;
      Set<String> names = new HashSet<>();
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        String name = entry.getName();
        if (!names.add(name)) {
          throw refuse(archive, name, "appears twice");
        }
        checkName(archive, name);
        if (name.equals(RECORDS_ENTRY)) {
          if (entry.getSize() > maxBytes) {
            throw tooLarge(archive, name, maxBytes);
          }
          records = entry;
        }
      }
      if (records == null) {
        return false;
      }
      Path file = into.resolve(RECORDS_ENTRY);
      Files.createDirectories(file.getParent());
      try (InputStream in = zip.getInputStream(records);
          OutputStream out = Files.newOutputStream(file)) {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
          total += n;
          if (total > maxBytes) {
            throw tooLarge(archive, RECORDS_ENTRY, maxBytes);
          }
          out.write(buffer, 0, n);
        }
      }
      return true;
    }
  }

  private static void checkName(Path archive, String name) throws IOException {
    if (name.isEmpty()
        || name.startsWith("/")
        || name.contains("\\")
        || DRIVE.matcher(name).matches()
        || name.indexOf('\0') >= 0) {
      throw escapes(archive, name);
    }
    for (String segment : name.split("/")) {
      if (segment.equals("..")) {
        throw escapes(archive, name);
      }
    }
    Matcher folder = FORMAT_FOLDER.matcher(name);
    if (folder.matches()
        && !folder.group(1).equals(String.valueOf(JsonlReflectionCache.FORMAT_VERSION))) {
      throw new UnsupportedCacheFormatException(
          "The baseline cache archive "
              + archive
              + " holds cache format v"
              + folder.group(1)
              + " (entry '"
              + name
              + "'); this version of Reflect reads format v"
              + JsonlReflectionCache.FORMAT_VERSION
              + " only. Use a baseline released by a compatible Reflect, or upgrade Reflect.");
    }
    String v1 = "v" + JsonlReflectionCache.FORMAT_VERSION + "/";
    if (!name.equals(v1) && !name.equals(RECORDS_ENTRY) && !name.equals(v1 + ".gitattributes")) {
      throw refuse(
          archive, name, "is not part of a Reflect cache (expected only " + RECORDS_ENTRY + ")");
    }
  }

  private static InvalidBaselineException escapes(Path archive, String name) {
    return refuse(archive, name, "would be written outside the cache directory (zip slip)");
  }

  private static InvalidBaselineException tooLarge(Path archive, String name, long maxBytes) {
    return refuse(
        archive,
        name,
        "inflates to more than "
            + maxBytes
            + " bytes (raise reflect.baselineMaxBytes if the baseline is really that large)");
  }

  private static InvalidBaselineException refuse(Path archive, String name, String why) {
    return new InvalidBaselineException(
        "Refusing the baseline cache archive " + archive + ": entry '" + name + "' " + why);
  }

  /** Names the archive rather than the temporary file in a warning about a damaged line. */
  private static String baselineLine(Path archive, Path temp, String warning) {
    String tempFile = temp.resolve(RECORDS_ENTRY).toString();
    return warning.startsWith(tempFile)
        ? archive + "!/" + RECORDS_ENTRY + warning.substring(tempFile.length())
        : warning;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
