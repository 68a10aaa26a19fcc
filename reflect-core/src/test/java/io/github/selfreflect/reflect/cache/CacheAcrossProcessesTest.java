package io.github.selfreflect.reflect.cache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real JVMs on one cache directory: what two CI jobs, {@code mvn -T} or a developer and an IDE
 * do. The second process is {@link CacheProcess}, started on this test's class path.
 */
class CacheAcrossProcessesTest {

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("v1").resolve(JsonlReflectionCache.FILE_NAME);
  }

  @Test
  void twoProcessesPuttingAtOnceLeaveEveryLineWholeAndEveryKeyOnce() throws Exception {
    int shared = 150;
    int own = 150;
    Process a = start("put", dir.toString(), "a", "" + shared, "" + own);
    Process b = start("put", dir.toString(), "b", "" + shared, "" + own);
    assertEquals("", finish(a));
    assertEquals("", finish(b));

    List<String> lines = Files.readAllLines(file(), UTF_8);
    Set<String> keys = new HashSet<>();
    for (String line : lines) {
      byte[] bytes = line.getBytes(UTF_8);
      String key = CacheRecordCodec.decode(bytes, 0, bytes.length).key(); // throws if damaged
      assertTrue(keys.add(key), () -> "stored twice: " + key);
    }
    // Each shared key is written by whichever process locks first; the other finds it and
    // writes nothing.
    assertEquals(shared + 2 * own, lines.size());
    List<String> warnings = new ArrayList<>();
    try (JsonlReflectionCache cache = JsonlReflectionCache.open(dir, warnings::add)) {
      assertEquals(shared + 2 * own, cache.size());
      assertEquals(0, cache.duplicateLines());
    }
    assertEquals(List.of(), warnings);
  }

  @Test
  void aProcessThatOpenedTheCacheEarlierFindsWhatAnotherPutSince() throws Exception {
    int late = 40;
    Path ready = dir.resolve("ready");
    Path go = dir.resolve("go");
    Path cacheDir = dir.resolve("cache");
    try (JsonlReflectionCache cache = JsonlReflectionCache.open(cacheDir, w -> {})) {
      cache.put(CacheProcess.entry("early"));
    }
    Process lookup = start("lookup", cacheDir.toString(), ready.toString(), go.toString(), "" + late);
    awaitFile(ready, lookup);
    assertEquals("opened with 1 entries", Files.readString(ready));
    try (JsonlReflectionCache cache = JsonlReflectionCache.open(cacheDir, w -> {})) {
      for (int i = 0; i < late; i++) {
        cache.put(CacheProcess.entry("late-" + i));
      }
    }
    Files.writeString(go, "go");
    assertEquals("found " + late, finish(lookup).strip());
  }

  @Test
  void aTornLineLeftByAKilledProcessIsNotGluedToTheNextRecord() throws Exception {
    Process first = start("put", dir.toString(), "a", "0", "3");
    assertEquals("", finish(first));
    // A process killed in the middle of its write leaves half a record and no newline.
    byte[] half = CacheRecordCodec.encode(CacheProcess.entry("torn"));
    Files.write(
        file(),
        java.util.Arrays.copyOf(half, half.length / 2),
        java.nio.file.StandardOpenOption.APPEND);

    Process second = start("put", dir.toString(), "b", "0", "2");
    String out = finish(second);
    assertTrue(out.startsWith("warning " + file() + ":4: incomplete last line"), out);

    List<String> lines = Files.readAllLines(file(), UTF_8);
    assertEquals(6, lines.size());
    List<String> warnings = new ArrayList<>();
    try (JsonlReflectionCache cache = JsonlReflectionCache.open(dir, warnings::add)) {
      assertEquals(5, cache.size());
      assertTrue(cache.get("b-1").isPresent());
    }
    assertEquals(1, warnings.size(), warnings::toString);
    assertTrue(warnings.get(0).startsWith(file() + ":4: "), warnings::toString);
  }

  private static Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CacheProcess.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Waits for the process and returns what it printed; fails if it failed. */
  private static String finish(Process process) throws Exception {
    String out = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running");
    assertEquals(0, process.exitValue(), out);
    return out;
  }

  private static void awaitFile(Path file, Process process) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(file)) {
      assertTrue(process.isAlive(), "the other process ended early");
      assertTrue(System.nanoTime() < deadline, "the other process never opened the cache");
      Thread.sleep(10);
    }
  }
}
