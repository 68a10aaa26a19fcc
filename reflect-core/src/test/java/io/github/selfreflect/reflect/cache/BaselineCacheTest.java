package io.github.selfreflect.reflect.cache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineCacheTest {

  @TempDir Path dir;
  private final List<String> warnings = new ArrayList<>();

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

  /** A release's cache archive as reflect:package writes it, from a snapshot of entries. */
  private Path releasedArchive(CacheEntry... entries) throws IOException {
    Path snapshotDir = dir.resolve("snapshot");
    try (CacheSnapshot snapshot = CacheSnapshot.create(snapshotDir)) {
      for (CacheEntry entry : entries) {
        snapshot.add(entry);
      }
      snapshot.finish();
    }
    return zip(BaselineCache.RECORDS_ENTRY, Files.readAllBytes(snapshotDir.resolve(BaselineCache.RECORDS_ENTRY)));
  }

  /** A zip with the given entries (name, content, name, content, ...), crafted or not. */
  private Path zip(Object... namesAndContents) throws IOException {
    Path zip = Files.createTempFile(dir, "baseline", ".zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        out.putNextEntry(new ZipEntry((String) namesAndContents[i]));
        Object content = namesAndContents[i + 1];
        out.write(content instanceof byte[] bytes ? bytes : ((String) content).getBytes(UTF_8));
        out.closeEntry();
      }
    }
    return zip;
  }

  private Path cacheDir() {
    return dir.resolve("reflect-cache");
  }

  @Test
  void seedsAFreshCacheWithEveryReleasedReflection() throws IOException {
    Path archive = releasedArchive(entry("k1", "c1"), entry("k2", "c2"));
    BaselineCache.Result result = BaselineCache.seed(archive, cacheDir(), 1 << 20, warnings::add);
    assertEquals(new BaselineCache.Result(2, 2, 0), result);
    try (JsonlReflectionCache cache = JsonlReflectionCache.open(cacheDir(), warnings::add)) {
      assertEquals(Optional.of(entry("k1", "c1")), cache.get("k1"));
      assertEquals(Optional.of(entry("k2", "c2")), cache.get("k2"));
    }
    assertEquals(List.of(), warnings);
  }

  @Test
  void recordsAlreadyInTheLocalCacheWin() throws IOException {
    try (JsonlReflectionCache cache = JsonlReflectionCache.open(cacheDir(), warnings::add)) {
      cache.put(entry("k1", "local"));
    }
    Path archive = releasedArchive(entry("k1", "released"), entry("k2", "c2"));
    assertEquals(new BaselineCache.Result(2, 1, 0), BaselineCache.seed(archive, cacheDir(), 1 << 20, warnings::add));
    try (JsonlReflectionCache cache = JsonlReflectionCache.open(cacheDir(), warnings::add)) {
      assertEquals("local", cache.get("k1").orElseThrow().reflection().critique());
      assertEquals(2, cache.size());
    }
  }

  @Test
  void damagedLinesAreReportedWithTheArchiveNameAndSkipped() throws IOException {
    Path snapshotDir = dir.resolve("snapshot");
    try (CacheSnapshot snapshot = CacheSnapshot.create(snapshotDir)) {
      snapshot.add(entry("k1", "c1"));
      snapshot.finish();
    }
    String good = Files.readString(snapshotDir.resolve(BaselineCache.RECORDS_ENTRY), UTF_8);
    Path archive = zip(BaselineCache.RECORDS_ENTRY, good + good.replace("c1", "cX"));
    BaselineCache.Result result = BaselineCache.seed(archive, cacheDir(), 1 << 20, warnings::add);
    assertEquals(new BaselineCache.Result(1, 1, 1), result);
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).startsWith(archive + "!/v1/reflections.jsonl:2: "), warnings.get(0));
  }

  @Test
  void anEntryEscapingTheCacheDirectoryIsRefusedAndNothingIsWritten() throws IOException {
    for (String name : List.of("../evil.jsonl", "v1/../../evil", "/etc/evil", "C:/evil", "v1\\..\\evil")) {
      Path archive = zip(BaselineCache.RECORDS_ENTRY, "", name, "x");
      InvalidBaselineException e =
          assertThrows(
              InvalidBaselineException.class,
              () -> BaselineCache.seed(archive, cacheDir(), 1 << 20, warnings::add),
              name);
      assertEquals(
          "Refusing the baseline cache archive "
              + archive
              + ": entry '"
              + name
              + "' would be written outside the cache directory (zip slip)",
          e.getMessage());
    }
    assertFalse(Files.exists(cacheDir()));
    assertFalse(Files.exists(dir.getParent().resolve("evil.jsonl")));
  }

  @Test
  void anOversizedEntryIsRefusedByItsInflatedSize() throws IOException {
    Path archive = releasedArchive(entry("k1", "c1"), entry("k2", "c2"));
    InvalidBaselineException e =
        assertThrows(
            InvalidBaselineException.class,
            () -> BaselineCache.seed(archive, cacheDir(), 100, warnings::add));
    assertTrue(
        e.getMessage().endsWith("entry 'v1/reflections.jsonl' inflates to more than 100 bytes"
            + " (raise reflect.baselineMaxBytes if the baseline is really that large)"),
        e.getMessage());
    assertFalse(Files.exists(cacheDir()));
  }

  @Test
  void aLyingDeclaredSizeDoesNotLetABombThrough() throws IOException {
    // Written by a stream, the local header declares no size; only counting the inflated bytes
    // catches a highly compressible entry.
    Path archive = Files.createTempFile(dir, "bomb", ".zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(archive))) {
      out.putNextEntry(new ZipEntry(BaselineCache.RECORDS_ENTRY));
      byte[] zeros = new byte[1 << 16];
      for (int i = 0; i < 64; i++) {
        out.write(zeros);
      }
      out.closeEntry();
    }
    assertTrue(Files.size(archive) < 20_000);
    assertThrows(
        InvalidBaselineException.class,
        () -> BaselineCache.seed(archive, cacheDir(), 1 << 20, warnings::add));
  }

  @Test
  void anUnknownCacheFormatIsRefusedNamingTheFormat() throws IOException {
    Path archive = zip("v2/reflections.jsonl", "{}\n");
    UnsupportedCacheFormatException e =
        assertThrows(
            UnsupportedCacheFormatException.class,
            () -> BaselineCache.seed(archive, cacheDir(), 1 << 20, warnings::add));
    assertTrue(
        e.getMessage().startsWith("The baseline cache archive " + archive + " holds cache format v2"),
        e.getMessage());
  }

  @Test
  void anythingElseInTheArchiveIsRefused() throws IOException {
    Path archive = zip(BaselineCache.RECORDS_ENTRY, "", "run.sh", "rm -rf /");
    InvalidBaselineException e =
        assertThrows(
            InvalidBaselineException.class,
            () -> BaselineCache.seed(archive, cacheDir(), 1 << 20, warnings::add));
    assertTrue(e.getMessage().endsWith("entry 'run.sh' is not part of a Reflect cache (expected only v1/reflections.jsonl)"), e.getMessage());
  }

  @Test
  void notAZipIsAnError() throws IOException {
    Path archive = dir.resolve("not.zip");
    try (OutputStream out = Files.newOutputStream(archive)) {
      out.write("hello".getBytes(UTF_8));
    }
    assertThrows(IOException.class, () -> BaselineCache.seed(archive, cacheDir(), 1 << 20, warnings::add));
  }

  @Test
  void theSnapshotHoldsEachKeyOnceInTheOrderGiven() throws IOException {
    Path snapshotDir = dir.resolve("snapshot");
    try (CacheSnapshot snapshot = CacheSnapshot.create(snapshotDir)) {
      snapshot.add(entry("k2", "c2"));
      snapshot.add(entry("k1", "c1"));
      snapshot.add(entry("k2", "c2"));
      assertEquals(2, snapshot.entries());
      snapshot.finish();
    }
    List<String> lines = Files.readAllLines(snapshotDir.resolve(BaselineCache.RECORDS_ENTRY), UTF_8);
    assertEquals(2, lines.size());
    assertTrue(lines.get(0).startsWith("{\"key\":\"k2\""), lines.get(0));
    assertTrue(lines.get(1).startsWith("{\"key\":\"k1\""), lines.get(1));
  }
}
