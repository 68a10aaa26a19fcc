package io.github.selfreflect.reflect.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.filter.FilterReason;
import io.github.selfreflect.reflect.filter.FilterSettings;
import io.github.selfreflect.reflect.llm.Pricing;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.Usage;
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
            new OutputFile("reflections.jsonl", 900, 3, "bb")),
        List.of(
            new SourceFile("sharegpt/day2.json", 40, "d2"),
            new SourceFile("openai/logs.jsonl", 70, "d1")),
        new Usage(1_000, 200, 300),
        Pricing.parse("2.50,1.25,10.00"));
  }

  @Test
  void rendersTheExpectedTextWithFilesAndSourcesSortedByName() {
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
          "usage": {
            "promptTokens": 1000,
            "cachedPromptTokens": 200,
            "completionTokens": 300,
            "pricePerMillion": {
              "input": 2.50,
              "cachedInput": 1.25,
              "output": 10.00
            },
            "cost": 0.005250
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
          },
          "sources": {
            "openai/logs.jsonl": {
              "sha256": "d1",
              "bytes": 70
            },
            "sharegpt/day2.json": {
              "sha256": "d2",
              "bytes": 40
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
  void namesTheWindowAndThePromptBudgetWhenSetForTheyShapeThePrompts() {
    Manifest plain = manifest(SamplingParameters.DEFAULTS);
    Manifest shaped =
        new Manifest(
            plain.generatorVersion(),
            new Manifest.Template("hindsight", "f00d", 3, 4_000),
            plain.model(),
            plain.sampling(),
            plain.counts(),
            plain.filters(),
            plain.files(),
            plain.sources(),
            plain.usage(),
            plain.pricing());

    String text = ManifestWriter.render(shaped);

    assertTrue(
        text.contains(
            "  \"template\": {\n    \"id\": \"hindsight\",\n    \"fingerprint\": \"f00d\",\n"
                + "    \"window\": 3,\n    \"maxPromptTokens\": 4000\n  },\n"),
        text);
    assertTrue(
        ManifestWriter.render(plain)
            .contains("  \"template\": {\n    \"id\": \"seed\",\n    \"fingerprint\": \"f00d\"\n  },\n"),
        "unset, they are left out");
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

  @Test
  void aSourceListedTwiceIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Manifest(
                    "0.1.0",
                    new Manifest.Template("seed", "f"),
                    "m",
                    SamplingParameters.DEFAULTS,
                    new Manifest.Counts(0, 0, 0, 0, 0, 0, 0),
                    List.of(),
                    List.of(new SourceFile("a.json", 0, "x"), new SourceFile("a.json", 1, "y"))));
    assertEquals("source listed twice: a.json", e.getMessage());
  }

  @Test
  void sourceFileDigestsTheBytesOfTheFile() throws IOException {
    Path chat = dir.resolve("chat.jsonl");
    Files.writeString(chat, "abc", UTF_8);
    assertEquals(
        new SourceFile(
            "x/chat.jsonl", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        SourceFile.of("x/chat.jsonl", chat));
  }

  @Test
  void theReaderGivesBackTheListedFiles() throws IOException {
    Manifest manifest = manifest(SamplingParameters.DEFAULTS);
    ManifestWriter.write(dir, manifest);
    assertEquals(manifest.files(), ManifestReader.files(dir));
  }

  @Test
  void theReaderRefusesAnotherFormatVersionNamingTheFile() throws IOException {
    Files.writeString(dir.resolve("manifest.json"), "{\"formatVersion\": 2, \"files\": {}}", UTF_8);
    IOException e = assertThrows(IOException.class, () -> ManifestReader.files(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("manifest.json") + ": expected \"formatVersion\": 1, found 2"), e.getMessage());
  }

  @Test
  void theReaderSaysWhenThereIsNoDataset() {
    IOException e = assertThrows(IOException.class, () -> ManifestReader.files(dir));
    assertTrue(e.getMessage().contains("run reflect:generate first"), e.getMessage());
  }
}
