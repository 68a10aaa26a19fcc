package io.github.selfreflect.reflect.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Writes the dataset card, {@code README.md}, in the Hugging Face dataset card layout: YAML front
 * matter the Hub reads (licence, languages, task category, size category, and one config per
 * dataset file, so {@code load_dataset} finds the files of the unpacked archive as it is), then a
 * summary for people: how the data was made, what each file holds, the counts and the
 * provenance.
 *
 * <p>The card is made from the {@link Manifest} and the owner's {@link DatasetCard} only, so it is
 * reproducible like the manifest: no dates, no paths, no host names. Written atomically, before
 * the manifest (whose presence marks a complete dataset).
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
      case DatasetWriter.SFT -> "conversations ending in the improved answer (OpenAI / TRL"
          + " `messages`)";
      case DatasetWriter.PREFERENCE -> "prompt, chosen (new) and rejected (original) answer (TRL"
          + " conversational preference)";
      case DatasetWriter.REFLECTIONS -> "every reflection: question, original answer, critique,"
          + " new answer, verdict";
      case DatasetWriter.FAILURES -> "targets without a usable reflection, and why";
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
