package io.github.selfreflect.reflect.evaluate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.cache.CacheKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Draws the pairs to judge from a written dataset: the targets that shipped as preference pairs,
 * that is the {@code revise} rows of {@code reflections.jsonl} that no filter left out, which are
 * the rows of {@code preference.jsonl} in the same order. Evaluating the files rather than the
 * chats means the figures describe exactly the data that is released.
 *
 * <p><b>The sample</b> is the {@code size} pairs whose {@code SHA-256(seed, reflection key)} is
 * smallest: seeded, reproducible, independent of file order, and stable as a corpus grows (a new
 * chat enters the sample only by displacing a pair, so most judgments already paid for are used
 * again). Two streaming passes; memory holds the sample only.
 */
public final class DatasetPairs {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private DatasetPairs() {}

  /** The drawn pairs in dataset order, and how many were eligible. */
  public record Sample(List<SampledPair> pairs, long eligible) {}

  public static Sample draw(Path datasetDirectory, int size, long seed) throws IOException {
    if (size < 1) {
      throw new IllegalArgumentException("the sample size must be at least 1, found " + size);
    }
    Path reflections = datasetDirectory.resolve("reflections.jsonl");
    Path preference = datasetDirectory.resolve("preference.jsonl");
    // Pass 1: rank every eligible reflection, keeping the `size` smallest ranks.
    PriorityQueue<Ranked> kept =
        new PriorityQueue<>(Comparator.comparing(Ranked::rank, Long::compareUnsigned).thenComparingLong(Ranked::index).reversed());
    long eligible = 0;
    try (BufferedReader in = open(reflections)) {
      int line = 0;
      for (String text; (text = in.readLine()) != null; ) {
        line++;
        JsonNode row = parse(reflections, line, text);
        if (!isPair(row)) {
          continue;
        }
        kept.add(new Ranked(rank(seed, row.path("key").asText()), eligible++));
        if (kept.size() > size) {
          kept.poll();
        }
      }
    }
    Set<Long> chosen = new HashSet<>();
    kept.forEach(r -> chosen.add(r.index));
    // Pass 2: read the chosen pairs, walking both files in step.
    List<SampledPair> pairs = new ArrayList<>(chosen.size());
    try (BufferedReader rows = open(reflections);
        BufferedReader prefs = open(preference)) {
      long index = 0;
      int line = 0;
      int prefLine = 0;
      for (String text; (text = rows.readLine()) != null; ) {
        line++;
        JsonNode row = parse(reflections, line, text);
        if (!isPair(row)) {
          continue;
        }
        String prefText = prefs.readLine();
        prefLine++;
        if (prefText == null) {
          throw mismatch(datasetDirectory, "preference.jsonl ends before reflections.jsonl's revised rows do");
        }
        if (chosen.contains(index++)) {
          JsonNode pair = parse(preference, prefLine, prefText);
          String revised = pair.at("/chosen/0/content").asText();
          String original = pair.at("/rejected/0/content").asText();
          if (!revised.equals(row.path("answer").asText()) || !original.equals(row.path("original").asText())) {
            throw mismatch(datasetDirectory, "preference.jsonl:" + prefLine + " is not the pair of reflections.jsonl:" + line);
          }
          pairs.add(
              new SampledPair(
                  row.path("source").asText(),
                  row.path("conversation").asText(),
                  row.path("turn").asInt(),
                  row.path("key").asText(),
                  pair.get("prompt"),
                  original,
                  revised));
        }
      }
      if (prefs.readLine() != null) {
        throw mismatch(datasetDirectory, "preference.jsonl has more rows than reflections.jsonl has revised pairs");
      }
    }
    return new Sample(List.copyOf(pairs), eligible);
  }

  /** A row that shipped as a preference pair: verdict revise, no filter. */
  private static boolean isPair(JsonNode row) {
    return "revise".equals(row.path("verdict").asText()) && !row.path("filter").isObject();
  }

  static long rank(long seed, String key) {
    String hex = CacheKeys.sha256Hex(seed + "\n" + key);
    return Long.parseUnsignedLong(hex.substring(0, 16), 16);
  }

  private static BufferedReader open(Path file) throws IOException {
    try {
      return Files.newBufferedReader(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      // reflect.formats may have left it out: the evaluation reads both files.
      throw new IOException(
          file
              + " is missing: run reflect:generate first, with the formats reflections and"
              + " preference (reflect.formats)",
          e);
    }
  }

  private static JsonNode parse(Path file, int line, String text) throws IOException {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IOException(file + ":" + line + ": expected a JSON record, " + e.getOriginalMessage(), e);
    }
  }

  private static IOException mismatch(Path directory, String what) {
    return new IOException(
        "The dataset in " + directory + " is inconsistent (" + what + "); run reflect:generate again");
  }

  private record Ranked(long rank, long index) {}
}
