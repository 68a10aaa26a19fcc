package io.github.selfreflect.reflect.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.llm.SamplingParameters;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetCardWriterTest {

  private static Manifest manifest(long sftRecords, long preferenceRecords) {
    return new Manifest(
        "0.1.0",
        new Manifest.Template("seed", "abc"),
        "gpt-4o",
        new SamplingParameters(0.2, null),
        new Manifest.Counts(3, 5, 4, 1, 0, 0, 0),
        List.of(
            new OutputFile("failures.jsonl", 0, 0, "a"),
            new OutputFile("preference.jsonl", 10, preferenceRecords, "b"),
            new OutputFile("sft.jsonl", 10, sftRecords, "c")),
        List.of(new SourceFile("a.json", 100, "d"), new SourceFile("b.jsonl", 23, "e")));
  }

  private static final DatasetCard CARD =
      new DatasetCard("Support: \"chats\"", "Our support logs.\n", "apache-2.0", List.of("en", "de"));

  @Test
  void frontMatterFollowsTheHubConventions() {
    String card = DatasetCardWriter.render(manifest(5, 2), CARD);
    assertTrue(
        card.startsWith(
            """
            ---
            license: apache-2.0
            language:
            - en
            - de
            pretty_name: "Support: \\"chats\\""
            task_categories:
            - text-generation
            tags:
            - reflect
            - hindsight-reflection
            - synthetic
            - sft
            - dpo
            size_categories:
            - n<1K
            configs:
            - config_name: sft
              data_files:
              - split: train
                path: sft.jsonl
              default: true
            - config_name: preference
              data_files:
              - split: train
                path: preference.jsonl
            ---

            # Support: "chats"

            Our support logs.

            """),
        card);
  }

  @Test
  void summarySaysHowItWasMadeTheCountsAndTheProvenance() {
    String card = DatasetCardWriter.render(manifest(5, 2), CARD);
    assertTrue(card.contains("| model | `gpt-4o` |\n"), card);
    assertTrue(card.contains("| template | `seed` (fingerprint `abc`) |\n"), card);
    assertTrue(card.contains("| sampling | temperature 0.2 |\n"), card);
    assertTrue(card.contains("| `sft.jsonl` | 5 |"), card);
    assertTrue(card.contains("| 3 | 5 | 4 | 1 | 0 | 0 | 0 |\n"), card);
    assertTrue(card.contains("Made from 2 chat files (123 bytes)."), card);
  }

  @Test
  void anEmptyFileMakesNoConfig() {
    String card = DatasetCardWriter.render(manifest(5, 0), CARD);
    assertTrue(card.contains("config_name: sft"));
    assertFalse(card.contains("config_name: preference"), card);
  }

  @Test
  void sizeCategoryFollowsTheLargestFile() {
    assertEquals("n<1K", DatasetCardWriter.sizeCategory(999));
    assertEquals("1K<n<10K", DatasetCardWriter.sizeCategory(1000));
    assertEquals("100K<n<1M", DatasetCardWriter.sizeCategory(500_000));
    assertEquals("n>1B", DatasetCardWriter.sizeCategory(2_000_000_000L));
    assertTrue(DatasetCardWriter.render(manifest(12_000, 3), CARD).contains("- 10K<n<100K\n"));
  }

  @Test
  void theSameInputsGiveTheSameCard() {
    assertEquals(DatasetCardWriter.render(manifest(5, 2), CARD), DatasetCardWriter.render(manifest(5, 2), CARD));
  }

  @Test
  void licenceAndLanguagesMustBeHubIdentifiers() {
    IllegalArgumentException license =
        assertThrows(IllegalArgumentException.class, () -> new DatasetCard("t", null, "Apache 2", List.of("en")));
    assertTrue(license.getMessage().endsWith("found 'Apache 2'"), license.getMessage());
    IllegalArgumentException language =
        assertThrows(IllegalArgumentException.class, () -> new DatasetCard("t", null, "mit", List.of("English")));
    assertTrue(language.getMessage().endsWith("found 'English'"), language.getMessage());
    assertEquals(List.of("en", "pt-BR"), DatasetCard.parseLanguages(" en, pt-BR ,en"));
    assertThrows(IllegalArgumentException.class, () -> DatasetCard.parseLanguages(" , "));
  }
}
