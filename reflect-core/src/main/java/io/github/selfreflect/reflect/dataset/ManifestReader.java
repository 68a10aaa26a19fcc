package io.github.selfreflect.reflect.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads back what a packager needs from a {@code manifest.json} written by {@link ManifestWriter}:
 * the list of dataset files with their digests. Files that other writers add to a dataset join the
 * archive by being listed there.
 */
public final class ManifestReader {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ManifestReader() {}

  /**
   * The files {@code directory/manifest.json} lists, sorted by name.
   *
   * @throws NoSuchFileException when the directory holds no manifest (no complete dataset)
   * @throws IOException naming the manifest when it is not one this version understands
   */
  public static List<OutputFile> files(Path directory) throws IOException {
    Path manifest = directory.resolve(ManifestWriter.FILE_NAME);
    JsonNode root = read(manifest);
    JsonNode files = root.get("files");
    if (files == null || !files.isObject()) {
      throw new IOException(manifest + ": expected an object \"files\"");
    }
    List<OutputFile> result = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = files.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode file = field.getValue();
      JsonNode sha256 = file.get("sha256");
      if (sha256 == null || !sha256.isTextual()) {
        throw new IOException(
            manifest + ": expected a \"sha256\" for file \"" + field.getKey() + "\"");
      }
      result.add(
          new OutputFile(
              field.getKey(),
              file.path("bytes").asLong(),
              file.path("records").asLong(),
              sha256.asText()));
    }
    result.sort(Comparator.comparing(OutputFile::name));
    return List.copyOf(result);
  }

  /**
   * The chat files {@code directory/manifest.json} says the dataset was made from, sorted by name.
   *
   * @throws NoSuchFileException when the directory holds no manifest (no complete dataset)
   * @throws IOException naming the manifest when it is not one this version understands
   */
  public static List<SourceFile> sources(Path directory) throws IOException {
    Path manifest = directory.resolve(ManifestWriter.FILE_NAME);
    JsonNode sources = read(manifest).get("sources");
    if (sources == null || !sources.isObject()) {
      throw new IOException(manifest + ": expected an object \"sources\"");
    }
    List<SourceFile> result = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = sources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode sha256 = field.getValue().get("sha256");
      if (sha256 == null || !sha256.isTextual()) {
        throw new IOException(
            manifest + ": expected a \"sha256\" for source \"" + field.getKey() + "\"");
      }
      result.add(
          new SourceFile(field.getKey(), field.getValue().path("bytes").asLong(), sha256.asText()));
    }
    result.sort(Comparator.comparing(SourceFile::name));
    return List.copyOf(result);
  }

  private static JsonNode read(Path manifest) throws IOException {
    if (!Files.isRegularFile(manifest)) {
      throw new NoSuchFileException(
          manifest.toString(),
          null,
          "no manifest.json: the dataset is missing or incomplete (run reflect:generate first)");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(manifest.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException(manifest + ": not a JSON manifest: " + e.getOriginalMessage(), e);
    }
    JsonNode version = root == null ? null : root.get("formatVersion");
    if (version == null || !version.canConvertToInt() || version.intValue() != Manifest.FORMAT_VERSION) {
      throw new IOException(
          manifest
              + ": expected \"formatVersion\": "
              + Manifest.FORMAT_VERSION
              + ", found "
              + version
              + " (written by another version of Reflect?)");
    }
    return root;
  }
}
