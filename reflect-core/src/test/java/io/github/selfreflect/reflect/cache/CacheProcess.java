package io.github.selfreflect.reflect.cache;

import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM for {@link CacheAcrossProcessesTest}: a file lock only means something between
 * processes, so the tests start this class with {@code java -cp <test classpath>}.
 *
 * <ul>
 *   <li>{@code put DIR PREFIX SHARED OWN}: puts SHARED entries {@code shared-i} (which the other
 *       process puts too) and OWN entries {@code PREFIX-i}, interleaved.
 *   <li>{@code lookup DIR READY GO N}: opens the cache, creates READY, waits for GO, then looks up
 *       {@code late-0 .. late-(N-1)} (put by the test after this process opened the cache) and
 *       prints how many it found.
 * </ul>
 */
public final class CacheProcess {

  private CacheProcess() {}

  static CacheEntry entry(String key) {
    return new CacheEntry(
        key,
        "seed",
        "gpt-4o",
        "chats/a.jsonl",
        "conv-" + key,
        1,
        new Reflection("critique of " + key, "answer for " + key, Verdict.REVISE),
        "{\"K\":\"q\",\"C\":\"critique of " + key + "\",\"L\":\"a\"}",
        new Usage(10, 0, 5));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    List<String> warnings = new ArrayList<>();
    switch (args[0]) {
      case "put" -> {
        String prefix = args[2];
        int shared = Integer.parseInt(args[3]);
        int own = Integer.parseInt(args[4]);
        try (JsonlReflectionCache cache = JsonlReflectionCache.open(dir, warnings::add)) {
          for (int i = 0; i < Math.max(shared, own); i++) {
            if (i < shared) {
              cache.put(entry("shared-" + i));
            }
            if (i < own) {
              cache.put(entry(prefix + "-" + i));
            }
          }
        }
      }
      case "lookup" -> {
        Path ready = Path.of(args[2]);
        Path go = Path.of(args[3]);
        int n = Integer.parseInt(args[4]);
        try (JsonlReflectionCache cache = JsonlReflectionCache.open(dir, warnings::add)) {
          // Written aside and renamed: the test reads it the moment it exists.
          Path partial = ready.resolveSibling(ready.getFileName() + ".partial");
          Files.writeString(partial, "opened with " + cache.size() + " entries");
          Files.move(partial, ready, StandardCopyOption.ATOMIC_MOVE);
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
              throw new IOException("no go signal");
            }
            Thread.sleep(10);
          }
          int found = 0;
          for (int i = 0; i < n; i++) {
            if (cache.get("late-" + i).isPresent()) {
              found++;
            }
          }
          System.out.println("found " + found);
        }
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
    for (String warning : warnings) {
      System.out.println("warning " + warning);
    }
  }
}
