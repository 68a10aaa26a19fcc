package io.github.selfreflect.reflect.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.filter.FilterReason;
import io.github.selfreflect.reflect.filter.FilterSettings;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes the dataset card, {@code README.md}, in the Hugging Face dataset card layout: YAML front
 * matter the Hub reads (licence, languages, task category, size category, and one config per
 * dataset file, so {@code load_dataset} finds the files of the unpacked archive as it is), then a
 * summary for people: how the data was made, what each file holds, the counts, the quality
 * filters and the provenance; and, once {@code reflect:evaluate} has run, the evaluation's
 * headline.
 *
 * <p>The card is made from the {@link Manifest} and the owner's {@link DatasetCard} only, so it is
 * reproducible like the manifest: no dates, no paths, no host names. Written atomically, before
 * the manifest (whose presence marks a complete dataset).
 *
 * <p>The evaluation comes later, from another goal that knows the headline but not the owner's
 * {@link DatasetCard}, so it is not rendered with the rest: {@link #addEvaluation} puts its section
 * at the end of the written card, after the provenance, replacing an earlier evaluation's. The
 * card is then the same bytes however often the evaluation was added.
 */
public final class DatasetCardWriter {

  public static final String FILE_NAME = "README.md";

  /** Where the method and the tool are described. */
  static final String PROJECT_URL = "https://github.com/selfreflect/reflect";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** HF {@code size_categories}: upper bounds and names, by number of examples. */
  private static final long[] SIZE_BOUNDS = {
    1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L
  };

  private static final String[] SIZE_NAMES = {
    "n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M", "100M<n<1B", "n>1B"
  };

  /** The last section {@link #render} writes; nothing but the evaluation may follow it. */
  private static final String PROVENANCE_HEADING = "\n## Provenance\n";

  private static final String EVALUATION_HEADING = "\n## Evaluation\n";

  private DatasetCardWriter() {}

  /** Writes {@code directory/README.md} atomically and returns its path. */
  public static Path write(Path directory, Manifest manifest, DatasetCard card) throws IOException {
    Files.createDirectories(directory);
    Path target = directory.resolve(FILE_NAME);
    AtomicFiles.write(target, render(manifest, card).getBytes(StandardCharsets.UTF_8));
    return target;
  }

  /** The card's text, exactly as {@link #write} stores it (UTF-8, {@code \n} line ends). */
  public static String render(Manifest manifest, DatasetCard card) {
    List<Config> configs = configs(manifest);
    StringBuilder md = new StringBuilder();
    md.append("---\n");
    md.append("license: ").append(card.license()).append('\n');
    md.append("language:\n");
    for (String language : card.languages()) {
      md.append("- ").append(language).append('\n');
    }
    md.append("pretty_name: ").append(yamlString(card.title())).append('\n');
    md.append("task_categories:\n- text-generation\n");
    md.append("tags:\n- reflect\n- hindsight-reflection\n- synthetic\n");
    for (Config config : configs) {
      md.append("- ").append(config.tag()).append('\n');
    }
    md.append("size_categories:\n- ").append(sizeCategory(examples(manifest, configs))).append('\n');
    if (!configs.isEmpty()) {
      md.append("configs:\n");
      boolean first = true;
      for (Config config : configs) {
        md.append("- config_name: ").append(config.name()).append('\n');
        md.append("  data_files:\n");
        md.append("  - split: train\n");
        md.append("    path: ").append(config.file().name()).append('\n');
        if (first) {
          md.append("  default: true\n");
          first = false;
        }
      }
    }
    md.append("---\n\n");

    md.append("# ").append(oneLine(card.title())).append("\n\n");
    if (card.description() != null) {
      md.append(card.description().strip()).append("\n\n");
    }
    md.append("Training data made by hindsight reflection with [Reflect](")
        .append(PROJECT_URL)
        .append("). A strong model was shown each logged conversation whole, pointed at one")
        .append(" earlier assistant turn, and asked for a critique of that turn in the light of")
        .append(" the later turns, and for a new answer to the same user message written as if in")
        .append(" a fresh chat. The new answers make supervised fine-tuning data; the (old, new)")
        .append(" pairs make preference data.\n\n");

    md.append("## How it was made\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| method | hindsight reflection on every assistant turn that later user turns")
        .append(" can improve |\n");
    md.append("| model | ").append(code(manifest.model())).append(" |\n");
    md.append("| template | ")
        .append(code(manifest.template().id()))
        .append(" (fingerprint ")
        .append(code(manifest.template().fingerprint()))
        .append(") |\n");
    md.append("| sampling | ").append(sampling(manifest.sampling())).append(" |\n");
    md.append("| generator | ")
        .append(code(Manifest.GENERATOR_NAME + " " + manifest.generatorVersion()))
        .append(" |\n\n");

    md.append("## Files\n\n");
    md.append("| file | records | holds |\n|---|---:|---|\n");
    for (OutputFile file : manifest.files()) {
      md.append("| ")
          .append(code(file.name()))
          .append(" | ")
          .append(file.records())
          .append(" | ")
          .append(describe(file.name()))
          .append(" |\n");
    }
    md.append('\n');

    Manifest.Counts counts = manifest.counts();
    md.append("## Counts\n\n");
    md.append("| conversations | targets | from cache | reflected | failed | skipped |")
        .append(" invalid records |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    md.append("| ")
        .append(counts.conversations())
        .append(" | ")
        .append(counts.targets())
        .append(" | ")
        .append(counts.cached())
        .append(" | ")
        .append(counts.reflected())
        .append(" | ")
        .append(counts.failed())
        .append(" | ")
        .append(counts.skipped())
        .append(" | ")
        .append(counts.invalidRecords())
        .append(" |\n\n");

    filters(md, manifest.filters());

    md.append("## Provenance\n\n");
    long sourceBytes = manifest.sources().stream().mapToLong(SourceFile::bytes).sum();
    md.append("Made from ")
        .append(manifest.sources().size())
        .append(manifest.sources().size() == 1 ? " chat file" : " chat files")
        .append(" (")
        .append(sourceBytes)
        .append(" bytes). `manifest.json` records the SHA-256 of every source chat file and of")
        .append(" every data file, the template fingerprint, the model and the sampling options,")
        .append(" so a checkout can be checked against this release and the release rebuilt from")
        .append(" it byte for byte. It records no API key, host name or local path.\n");
    return md.toString();
  }

  /**
   * Adds the evaluation's section to {@code directory/README.md} (atomically), replacing the one
   * an earlier evaluation added.
   *
   * @param headline the evaluation's one-sentence result, e.g. {@code revised answers preferred
   *     in 72.0% (95% CI 52.4% to 85.7%) of 25 pairs, judged by gpt-4o}
   * @throws NoSuchFileException when the directory holds no card
   * @throws IOException naming the card when it was not written by this class
   */
  public static Path addEvaluation(Path directory, String headline) throws IOException {
    Path target = directory.resolve(FILE_NAME);
    if (!Files.isRegularFile(target)) {
      throw new NoSuchFileException(
          target.toString(), null, "no dataset card: run reflect:generate first");
    }
    String card = Files.readString(target, StandardCharsets.UTF_8);
    // After the last provenance heading: a heading in the owner's description comes before it.
    int provenance = card.lastIndexOf(PROVENANCE_HEADING);
    if (provenance < 0) {
      throw new IOException(
          target + " has no \"## Provenance\" section: it is not a card written by reflect:generate");
    }
    int earlier = card.indexOf(EVALUATION_HEADING, provenance);
    String withoutEvaluation = earlier < 0 ? card : card.substring(0, earlier);
    AtomicFiles.write(
        target, (withoutEvaluation + evaluation(headline)).getBytes(StandardCharsets.UTF_8));
    return target;
  }

  /** The evaluation's section, as {@link #addEvaluation} appends it. */
  static String evaluation(String headline) {
    return "\n## Evaluation\n\n"
        + "A judge model compared the original and the revised answer of a seeded random sample of"
        + " the preference pairs, each pair in both orders (a win or a loss only when both orders"
        + " agree, otherwise a tie): "
        + oneLine(headline)
        + ". `evaluation.json` holds every judgment and the mean answer lengths (judges favour"
        + " longer answers); `report.html` shows them beside the answers.\n";
  }

  /** Which filters ran and how many targets each kept out of the training files. */
  private static void filters(StringBuilder md, Manifest.Filters filters) {
    md.append("## Quality filters\n\n");
    FilterSettings settings = filters.settings();
    if (settings.enabled().isEmpty()) {
      md.append("No quality filter ran: every reflection is in the training files.\n\n");
      return;
    }
    md.append("A reflection a filter left out stays in `reflections.jsonl` with the reason, and")
        .append(" out of the SFT and preference files.\n\n");
    md.append("| filter | left out |\n|---|---:|\n");
    for (FilterReason reason : settings.enabled()) {
      md.append("| `").append(reason.wireName()).append('`');
      if (reason == FilterReason.LENGTH) {
        md.append(" (new to original length outside ")
            .append(settings.minLengthRatio())
            .append(" to ")
            .append(settings.maxLengthRatio())
            .append(')');
      }
      md.append(" | ").append(filters.excluded().get(reason)).append(" |\n");
    }
    md.append("| all | ").append(filters.total()).append(" |\n\n");
  }

  /** The data files that make a Hub config, in a fixed order; empty files make none. */
  private static List<Config> configs(Manifest manifest) {
    List<Config> configs = new ArrayList<>();
    for (DatasetFormat format : DatasetFormat.values()) {
      Optional<OutputFile> file = manifest.file(format.fileName());
      if (file.isPresent() && file.get().records() > 0) {
        configs.add(new Config(format.id(), tag(format), file.get()));
      }
    }
    return configs;
  }

  private static String tag(DatasetFormat format) {
    return switch (format) {
      case SFT -> "sft";
      case PREFERENCE -> "dpo";
      case REFLECTIONS -> "critique";
    };
  }

  /** The number of examples: the largest config's records, or the targets if none. */
  private static long examples(Manifest manifest, List<Config> configs) {
    long most = 0;
    for (Config config : configs) {
      most = Math.max(most, config.file().records());
    }
    return configs.isEmpty() ? manifest.counts().targets() : most;
  }

  static String sizeCategory(long examples) {
    for (int i = 0; i < SIZE_BOUNDS.length; i++) {
      if (examples < SIZE_BOUNDS[i]) {
        return SIZE_NAMES[i];
      }
    }
    return SIZE_NAMES[SIZE_NAMES.length - 1];
  }

  private static String describe(String fileName) {
    return switch (fileName) {
      // The weights matter to whoever trains on the file: said where the Hub shows it.
      case DatasetWriter.SFT -> "conversations ending in the improved answer (OpenAI / TRL"
          + " `messages`); only that answer is training data (`weight` 1), the answers in the"
          + " history are context (`weight` 0)";
      case DatasetWriter.PREFERENCE -> "prompt, chosen (new) and rejected (original) answer (TRL"
          + " conversational preference)";
      case DatasetWriter.REFLECTIONS -> "every reflection: question, original answer, critique,"
          + " new answer, verdict, evidence";
      case DatasetWriter.FAILURES -> "targets without a usable reflection, and why";
      case "report.html" -> "a page for people: every target's answers side by side, searchable"
          + " (opens from disk)";
      case "evaluation.json" -> "the judge's verdict on each sampled pair, win rate and interval";
      default -> "see the generator's documentation";
    };
  }

  private static String sampling(SamplingParameters sampling) {
    List<String> parts = new ArrayList<>();
    if (sampling.temperature() != null) {
      parts.add("temperature " + sampling.temperature());
    }
    if (sampling.maxTokens() != null) {
      parts.add("max tokens " + sampling.maxTokens());
    }
    return parts.isEmpty() ? "the endpoint's defaults" : String.join(", ", parts);
  }

  /** A YAML scalar for any text: a JSON string is a valid YAML double-quoted scalar. */
  private static String yamlString(String text) {
    try {
      return JSON.writeValueAsString(oneLine(text));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a string always serialises", e);
    }
  }

  private static String code(String text) {
    return "`" + oneLine(text).replace('`', '\'').replace("|", "\\|") + "`";
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }

  private record Config(String name, String tag, OutputFile file) {}
}
