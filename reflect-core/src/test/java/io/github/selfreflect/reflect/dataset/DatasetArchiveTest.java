package io.github.selfreflect.reflect.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.llm.SamplingParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetArchiveTest {

  private static final Instant TIME = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;
  private Path dataset;

  /** A dataset as generate leaves it, plus a stray file that is not listed. */
  @BeforeEach
  void writeDataset() throws IOException {
    dataset = dir.resolve("reflect");
    Files.createDirectories(dataset);
    Files.writeString(dataset.resolve("sft.jsonl"), "{\"messages\":[]}\n", UTF_8);
    Files.writeString(dataset.resolve("report.html"), "<html></html>\n", UTF_8);
    Files.writeString(dataset.resolve(".sft.jsonl.partial"), "torn", UTF_8);
    Files.writeString(dataset.resolve("preference.jsonl"), "stale from an earlier build\n", UTF_8);
    Manifest manifest =
        new Manifest(
            "0.1.0",
            new Manifest.Template("seed", "f"),
            "m",
            SamplingParameters.DEFAULTS,
            new Manifest.Counts(1, 1, 1, 0, 0, 0, 0),
            List.of(
                new OutputFile("sft.jsonl", 16, 1, DatasetArchive.sha256(dataset.resolve("sft.jsonl"))),
                new OutputFile("report.html", 14, 0, DatasetArchive.sha256(dataset.resolve("report.html")))));
    DatasetCardWriter.write(dataset, manifest, DatasetCard.DEFAULT);
    ManifestWriter.write(dataset, manifest);
  }

  private static List<String> names(Path zip) throws IOException {
    try (ZipFile file = new ZipFile(zip.toFile())) {
      return file.stream().map(e -> e.getName()).toList();
    }
  }

  @Test
  void packsTheManifestTheCardAndExactlyTheListedFiles() throws IOException {
    Path zip = dir.resolve("d.zip");
    List<OutputFile> packed = DatasetArchive.write(dataset, zip, TIME);
    assertEquals(List.of("report.html", "sft.jsonl"), packed.stream().map(OutputFile::name).toList());
    // A file another writer lists (report.html) joins; an unlisted stale file does not.
    assertEquals(List.of("README.md", "manifest.json", "report.html", "sft.jsonl"), names(zip));
  }

  @Test
  void aFileChangedAfterTheManifestIsRefusedNamingIt() throws IOException {
    Files.writeString(dataset.resolve("sft.jsonl"), "{\"messages\":[1]}\n", UTF_8);
    Path zip = dir.resolve("d.zip");
    IOException e = assertThrows(IOException.class, () -> DatasetArchive.write(dataset, zip, TIME));
    assertTrue(
        e.getMessage().startsWith(dataset.resolve("sft.jsonl") + " changed after manifest.json was written"),
        e.getMessage());
    assertFalse(Files.exists(zip));
  }

  @Test
  void aMissingListedFileOrCardIsReported() throws IOException {
    Files.delete(dataset.resolve("report.html"));
    NoSuchFileException missing =
        assertThrows(NoSuchFileException.class, () -> DatasetArchive.write(dataset, dir.resolve("d.zip"), TIME));
    assertEquals(dataset.resolve("report.html").toString(), missing.getFile());
    Files.delete(dataset.resolve("README.md"));
    NoSuchFileException card =
        assertThrows(NoSuchFileException.class, () -> DatasetArchive.write(dataset, dir.resolve("d.zip"), TIME));
    assertEquals(dataset.resolve("README.md").toString(), card.getFile());
  }
}
