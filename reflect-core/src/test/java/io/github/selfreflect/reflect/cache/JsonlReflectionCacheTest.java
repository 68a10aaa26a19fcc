package io.github.selfreflect.reflect.cache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlReflectionCacheTest {

  @TempDir Path dir;

  private final List<String> warnings = new CopyOnWriteArrayList<>();

  private Path file() {
    return dir.resolve("v1").resolve("reflections.jsonl");
  }

  private JsonlReflectionCache open() throws IOException {
    return JsonlReflectionCache.open(dir, warnings::add);
  }

  private static CacheEntry entry(String key, String critique) {
    return new CacheEntry(
        key,
        "seed",
        "gpt-4o",
        "chats/a.jsonl",
        "conv-1",
        3,
        new Reflection(critique, "new answer to " + key, Verdict.REVISE),
        "{\"K\":\"q\",\"C\":\"" + critique + "\",\"L\":\"a\"}",
        new Usage(120, 100, 30));
  }

  private List<String> lines() throws IOException {
    return Files.readAllLines(file(), UTF_8);
  }

  @Test
  void putThenGetRoundTripsUnicodeNewlinesAndQuotes() throws IOException {
    String text =
        "Grüße, 漢字, 🎲 \"quoted\" back\\slash\nnew line\ttab \u2028 </script> \u0000 lone \uD800";
    CacheEntry entry =
        new CacheEntry(
            "k1",
            "seed",
            "model/ü",
            null,
            null,
            0,
            new Reflection(text, text + "!", Verdict.KEEP),
            text,
            Usage.NONE);
    try (JsonlReflectionCache cache = open()) {
      cache.put(entry);
      assertEquals(Optional.of(entry), cache.get("k1"));
      assertEquals(1, cache.size());
    }
    try (JsonlReflectionCache cache = open()) {
      assertEquals(Optional.of(entry), cache.get("k1"));
      assertEquals(Optional.empty(), cache.get("k2"));
    }
    assertEquals(1, lines().size(), "one record, one line");
    String written = Files.readString(file(), UTF_8);
    assertTrue(written.endsWith("}\n"));
    assertTrue(written.contains("Grüße, 漢字, 🎲 \\\"quoted\\\""), "UTF-8, not escapes: " + written);
    assertEquals(List.of(), warnings);
  }

  @Test
  void lineHasFixedFieldOrderAndASumOfItsOwnBytes() throws IOException {
    try (JsonlReflectionCache cache = open()) {
      cache.put(entry("k1", "too vague"));
    }
    String body =
        "{\"key\":\"k1\",\"template\":\"seed\",\"model\":\"gpt-4o\",\"source\":\"chats/a.jsonl\","
            + "\"conversation\":\"conv-1\",\"turn\":3,\"verdict\":\"revise\",\"critique\":\"too vague\","
            + "\"answer\":\"new answer to k1\",\"reply\":\"{\\\"K\\\":\\\"q\\\",\\\"C\\\":\\\"too vague\\\","
            + "\\\"L\\\":\\\"a\\\"}\",\"usage\":{\"prompt\":120,\"cached\":100,\"completion\":30}}";
    assertEquals(List.of(signed(body)), lines());
  }

  @Test
  void reopenedCacheFindsEveryEntry() throws IOException {
    try (JsonlReflectionCache cache = open()) {
      for (int i = 0; i < 20; i++) {
        cache.put(entry("k" + i, "c" + i));
      }
    }
    try (JsonlReflectionCache cache = open()) {
      assertEquals(20, cache.size());
      for (int i = 0; i < 20; i++) {
        assertEquals(Optional.of(entry("k" + i, "c" + i)), cache.get("k" + i));
      }
    }
  }

  @Test
  void puttingAKeyThatIsPresentChangesNothing() throws IOException {
    try (JsonlReflectionCache cache = open()) {
      cache.put(entry("k1", "first"));
      cache.put(entry("k1", "second"));
      assertEquals("first", cache.get("k1").orElseThrow().reflection().critique());
    }
    try (JsonlReflectionCache cache = open()) {
      cache.put(entry("k1", "third"));
    }
    assertEquals(1, lines().size());
  }

  @Test
  void openingCreatesNothingUntilTheFirstPutWhichAddsGitAttributes() throws IOException {
    Path cacheDir = dir.resolve("cache");
    try (JsonlReflectionCache cache = JsonlReflectionCache.open(cacheDir, warnings::add)) {
      assertEquals(Optional.empty(), cache.get("k1"));
      assertFalse(Files.exists(cacheDir));
      cache.put(entry("k1", "c"));
    }
    assertTrue(Files.isRegularFile(cacheDir.resolve("v1/reflections.jsonl")));
    assertEquals(
        "reflections.jsonl text eol=lf merge=union\n",
        Files.readString(cacheDir.resolve("v1/.gitattributes")),
        "checked out with LF everywhere; concurrent appends on two branches merge");
  }

  @Test
  void fiftyThousandEntriesIndexQuicklyAndReadBack() throws IOException {
    int n = 50_000;
    Files.createDirectories(file().getParent());
    try (OutputStream out = Files.newOutputStream(file())) {
      for (int i = 0; i < n; i++) {
        out.write(CacheRecordCodec.encode(entry(CacheKeys.sha256Hex("k" + i), "c" + i)));
        out.write('\n');
      }
    }
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          try (JsonlReflectionCache cache = open()) {
            assertEquals(n, cache.size());
            for (int i = 0; i < n; i += 997) {
              assertEquals(
                  "c" + i,
                  cache.get(CacheKeys.sha256Hex("k" + i)).orElseThrow().reflection().critique());
            }
            assertEquals(Optional.empty(), cache.get(CacheKeys.sha256Hex("absent")));
          }
        });
    assertEquals(List.of(), warnings);
  }

  @Test
  void tornLastLineIsReportedAndTheNextPutStartsOnItsOwnLine() throws IOException {
    try (JsonlReflectionCache cache = open()) {
      cache.put(entry("k1", "c1"));
      cache.put(entry("k2", "c2"));
      cache.put(entry("k3", "c3"));
    }
    long size = Files.size(file());
    try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
      raf.setLength(size - 40); // a write cut off in the middle of the third record
    }

    try (JsonlReflectionCache cache = open()) {
      assertEquals(1, warnings.size(), warnings::toString);
      assertTrue(warnings.get(0).startsWith(file() + ":3: incomplete last line"), warnings::toString);
      assertEquals(1, cache.droppedLines());
      assertEquals(2, cache.size());
      assertEquals(Optional.of(entry("k1", "c1")), cache.get("k1"));
      assertEquals(Optional.of(entry("k2", "c2")), cache.get("k2"));
      assertEquals(Optional.empty(), cache.get("k3"));
      cache.put(entry("k4", "c4"));
      assertEquals(Optional.of(entry("k4", "c4")), cache.get("k4"));
    }

    warnings.clear();
    try (JsonlReflectionCache cache = open()) {
      assertEquals(Optional.of(entry("k4", "c4")), cache.get("k4"));
      assertEquals(3, cache.size());
      assertEquals(1, warnings.size(), warnings::toString);
      assertTrue(warnings.get(0).startsWith(file() + ":3: "), warnings::toString);
      cache.put(entry("k3", "c3")); // paid again, lands on line 5
    }
    List<String> lines = lines();
    assertEquals(5, lines.size());
    assertTrue(lines.get(3).startsWith("{\"key\":\"k4\""));
    assertTrue(lines.get(4).startsWith("{\"key\":\"k3\""));
  }

  @Test
  void aFlippedByteDropsOnlyThatRecordAndNamesItsLine() throws IOException {
    try (JsonlReflectionCache cache = open()) {
      cache.put(entry("k1", "c1"));
      cache.put(entry("k2", "a critique of some length"));
      cache.put(entry("k3", "c3"));
    }
    byte[] bytes = Files.readAllBytes(file());
    int at = new String(bytes, UTF_8).indexOf("some length");
    bytes[at] = 'S';
    Files.write(file(), bytes);

    try (JsonlReflectionCache cache = open()) {
      assertEquals(
          List.of(file() + ":2: checksum mismatch: the record was damaged or edited by hand; line skipped"),
          warnings);
      assertEquals(Optional.of(entry("k1", "c1")), cache.get("k1"));
      assertEquals(Optional.empty(), cache.get("k2"));
      assertEquals(Optional.of(entry("k3", "c3")), cache.get("k3"));
    }
  }

  @Test
  void linesThatAreNotRecordsAreReportedOnceEachAndSkipped() throws IOException {
    Files.createDirectories(file().getParent());
    String good = new String(CacheRecordCodec.encode(entry("k1", "c1")), UTF_8);
    String noReply =
        signed(
            "{\"key\":\"k2\",\"template\":\"seed\",\"model\":\"m\",\"source\":null,\"conversation\":null,"
                + "\"turn\":1,\"verdict\":\"keep\",\"critique\":\"c\",\"answer\":\"\","
                + "\"usage\":{\"prompt\":1,\"cached\":0,\"completion\":1}}");
    String badVerdict =
        signed(
            "{\"key\":\"k3\",\"template\":\"seed\",\"model\":\"m\",\"source\":null,\"conversation\":null,"
                + "\"turn\":1,\"verdict\":\"maybe\",\"critique\":\"c\",\"answer\":\"\",\"reply\":\"r\","
                + "\"usage\":{\"prompt\":1,\"cached\":0,\"completion\":1}}");
    String notJson = signed("{not json}");
    Files.writeString(
        file(),
        String.join("\n", "<<<<<<< HEAD", good, "", noReply, badVerdict, notJson) + "\n",
        UTF_8);

    long noReplyAt = (String.join("\n", "<<<<<<< HEAD", good, "", "") ).getBytes(UTF_8).length;
    try (JsonlReflectionCache cache = open()) {
      assertEquals(Optional.of(entry("k1", "c1")), cache.get("k1"));
      assertEquals(2, cache.droppedLines());
      assertEquals(2, warnings.size(), warnings::toString);
      assertTrue(warnings.get(0).startsWith(file() + ":1: not a cache record"), warnings::toString);
      assertTrue(warnings.get(1).startsWith(file() + ":6: not valid JSON"), warnings::toString);

      // Hand-made lines with a correct sum are indexed by their key and checked when read.
      assertEquals(Optional.empty(), cache.get("k2"));
      assertEquals(Optional.empty(), cache.get("k2"));
      assertEquals(Optional.empty(), cache.get("k3"));
    }
    assertEquals(4, warnings.size(), warnings::toString);
    assertEquals(
        file() + ": the record at byte " + noReplyAt + ": missing field \"reply\"; treated as missing",
        warnings.get(2));
    assertTrue(warnings.get(3).contains(": field \"verdict\""), warnings::toString);
  }

  @Test
  void aDuplicateKeyKeepsTheFirstRecord() throws IOException {
    Files.createDirectories(file().getParent());
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      for (CacheEntry e : List.of(entry("k1", "first"), entry("k2", "x"), entry("k1", "second"))) {
        out.write(CacheRecordCodec.encode(e));
        out.write('\n');
      }
      Files.write(file(), out.toByteArray());
    }
    try (JsonlReflectionCache cache = open()) {
      assertEquals(2, cache.size());
      assertEquals("first", cache.get("k1").orElseThrow().reflection().critique());
      assertEquals(1, cache.duplicateLines());
      assertEquals(0, cache.droppedLines());
    }
    assertEquals(List.of(), warnings, "a union merge makes duplicates: normal, not damage");
  }

  @Test
  void aCheckoutWithCrlfLineEndsStillReads() throws IOException {
    Files.createDirectories(file().getParent());
    String line = new String(CacheRecordCodec.encode(entry("k1", "c1")), UTF_8);
    Files.writeString(file(), line + "\r\n", UTF_8);
    try (JsonlReflectionCache cache = open()) {
      assertEquals(Optional.of(entry("k1", "c1")), cache.get("k1"));
    }
    assertEquals(List.of(), warnings);
  }

  @Test
  void aFolderOfANewerFormatIsRefusedClearly() throws IOException {
    Files.createDirectories(dir.resolve("v2"));
    UnsupportedCacheFormatException e =
        assertThrows(UnsupportedCacheFormatException.class, this::open);
    assertTrue(e.getMessage().contains("format v2"), e.getMessage());
    assertTrue(e.getMessage().contains("newer version of Reflect"), e.getMessage());

    // Beside our own format too: a newer Reflect has been here, and its records are in v2.
    Files.createDirectories(dir.resolve("v1"));
    assertThrows(UnsupportedCacheFormatException.class, this::open);
  }

  @Test
  void v1IsTheOldestFormatAndOtherFoldersAreIgnored() throws IOException {
    Files.createDirectories(dir.resolve("v0"));
    Files.createDirectories(dir.resolve("backup"));
    try (JsonlReflectionCache cache = open()) {
      cache.put(entry("k1", "c1"));
    }
    assertTrue(Files.exists(file()));
    try (JsonlReflectionCache cache = open()) {
      assertEquals(1, cache.size());
    }
  }

  @Test
  void concurrentPutsAllLandOnLinesOfTheirOwn() throws Exception {
    int threads = 4;
    int perThread = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (JsonlReflectionCache cache = open()) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    String key = "t" + thread + "-" + i;
                    cache.put(entry(key, "critique " + key));
                    assertEquals(key, cache.get(key).orElseThrow().key());
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      assertEquals(threads * perThread, cache.size());
    } finally {
      pool.shutdown();
    }
    List<String> lines = lines();
    assertEquals(threads * perThread, lines.size());
    for (String line : lines) {
      byte[] bytes = line.getBytes(UTF_8);
      CacheRecordCodec.decode(bytes, 0, bytes.length); // throws if any line is damaged
    }
    try (JsonlReflectionCache cache = open()) {
      assertEquals(threads * perThread, cache.size());
    }
    assertEquals(List.of(), warnings);
  }

  @Test
  void forEachEntryVisitsWhatGetWouldReturnInFileOrder() throws IOException {
    Files.createDirectories(file().getParent());
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      for (CacheEntry e : List.of(entry("k2", "a"), entry("k1", "b"), entry("k2", "dup"))) {
        out.write(CacheRecordCodec.encode(e));
        out.write('\n');
      }
      out.write("garbage\n".getBytes(UTF_8));
      Files.write(file(), out.toByteArray());
    }
    List<String> visited = new ArrayList<>();
    try (JsonlReflectionCache cache = open()) {
      cache.put(entry("k0", "c"));
      cache.forEachEntry(e -> visited.add(e.key() + "=" + e.reflection().critique()));
    }
    assertEquals(List.of("k2=a", "k1=b", "k0=c"), visited);
  }

  @Test
  void anInterruptedThreadDoesNotBreakTheCacheForOthers() throws IOException {
    try (JsonlReflectionCache cache = open()) {
      cache.put(entry("k1", "c1"));
      Thread.currentThread().interrupt(); // e.g. a task cancelled with Future.cancel(true)
      try {
        assertThrows(ClosedByInterruptException.class, () -> cache.get("k1"));
        // FileChannel.lock answers an interrupt with FileLockInterruptionException
        assertThrows(IOException.class, () -> cache.put(entry("k2", "c2")));
      } finally {
        Thread.interrupted();
      }
      assertEquals(Optional.of(entry("k1", "c1")), cache.get("k1"));
      cache.put(entry("k2", "c2"));
      assertEquals(Optional.of(entry("k2", "c2")), cache.get("k2"));
    }
    try (JsonlReflectionCache cache = open()) {
      assertEquals(2, cache.size());
    }
    assertEquals(List.of(), warnings);
    assertEquals(2, lines().size(), "no blank line where the interrupted put wrote nothing");
  }

  @Test
  void putAllStoresEachNewKeyOnceUnderOneLock() throws IOException {
    try (JsonlReflectionCache cache = open()) {
      cache.put(entry("k1", "c1"));
      cache.putAll(List.of(entry("k1", "again"), entry("k2", "c2"), entry("k3", "c3"), entry("k2", "dup")));
      assertEquals(3, cache.size());
      assertEquals("c2", cache.get("k2").orElseThrow().reflection().critique());
    }
    assertEquals(3, lines().size());
    try (JsonlReflectionCache cache = open()) {
      assertEquals("c1", cache.get("k1").orElseThrow().reflection().critique());
    }
    assertEquals(List.of(), warnings);
  }

  @Test
  void aClosedCacheRefusesUse() throws IOException {
    JsonlReflectionCache cache = open();
    cache.close();
    cache.close(); // twice is fine
    assertThrows(IllegalStateException.class, () -> cache.get("k"));
    assertThrows(IllegalStateException.class, () -> cache.put(entry("k", "c")));
  }

  /** The documented line format, computed independently of the codec. */
  private static String signed(String compactJson) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(compactJson.getBytes(UTF_8));
      String sum = HexFormat.of().formatHex(digest).substring(0, 16);
      return compactJson.substring(0, compactJson.length() - 1) + ",\"sum\":\"" + sum + "\"}";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
