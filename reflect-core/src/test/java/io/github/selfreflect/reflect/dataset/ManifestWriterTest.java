package io.github.selfreflect.reflect.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.filter.FilterReason;
import io.github.selfreflect.reflect.filter.FilterSettings;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestWriterTest {

  @TempDir Path dir;

  private static Manifest manifest(SamplingParameters sampling) {
    return new Manifest(
        "0.1.0",
        new Manifest.Template("seed", "f00d"),
        "gpt-4o",
        sampling,
        new Manifest.Counts(3, 5, 2, 1, 1, 1, 0),
        new Manifest.Filters(
            FilterSettings.DEFAULTS, Map.of(FilterReason.IDENTICAL, 2L, FilterReason.REFUSAL, 1L)),
        List.of(
            new OutputFile("sft.jsonl", 300, 3, "cc"),
            new OutputFile("failures.jsonl", 0, 0, "aa"),
            new OutputFile("reflections.jsonl", 900, 3, "bb")));
  }

  @Test
  void rendersTheExpectedTextWithFilesSortedByName() {
    assertEquals(
        """
        {
          "formatVersion": 1,
          "generator": {
            "name": "reflect",
            "version": "0.1.0"
          },
          "template": {
            "id": "seed",
            "fingerprint": "f00d"
          },
          "model": "gpt-4o",
          "sampling": {
            "temperature": 0.2,
            "maxTokens": 2048
          },
          "counts": {
            "conversations": 3,
            "targets": 5,
            "cached": 2,
            "reflected": 1,
            "failed": 1,
            "skipped": 1,
            "invalidRecords": 0
          },
          "filters": {
            "enabled": [
              "identical",
              "length",
              "refusal",
              "duplicate"
            ],
            "minLengthRatio": 0.1,
            "maxLengthRatio": 10.0,
            "excluded": {
              "identical": 2,
              "length": 0,
              "refusal": 1,
              "duplicate": 0
            },
            "excludedTotal": 3
          },
          "files": {
            "failures.jsonl": {
              "sha256": "aa",
              "bytes": 0,
              "records": 0
            },
            "reflections.jsonl": {
              "sha256": "bb",
              "bytes": 900,
              "records": 3
            },
            "sft.jsonl": {
              "sha256": "cc",
              "bytes": 300,
              "records": 3
            }
          }
        }
        """,
        ManifestWriter.render(manifest(new SamplingParameters(0.2, 2048))));
  }

  @Test
  void leavesOutSamplingOptionsThatAreNotSet() {
    String text = ManifestWriter.render(manifest(new SamplingParameters(1.0, null)));
    assertTrue(text.contains("  \"sampling\": {\n    \"temperature\": 1.0\n  },\n"), text);
    String none = ManifestWriter.render(manifest(SamplingParameters.DEFAULTS));
    assertTrue(none.contains("  \"sampling\": {},\n"), none);
  }

  @Test
  void writesAtomicallyTheRenderedText() throws IOException {
    Manifest manifest = manifest(SamplingParameters.DEFAULTS);
    Path written = ManifestWriter.write(dir.resolve("out"), manifest);
    assertEquals(dir.resolve("out/manifest.json"), written);
    assertEquals(ManifestWriter.render(manifest), Files.readString(written, UTF_8));
    try (Stream<Path> files = Files.list(dir.resolve("out"))) {
      assertEquals(
          List.of("manifest.json"),
          files.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
    }
  }

  @Test
  void aFileListedTwiceIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Manifest(
                "0.1.0",
                new Manifest.Template("seed", "f"),
                "m",
                SamplingParameters.DEFAULTS,
                new Manifest.Counts(0, 0, 0, 0, 0, 0, 0),
                List.of(new OutputFile("a", 0, 0, "x"), new OutputFile("a", 1, 1, "y"))));
  }
}
