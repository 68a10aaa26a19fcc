package io.github.selfreflect.reflect.cache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.cache.JsonlReflectionCache.CompactionResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheCompactionTest {

  @TempDir Path dir;

  private final List<String> warnings = new ArrayList<>();

  private Path file() {
    return dir.resolve("v1").resolve(JsonlReflectionCache.FILE_NAME);
  }

  private JsonlReflectionCache open() throws IOException {
    return JsonlReflectionCache.open(dir, warnings::add);
  }

  private static String line(String key, String critique) {
    CacheEntry e = CacheProcess.entry(key);
    return new String(
        CacheRecordCodec.encode(
            new CacheEntry(
                e.key(),
                e.template(),
                e.model(),
                e.source(),
                e.conversationId(),
                e.turn(),
                new io.github.selfreflect.reflect.prompt.Reflection(
                    critique, e.reflection().answer(), e.reflection().verdict()),
                e.reply(),
                e.usage())),
        UTF_8);
  }

  /** A cache as history leaves it: out of order, a union-merge duplicate, damage, a torn end. */
  private void writeMessyCache() throws IOException {
    Files.createDirectories(file().getParent());
    String flipped = line("k4", "some critique").replace("some", "Some");
    Files.writeString(
        file(),
        String.join(
                "\n",
                line("k3", "third"),
                line("k1", "first"),
                "<<<<<<< HEAD",
                line("k3", "third, paid again on another branch"),
                flipped,
                "",
                line("k2", "second"))
            + "\n"
            + line("k5", "torn").substring(0, 50),
        UTF_8);
  }

  @Test
  void compactionWritesEachRecordOnceInKeyOrderAndCountsWhatItDropped() throws IOException {
    writeMessyCache();
    long before = Files.size(file());
    CompactionResult result;
    try (JsonlReflectionCache cache = open()) {
      result = cache.compact(key -> true);
      assertEquals(3, cache.size());
      assertEquals("first", cache.get("k1").orElseThrow().reflection().critique());
      assertEquals("third", cache.get("k3").orElseThrow().reflection().critique());
    }
    assertEquals(
        List.of(line("k1", "first"), line("k2", "second"), line("k3", "third")),
        Files.readAllLines(file(), UTF_8));
    assertTrue(new String(Files.readAllBytes(file()), UTF_8).endsWith("}\n"));
    assertEquals(new CompactionResult(3, 0, 1, 3, before, Files.size(file())), result);
    assertFalse(Files.exists(file().resolveSibling(".reflections.jsonl.partial")));

    warnings.clear();
    try (JsonlReflectionCache cache = open()) {
      assertEquals(3, cache.size());
    }
    assertEquals(List.of(), warnings, "the compacted file is clean");
  }

  @Test
  void compactionIsCanonicalWhateverOrderTheRecordsWerePaidFor() throws IOException {
    Path other = dir.resolve("other");
    try (JsonlReflectionCache a = open();
        JsonlReflectionCache b = JsonlReflectionCache.open(other, warnings::add)) {
      for (String key : List.of("c", "a", "b")) {
        a.put(CacheProcess.entry(key));
      }
      for (String key : List.of("b", "c", "a", "b")) {
        b.put(CacheProcess.entry(key));
      }
      a.compact(key -> true);
      b.compact(key -> true);
    }
    byte[] first = Files.readAllBytes(file());
    assertArrayEquals(first, Files.readAllBytes(other.resolve("v1").resolve("reflections.jsonl")));

    try (JsonlReflectionCache cache = open()) {
      CompactionResult again = cache.compact(key -> true);
      assertEquals(new CompactionResult(3, 0, 0, 0, first.length, first.length), again);
    }
    assertArrayEquals(first, Files.readAllBytes(file()), "compacting a compacted cache is a no-op");
  }

  @Test
  void pruningDropsRecordsThatNoTargetUses() throws IOException {
    try (JsonlReflectionCache cache = open()) {
      for (int i = 0; i < 10; i++) {
        cache.put(CacheProcess.entry("k" + i));
      }
      Set<String> used = Set.of("k2", "k7", "k9");
      CompactionResult result = cache.compact(used::contains);
      assertEquals(3, result.kept());
      assertEquals(7, result.pruned());
      assertEquals(3, cache.size());
      assertTrue(cache.get("k7").isPresent());
      assertFalse(cache.get("k1").isPresent());
    }
    assertEquals(
        List.of("k2", "k7", "k9"),
        Files.readAllLines(file(), UTF_8).stream()
            .map(l -> l.substring(8, 10))
            .collect(Collectors.toList()));
  }

  @Test
  void aCacheOpenedBeforeACompactionKeepsWorkingOnTheNewFile() throws IOException {
    try (JsonlReflectionCache early = open()) {
      early.put(CacheProcess.entry("k2"));
      early.put(CacheProcess.entry("k1"));
      early.put(CacheProcess.entry("k2")); // ignored: present
      try (JsonlReflectionCache compactor = open()) {
        compactor.put(CacheProcess.entry("k0"));
        compactor.compact(key -> !key.equals("k1"));
      }
      // early still has the old file open: its next put must land in the new one, and its
      // lookups must follow.
      early.put(CacheProcess.entry("k3"));
      assertTrue(early.get("k0").isPresent());
      assertTrue(early.get("k3").isPresent());
      assertFalse(early.get("k1").isPresent());
      assertEquals(3, early.size());
    }
    try (JsonlReflectionCache cache = open()) {
      assertEquals(3, cache.size());
      assertTrue(cache.get("k3").isPresent());
    }
    List<String> lines = Files.readAllLines(file(), UTF_8);
    assertEquals(3, lines.size());
    assertTrue(lines.get(2).startsWith("{\"key\":\"k3\""), lines::toString);
    assertEquals(List.of(), warnings);
  }

  @Test
  void compactingAMissingCacheCreatesNothing() throws IOException {
    try (JsonlReflectionCache cache = open()) {
      assertEquals(new CompactionResult(0, 0, 0, 0, 0, 0), cache.compact(key -> true));
    }
    assertFalse(Files.exists(dir.resolve("v1")));
  }

  @Test
  void aCrlfCheckoutIsCompactedToLf() throws IOException {
    Files.createDirectories(file().getParent());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((line("k2", "b") + "\r\n" + line("k1", "a") + "\r\n").getBytes(UTF_8));
    Files.write(file(), out.toByteArray());
    try (JsonlReflectionCache cache = open()) {
      cache.compact(key -> true);
    }
    assertEquals(line("k1", "a") + "\n" + line("k2", "b") + "\n", Files.readString(file(), UTF_8));
  }
}
