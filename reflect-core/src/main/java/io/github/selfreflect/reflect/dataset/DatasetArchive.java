package io.github.selfreflect.reflect.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Packs a finished dataset directory into one reproducible zip (see {@link DeterministicZip}):
 * {@code manifest.json}, the dataset card {@code README.md}, and every file the manifest lists,
 * each under its own name at the root, so the unpacked archive is a Hugging Face dataset folder
 * as it is.
 *
 * <p>Only listed files are packed: a stray file in the directory (a partial file of a killed
 * build, a file of an earlier build with other formats) never slips into a release. Each listed
 * file is checked against its SHA-256 in the manifest first, so an archive never holds a file
 * that changed after the manifest described it.
 */
public final class DatasetArchive {

  private DatasetArchive() {}

  /**
   * Writes {@code zip} from {@code datasetDirectory}.
   *
   * @param timestamp the time every entry carries (the build's {@code outputTimestamp})
   * @return the files packed besides the manifest and the card, in name order
   * @throws NoSuchFileException when the manifest, the card or a listed file is missing
   * @throws IOException naming the file when a listed file's digest does not match
   */
  public static List<OutputFile> write(Path datasetDirectory, Path zip, Instant timestamp)
      throws IOException {
    return write(datasetDirectory, zip, timestamp, DeterministicZip.DEFAULT_LEVEL);
  }

  /**
   * Writes {@code zip} from {@code datasetDirectory} at a deflate {@code level} (0 to 9).
   *
   * @param timestamp the time every entry carries (the build's {@code outputTimestamp})
   * @return the files packed besides the manifest and the card, in name order
   * @throws NoSuchFileException when the manifest, the card or a listed file is missing
   * @throws IOException naming the file when a listed file's digest does not match
   */
  public static List<OutputFile> write(Path datasetDirectory, Path zip, Instant timestamp, int level)
      throws IOException {
    List<OutputFile> files = ManifestReader.files(datasetDirectory);
    Map<String, Path> entries = new LinkedHashMap<>();
    entries.put(ManifestWriter.FILE_NAME, datasetDirectory.resolve(ManifestWriter.FILE_NAME));
    Path card = datasetDirectory.resolve(DatasetCardWriter.FILE_NAME);
    if (!Files.isRegularFile(card)) {
      throw new NoSuchFileException(
          card.toString(), null, "no dataset card: run reflect:generate again");
    }
    entries.put(DatasetCardWriter.FILE_NAME, card);
    for (OutputFile file : files) {
      if (file.name().contains("/") || file.name().contains("\\") || file.name().startsWith(".")) {
        throw new IOException(
            datasetDirectory.resolve(ManifestWriter.FILE_NAME)
                + ": lists \""
                + file.name()
                + "\", expected a plain file name inside the dataset directory");
      }
      Path path = datasetDirectory.resolve(file.name());
      if (!Files.isRegularFile(path)) {
        throw new NoSuchFileException(
            path.toString(), null, "listed in manifest.json but missing: run reflect:generate again");
      }
      String actual = sha256(path);
      if (!actual.equals(file.sha256())) {
        throw new IOException(
            path
                + " changed after manifest.json was written (SHA-256 "
                + actual
                + ", manifest says "
                + file.sha256()
                + "): run reflect:generate again");
      }
      if (entries.put(file.name(), path) != null) {
        throw new IOException(
            datasetDirectory.resolve(ManifestWriter.FILE_NAME)
                + ": lists \""
                + file.name()
                + "\", a name the archive reserves");
      }
    }
    DeterministicZip.write(zip, entries, timestamp, level);
    return files;
  }

  /** The lower-case hex SHA-256 of a file. */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest = SourceFile.newSha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
