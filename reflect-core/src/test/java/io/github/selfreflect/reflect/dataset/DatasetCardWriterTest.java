package io.github.selfreflect.reflect.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.filter.FilterReason;
import io.github.selfreflect.reflect.filter.FilterSettings;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCardWriterTest {

  @TempDir Path dir;

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
    // Whoever trains on the file learns that the history's answers are not training data.
    assertTrue(
        card.contains(
            "only that answer is training data (`weight` 1), the answers in the history are context"
                + " (`weight` 0) |\n"),
        card);
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

  private static Manifest filtered(FilterSettings settings, Map<FilterReason, Long> excluded) {
    Manifest plain = manifest(5, 2);
    return new Manifest(
        plain.generatorVersion(),
        plain.template(),
        plain.model(),
        plain.sampling(),
        plain.counts(),
        new Manifest.Filters(settings, excluded),
        plain.files(),
        plain.sources());
  }

  @Test
  void countsWhatEachEnabledFilterLeftOut() {
    String card =
        DatasetCardWriter.render(
            filtered(
                new FilterSettings(
                    EnumSet.of(FilterReason.IDENTICAL, FilterReason.LENGTH, FilterReason.DUPLICATE),
                    0.25,
                    4.0),
                Map.of(FilterReason.IDENTICAL, 2L, FilterReason.DUPLICATE, 1L)),
            CARD);
    assertTrue(
        card.contains(
            """
            ## Quality filters

            A reflection a filter left out stays in `reflections.jsonl` with the reason, and out \
            of the SFT and preference files.

            | filter | left out |
            |---|---:|
            | `identical` | 2 |
            | `length` (new to original length outside 0.25 to 4.0) | 0 |
            | `duplicate` | 1 |
            | all | 3 |

            ## Provenance
            """),
        card);
    assertFalse(card.contains("`refusal`"), "a filter that did not run is not listed: " + card);
  }

  @Test
  void saysSoWhenNoFilterRan() {
    String card = DatasetCardWriter.render(manifest(5, 2), CARD);
    assertTrue(
        card.contains(
            "## Quality filters\n\nNo quality filter ran: every reflection is in the training"
                + " files.\n\n## Provenance\n"),
        card);
  }

  @Test
  void theEvaluationIsAddedAfterTheProvenanceAndReplacedByALaterOne() throws IOException {
    Manifest manifest = filtered(FilterSettings.DEFAULTS, Map.of());
    // A description with an "Evaluation" heading of its own must survive.
    DatasetCard card =
        new DatasetCard("t", "## Evaluation\n\nOur own notes.", "mit", List.of("en"));
    DatasetCardWriter.write(dir, manifest, card);
    String generated = DatasetCardWriter.render(manifest, card);

    DatasetCardWriter.addEvaluation(dir, "revised answers preferred in 60.0% of 5 pairs, judged by j");
    String first = Files.readString(dir.resolve("README.md"), StandardCharsets.UTF_8);
    assertEquals(
        generated
            + "\n## Evaluation\n\nA judge model compared the original and the revised answer of a"
            + " seeded random sample of the preference pairs, each pair in both orders (a win or a"
            + " loss only when both orders agree, otherwise a tie): revised answers preferred in"
            + " 60.0% of 5 pairs, judged by j. `evaluation.json` holds every judgment and the mean"
            + " answer lengths (judges favour longer answers); `report.html` shows them beside the"
            + " answers.\n",
        first);

    DatasetCardWriter.addEvaluation(dir, "revised answers preferred in 80.0% of 5 pairs, judged by j");
    String second = Files.readString(dir.resolve("README.md"), StandardCharsets.UTF_8);
    assertEquals(first.replace("60.0%", "80.0%"), second);
    assertTrue(second.contains("Our own notes."), second);
  }

  @Test
  void addingAnEvaluationNeedsACardWrittenByGenerate() throws IOException {
    IOException missing =
        assertThrows(IOException.class, () -> DatasetCardWriter.addEvaluation(dir, "h"));
    assertTrue(missing.getMessage().contains("run reflect:generate first"), missing.getMessage());
    Files.writeString(dir.resolve("README.md"), "# My own readme\n");
    IOException foreign =
        assertThrows(IOException.class, () -> DatasetCardWriter.addEvaluation(dir, "h"));
    assertTrue(
        foreign.getMessage().startsWith(dir.resolve("README.md") + " has no \"## Provenance\""),
        foreign.getMessage());
    assertEquals("# My own readme\n", Files.readString(dir.resolve("README.md")));
  }
}
