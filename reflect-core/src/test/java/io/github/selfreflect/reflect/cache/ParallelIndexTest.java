package io.github.selfreflect.reflect.cache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a large cache checks its second half on another thread (CheckedLines). Whatever the
 * file holds and wherever the halves meet, the result must be that of one sequential pass: the
 * same index, the same warnings with the same line numbers in the same order, the same counts.
 */
class ParallelIndexTest {

  @TempDir Path dir;

  /** What an opened cache shows of its file. */
  private record Opened(List<String> warnings, int size, int dropped, int duplicates, List<String> found) {}

  private Opened open(Path cacheDir, long parallelIndexBytes, List<String> keys) throws IOException {
    List<String> warnings = new ArrayList<>();
    try (JsonlReflectionCache cache =
        JsonlReflectionCache.open(cacheDir, warnings::add, parallelIndexBytes)) {
      List<String> found = new ArrayList<>();
      for (String key : keys) {
        Optional<CacheEntry> entry = cache.get(key);
        found.add(entry.map(e -> e.reflection().critique()).orElse("-"));
      }
      return new Opened(warnings, cache.size(), cache.droppedLines(), cache.duplicateLines(), found);
    }
  }

  private static CacheEntry entry(String key, String critique) {
    return new CacheEntry(
        key, "seed", "m", "a.jsonl", "c", 1, new Reflection(critique, "answer", Verdict.REVISE), "{}",
        new Usage(1, 0, 1));
  }

  @Test
  void aSplitOpenIndexesAndReportsExactlyAsOnePass() throws IOException {
    Random random = new Random(37);
    for (int round = 0; round < 12; round++) {
      Path cacheDir = dir.resolve("cache" + round);
      Files.createDirectories(cacheDir.resolve("v1"));
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      List<String> keys = new ArrayList<>();
      int lines = 50 + random.nextInt(150);
      for (int i = 0; i < lines; i++) {
        switch (random.nextInt(12)) {
          case 0 -> file.write('\n'); // blank
          case 1 -> file.writeBytes("not a record\n".getBytes(UTF_8));
          case 2 -> { // damaged: one byte changed, the sum no longer matches
            byte[] line = CacheRecordCodec.encode(entry("damaged" + i, "x"));
            line[20] ^= 1;
            file.writeBytes(line);
            file.write('\n');
          }
          case 3 -> { // a key written before: the first copy wins
            if (!keys.isEmpty()) {
              file.writeBytes(CacheRecordCodec.encode(entry(keys.get(random.nextInt(keys.size())), "copy " + i)));
              file.write('\r');
              file.write('\n');
            }
          }
          default -> {
            String key = "key" + i;
            keys.add(key);
            file.writeBytes(CacheRecordCodec.encode(entry(key, "critique " + i)));
            file.write('\n');
          }
        }
      }
      if (random.nextBoolean()) { // a torn last record
        byte[] torn = CacheRecordCodec.encode(entry("torn", "t"));
        file.write(torn, 0, random.nextInt(torn.length));
      }
      Files.write(cacheDir.resolve("v1").resolve(JsonlReflectionCache.FILE_NAME), file.toByteArray());
      keys.add("torn");
      keys.add("absent");

      Opened sequential = open(cacheDir, Long.MAX_VALUE, keys);
      assertTrue(sequential.size() > 0);
      // The halves meet after the first newline past the middle; a threshold of one byte splits
      // every file, and files of different sizes put the meeting point on every kind of line.
      assertEquals(sequential, open(cacheDir, 1, keys), "round " + round);
    }
  }
}
