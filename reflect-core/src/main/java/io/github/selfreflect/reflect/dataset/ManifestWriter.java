package io.github.selfreflect.reflect.dataset;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.filter.FilterReason;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes {@code manifest.json}: pretty-printed with two-space indents and {@code \n} line ends
 * whatever the platform, keys in a fixed order, a final newline, so that it reads well, diffs well
 * and is byte-identical for identical builds. It is written last and atomically: its presence
 * marks a complete dataset.
 *
 * <pre>{@code
 * {
 *   "formatVersion": 1,
 *   "generator": { "name", "version" },
 *   "template": { "id", "fingerprint", "window"?, "maxPromptTokens"? },
 *   "model": "...",
 *   "sampling": { "temperature", "maxTokens" },      (each left out when not set)
 *   "counts": { "conversations", "targets", "cached", "reflected", "failed", "skipped",
 *               "invalidRecords" },
 *   "filters": { "enabled": [...], "minLengthRatio", "maxLengthRatio",
 *                "excluded": { "identical", "length", "refusal", "duplicate" }, "excludedTotal" },
 *   "usage": { "promptTokens", "cachedPromptTokens", "completionTokens",
 *              "pricePerMillion": { "input", "cachedInput", "output" }, "cost" },  (prices and
 *              cost only with reflect.pricing)
 *   "evaluation": { ... }        (only after reflect:evaluate, see addEvaluation)
 *   "files": { "<name>": { "sha256", "bytes", "records" }, ... }   (sorted by name)
 *   "sources": { "<chat file>": { "sha256", "bytes" }, ... }       (sorted by name)
 * }
 * }</pre>
 */
public final class ManifestWriter {

  public static final String FILE_NAME = "manifest.json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ManifestWriter() {}

  /** The manifest's text, exactly as {@link #write} stores it (UTF-8). */
  public static String render(Manifest manifest) {
    StringWriter text = new StringWriter();
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(indenter)
            .withArrayIndenter(indenter);
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(text)) {
      json.setPrettyPrinter(printer);
      json.writeStartObject();
      json.writeNumberField("formatVersion", Manifest.FORMAT_VERSION);
      json.writeObjectFieldStart("generator");
      json.writeStringField("name", Manifest.GENERATOR_NAME);
      json.writeStringField("version", manifest.generatorVersion());
      json.writeEndObject();
      json.writeObjectFieldStart("template");
      json.writeStringField("id", manifest.template().id());
      json.writeStringField("fingerprint", manifest.template().fingerprint());
      // Only when set, as the sampling options: a manifest without them keeps its bytes.
      if (manifest.template().window() > 0) {
        json.writeNumberField("window", manifest.template().window());
      }
      if (manifest.template().maxPromptTokens() > 0) {
        json.writeNumberField("maxPromptTokens", manifest.template().maxPromptTokens());
      }
      json.writeEndObject();
      json.writeStringField("model", manifest.model());
      json.writeObjectFieldStart("sampling");
      SamplingParameters sampling = manifest.sampling();
      if (sampling.temperature() != null) {
        json.writeNumberField("temperature", sampling.temperature());
      }
      if (sampling.maxTokens() != null) {
        json.writeNumberField("maxTokens", sampling.maxTokens());
      }
      json.writeEndObject();
      Manifest.Counts counts = manifest.counts();
      json.writeObjectFieldStart("counts");
      json.writeNumberField("conversations", counts.conversations());
      json.writeNumberField("targets", counts.targets());
      json.writeNumberField("cached", counts.cached());
      json.writeNumberField("reflected", counts.reflected());
      json.writeNumberField("failed", counts.failed());
      json.writeNumberField("skipped", counts.skipped());
      json.writeNumberField("invalidRecords", counts.invalidRecords());
      json.writeEndObject();
      writeFilters(json, manifest.filters());
      json.writeObjectFieldStart("usage");
      json.writeNumberField("promptTokens", manifest.usage().promptTokens());
      json.writeNumberField("cachedPromptTokens", manifest.usage().cachedPromptTokens());
      json.writeNumberField("completionTokens", manifest.usage().completionTokens());
      if (manifest.pricing() != null) {
        json.writeObjectFieldStart("pricePerMillion");
        json.writeNumberField("input", manifest.pricing().input());
        json.writeNumberField("cachedInput", manifest.pricing().cachedInput());
        json.writeNumberField("output", manifest.pricing().output());
        json.writeEndObject();
        json.writeNumberField("cost", manifest.pricing().cost(manifest.usage()));
      }
      json.writeEndObject();
      json.writeObjectFieldStart("files");
      for (OutputFile file : manifest.files()) {
        json.writeObjectFieldStart(file.name());
        json.writeStringField("sha256", file.sha256());
        json.writeNumberField("bytes", file.bytes());
        json.writeNumberField("records", file.records());
        json.writeEndObject();
      }
      json.writeEndObject();
      json.writeObjectFieldStart("sources");
      for (SourceFile source : manifest.sources()) {
        json.writeObjectFieldStart(source.name());
        json.writeStringField("sha256", source.sha256());
        json.writeNumberField("bytes", source.bytes());
        json.writeEndObject();
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return text + "\n";
  }

  private static void writeFilters(JsonGenerator json, Manifest.Filters filters) throws IOException {
    json.writeObjectFieldStart("filters");
    json.writeArrayFieldStart("enabled");
    for (FilterReason reason : filters.settings().enabled()) {
      json.writeString(reason.wireName());
    }
    json.writeEndArray();
    json.writeNumberField("minLengthRatio", filters.settings().minLengthRatio());
    json.writeNumberField("maxLengthRatio", filters.settings().maxLengthRatio());
    json.writeObjectFieldStart("excluded");
    for (Map.Entry<FilterReason, Long> excluded : filters.excluded().entrySet()) {
      json.writeNumberField(excluded.getKey().wireName(), excluded.getValue());
    }
    json.writeEndObject();
    json.writeNumberField("excludedTotal", filters.total());
    json.writeEndObject();
  }

  /**
   * Adds an evaluation to the {@code manifest.json} in {@code directory}: sets its {@code
   * evaluation} object (before {@code files}) and puts {@code files} into the file list, replacing
   * entries of the same name. Every other field is kept as written, so fields this class does not
   * know of survive.
   *
   * @throws IOException if there is no manifest (no complete dataset) or it is not an object
   */
  public static void addEvaluation(Path directory, JsonNode evaluation, List<OutputFile> files)
      throws IOException {
    Path target = directory.resolve(FILE_NAME);
    if (!Files.isRegularFile(target)) {
      throw new IOException(target + " is missing: run reflect:generate first");
    }
    JsonNode read = MAPPER.readTree(target.toFile());
    if (!(read instanceof ObjectNode manifest) || !manifest.path("files").isObject()) {
      throw new IOException(target + " is not a Reflect manifest");
    }
    TreeMap<String, JsonNode> listed = new TreeMap<>();
    manifest.get("files").fields().forEachRemaining(e -> listed.put(e.getKey(), e.getValue()));
    for (OutputFile file : files) {
      ObjectNode entry = MAPPER.createObjectNode();
      entry.put("sha256", file.sha256());
      entry.put("bytes", file.bytes());
      entry.put("records", file.records());
      listed.put(file.name(), entry);
    }
    ObjectNode updated = MAPPER.createObjectNode();
    manifest.fields().forEachRemaining(
        e -> {
          if (e.getKey().equals("files")) {
            updated.set("evaluation", evaluation);
            ObjectNode fileList = updated.putObject("files");
            listed.forEach(fileList::set);
          } else if (!e.getKey().equals("evaluation")) {
            updated.set(e.getKey(), e.getValue());
          }
        });
    AtomicFiles.write(target, PrettyJson.render(updated).getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code directory/manifest.json} atomically and returns its path. */
  public static Path write(Path directory, Manifest manifest) throws IOException {
    Files.createDirectories(directory);
    Path target = directory.resolve(FILE_NAME);
    AtomicFiles.write(target, render(manifest).getBytes(StandardCharsets.UTF_8));
    return target;
  }
}
