package io.github.selfreflect.reflect.benchmarks;

import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.cache.CacheKeys;
import io.github.selfreflect.reflect.cache.JsonlReflectionCache;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.ConversationSource;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.chat.Targets;
import io.github.selfreflect.reflect.chat.format.ChatFiles;
import io.github.selfreflect.reflect.chat.format.ChatReaders;
import io.github.selfreflect.reflect.dataset.DatasetArchive;
import io.github.selfreflect.reflect.dataset.DeterministicZip;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatRequestJson;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.pipeline.OfflineMode;
import io.github.selfreflect.reflect.pipeline.ReflectListener;
import io.github.selfreflect.reflect.pipeline.ReflectPipeline;
import io.github.selfreflect.reflect.pipeline.ReflectRequest;
import io.github.selfreflect.reflect.pipeline.RunSummary;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * A warm build (every target cached) over a generated corpus, timed against {@code sha256sum}
 * reading the same chat files once, as issue 3 asks: a million targets must build within 3x that
 * time in a 512 MB heap.
 *
 * <p>It generates, in a temporary folder: OpenAI-format chat files of {@code --conversations}
 * conversations, each of {@code --exchanges} user/assistant exchanges and a closing user message
 * (so each conversation has {@code --exchanges} targets), with messages of about {@code
 * --message-chars} characters of words; and the cache holding a reflection for every target (keys
 * computed exactly as a build computes them). Then it runs {@code sha256sum} over the chat files
 * (once to warm the page cache, once timed), two builds each in a child JVM with {@code -Xmx512m},
 * and {@code sha256sum} again, and prints targets, the sha256sum time, and per build its wall time,
 * its ratio to sha256sum and its peak heap:
 *
 * <ul>
 *   <li><b>clean</b>: into an empty output folder, as CI builds from a committed cache. It writes
 *       the whole dataset, several times the size of the chats (every target's file carries the
 *       conversation up to it), so it is bound by writing and hashing that, not by reading.
 *   <li><b>rebuild</b>: the same build again, nothing changed, with the up-to-date check that
 *       {@code reflect:generate} runs by default: it reads the chat files once (SHA-256) and
 *       compares them, the cache, the settings and the outputs with the clean build's record.
 * </ul>
 *
 * After the clean build it measures the {@link WriteFloor}: the hashing and writing no build of
 * these formats can skip, spread over the machine's cores, which says how far the clean build is
 * from what the machine allows. With {@code --package} it also times packing the dataset as
 * {@code reflect:package} does, at the default deflate level and at zip's usual 6. The folder is
 * deleted afterwards unless {@code --keep} is given.
 *
 * <pre>
 * ./mvnw -q -pl reflect-benchmarks exec:java \
 *   -Dexec.mainClass=io.github.selfreflect.reflect.benchmarks.WarmBuildBenchmark \
 *   -Dexec.args="--conversations 200000"
 * </pre>
 */
public final class WarmBuildBenchmark {

  private static final String MODEL = "bench-model";
  private static final int FILES = 20;
  private static final String[] WORDS =
      ("the a to of and in that is for it with as was on be at by this had not are but from or"
              + " have an they which one you were her all she there would their we him been has"
              + " when who will more no if out so said what up its about into than them can only"
              + " other new some could time these two may then do first any my now such like our"
              + " over man me even most made after also did many before must through back years"
              + " where much your way well down should because each just those people how too"
              + " little state good very make world still own see men work long get here between"
              + " both life being under never day same another know while last might us great old"
              + " year off come since against go came right used take three compile error method"
              + " class return value server request cache build maven answer question coin")
          .split(" ");

  private WarmBuildBenchmark() {}

  public static void main(String[] args) throws Exception {
    int conversations = 200_000;
    int exchanges = 5;
    int messageChars = 420;
    Path dir = null;
    boolean keep = false;
    boolean pack = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--conversations" -> conversations = Integer.parseInt(args[++i]);
        case "--exchanges" -> exchanges = Integer.parseInt(args[++i]);
        case "--message-chars" -> messageChars = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--keep" -> keep = true;
        case "--package" -> pack = true;
        default -> throw new IllegalArgumentException(
            "unknown argument " + args[i]
                + "; expected --conversations N --exchanges N --message-chars N --dir D --keep"
                + " --package");
      }
    }
    if (dir == null) {
      dir = Files.createTempDirectory("reflect-warm-build");
    }
    Path chats = dir.resolve("chats");
    Path cache = dir.resolve("cache");
    try {
      long t0 = System.nanoTime();
      long corpusBytes = generateCorpus(chats, conversations, exchanges, messageChars);
      System.out.printf(
          Locale.ROOT, "corpus: %d conversations, %.1f MB in %d files (%.1f s)%n",
          conversations, corpusBytes / 1e6, FILES, seconds(System.nanoTime() - t0));
      t0 = System.nanoTime();
      long[] generated = generateCache(chats, cache);
      long entries = generated[0];
      long requestBytes = generated[1];
      System.out.printf(
          Locale.ROOT, "cache: %d entries, %.1f MB (%.1f s); request bodies %.1f MB%n",
          entries, Files.size(cache.resolve("v1").resolve(JsonlReflectionCache.FILE_NAME)) / 1e6,
          seconds(System.nanoTime() - t0), requestBytes / 1e6);

      List<Path> files = ChatFiles.list(chats);
      sha256sum(files); // warms the page cache: both measurements read from memory
      double shaBefore = sha256sum(files);
      String[] clean = runWarmBuild(dir, "clean").split(" ");
      WriteFloor floor = WriteFloor.measure(dir.resolve("out"), dir.resolve("floor"), requestBytes);
      if (pack) {
        // What reflect:package then costs: the same archive at its default level and at zip's usual.
        for (int level : new int[] {DeterministicZip.DEFAULT_LEVEL, 6}) {
          Path zip = dir.resolve("dataset-" + level + ".zip");
          long packStart = System.nanoTime();
          DatasetArchive.write(dir.resolve("out"), zip, java.time.Instant.EPOCH, level);
          System.out.printf(
              Locale.ROOT, "package at level %d: %.2f s, %.1f MB archive%n",
              level, seconds(System.nanoTime() - packStart), Files.size(zip) / 1e6);
          Files.delete(zip);
        }
      }
      String[] again = runWarmBuild(dir, "again").split(" ");
      double shaAfter = sha256sum(files);
      double sha = (shaBefore + shaAfter) / 2;
      double cleanWall = Double.parseDouble(clean[1]);
      double againWall = Double.parseDouble(again[1]);
      System.out.println();
      System.out.printf(Locale.ROOT, "targets:        %s%n", clean[0]);
      System.out.printf(
          Locale.ROOT, "sha256sum time: %.2f s (mean of %.2f before and %.2f after)%n",
          sha, shaBefore, shaAfter);
      System.out.printf(
          Locale.ROOT,
          "clean build:    %.2f s = %.2f x sha256sum; empty output folder, writes %.1f MB of"
              + " dataset files; peak heap %.1f MB%n",
          cleanWall, cleanWall / sha, Long.parseLong(clean[3]) / 1e6,
          Long.parseLong(clean[2]) / 1e6);
      System.out.printf(
          Locale.ROOT,
          "rebuild:        %.2f s = %.2f x sha256sum (target: at most 3); nothing changed,"
              + " up to date: %s; peak heap %.1f MB%n",
          againWall, againWall / sha, again[4], Long.parseLong(again[2]) / 1e6);
      System.out.printf(
          Locale.ROOT,
          "floor:          %.2f s = %.2f x sha256sum; the least a clean build must do: SHA-256 of"
              + " the request bodies (%.1f MB, for the cache keys) and of the dataset files (%.1f"
              + " MB, for the manifest) at %.0f MB/s, and writing those files (%.2f s), spread"
              + " over %d cores; the clean build took %.1f x that%n",
          floor.seconds(), floor.seconds() / sha, requestBytes / 1e6, floor.datasetBytes() / 1e6,
          floor.hashBytesPerSecond() / 1e6, floor.writeSeconds(), floor.cores(),
          cleanWall / floor.seconds());
    } finally {
      if (keep) {
        System.out.println("kept " + dir);
      } else {
        deleteRecursively(dir);
      }
    }
  }

  /** Writes the chat files; returns their size. */
  private static long generateCorpus(Path chats, int conversations, int exchanges, int messageChars)
      throws IOException {
    Files.createDirectories(chats);
    Random random = new Random(42);
    long bytes = 0;
    int perFile = (conversations + FILES - 1) / FILES;
    for (int f = 0, c = 0; f < FILES && c < conversations; f++) {
      Path file = chats.resolve(String.format(Locale.ROOT, "part-%02d.jsonl", f));
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        for (int n = 0; n < perFile && c < conversations; n++, c++) {
          StringBuilder line = new StringBuilder(messageChars * (2 * exchanges + 2));
          line.append("{\"id\":\"c").append(c).append("\",\"messages\":[");
          for (int e = 0; e < exchanges; e++) {
            message(line.append(e == 0 ? "" : ","), "user", random, messageChars);
            message(line.append(','), "assistant", random, messageChars);
          }
          message(line.append(','), "user", random, messageChars);
          line.append("]}\n");
          out.append(line);
        }
      }
      bytes += Files.size(file);
    }
    return bytes;
  }

  private static void message(StringBuilder line, String role, Random random, int chars) {
    line.append("{\"role\":\"").append(role).append("\",\"content\":\"");
    int end = line.length() + chars;
    while (line.length() < end) {
      line.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
    }
    line.setLength(line.length() - 1);
    line.append("\"}");
  }

  /**
   * A cached reflection for every target, keyed exactly as a build keys it; returns the number
   * of entries and the bytes of their request bodies (what a build hashes into the keys).
   */
  private static long[] generateCache(Path chats, Path cacheDir) throws IOException {
    PromptTemplate template = PromptTemplates.byId("seed");
    long count = 0;
    long requestBytes = 0;
    List<CacheEntry> batch = new ArrayList<>();
    try (JsonlReflectionCache cache = JsonlReflectionCache.open(cacheDir, System.err::println)) {
      for (Path file : ChatFiles.list(chats)) {
        String name = ChatFiles.relativeName(chats, file);
        try (ConversationSource source = ChatReaders.open(file, name, InvalidRecordHandler.FAIL)) {
          while (source.hasNext()) {
            Conversation conversation = source.next();
            for (Target target : Targets.of(conversation)) {
              ChatRequest request =
                  new ChatRequest(
                      MODEL,
                      template.render(conversation, target.index()),
                      SamplingParameters.DEFAULTS);
              String reply = FakeLlmServer.seedReply(target.question().content());
              batch.add(
                  new CacheEntry(
                      CacheKeys.of(template, request),
                      template.id(),
                      MODEL,
                      name,
                      conversation.id(),
                      target.index(),
                      template.parse(reply, conversation, target.index()),
                      reply,
                      new Usage(1000, 0, 200)));
              count++;
              requestBytes += ChatRequestJson.toUtf8(request).length;
            }
            if (batch.size() >= 20_000) {
              cache.putAll(batch);
              batch.clear();
            }
          }
        }
      }
      cache.putAll(batch);
    } catch (io.github.selfreflect.reflect.prompt.InvalidReplyException e) {
      throw new IllegalStateException(e);
    }
    return new long[] {count, requestBytes};
  }

  /** Seconds sha256sum takes to read {@code files}. */
  private static double sha256sum(List<Path> files) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("sha256sum");
    files.forEach(f -> command.add(f.toString()));
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (process.waitFor() != 0) {
      throw new IOException("sha256sum failed: " + process.exitValue());
    }
    return seconds(System.nanoTime() - start);
  }

  /** Runs {@link WarmBuild} in a JVM of its own; returns its line of figures. */
  private static String runWarmBuild(Path dir, String mode)
      throws IOException, InterruptedException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-cp",
            classPath(),
            WarmBuild.class.getName(),
            dir.toString(),
            mode);
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException("the warm build failed:\n" + out);
    }
    String[] lines = out.strip().split("\n");
    for (int i = 0; i < lines.length - 1; i++) {
      System.out.println(lines[i]);
    }
    return lines[lines.length - 1];
  }

  /** The class path this program runs with (exec:java runs it in a class loader of its own). */
  private static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    for (ClassLoader loader = WarmBuildBenchmark.class.getClassLoader();
        loader != null;
        loader = loader.getParent()) {
      if (loader instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          try {
            entries.add(Path.of(url.toURI()).toString());
          } catch (Exception e) {
            entries.add(url.getPath());
          }
        }
      }
    }
    if (entries.isEmpty()) {
      return System.getProperty("java.class.path");
    }
    return String.join(File.pathSeparator, entries);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * The measured part, in a JVM of its own with {@code -Xmx512m}: a warm build, offline (a missing
   * target would fail it). Mode {@code clean} first empties the output folder (a CI build from a
   * committed cache); mode {@code again} builds once more with the up-to-date check on, as {@code
   * reflect:generate} does by default. Prints {@code targets seconds peakHeapBytes outputBytes
   * upToDate}.
   */
  public static final class WarmBuild {

    private WarmBuild() {}

    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      boolean clean = args[1].equals("clean");
      if (clean) {
        deleteRecursively(dir.resolve("out"));
      }
      ReflectRequest request =
          ReflectRequest.builder(
                  dir.resolve("chats"), dir.resolve("out"), dir.resolve("cache"),
                  PromptTemplates.byId("seed"), MODEL)
              .offline(OfflineMode.STRICT)
              .concurrency(1)
              .maxReplyAttempts(1)
              .generatorVersion("benchmark")
              .build();
      ReflectListener listener =
          new ReflectListener() {
            @Override
            public void info(String message) {
              System.out.println("  " + message);
            }

            @Override
            public void warn(String message) {
              System.out.println("  WARNING " + message);
            }
          };
      long start = System.nanoTime();
      RunSummary summary =
          new ReflectPipeline(
                  request,
                  gate -> {
                    throw new IllegalStateException("a warm build needs no model");
                  },
                  listener)
              .skipWhenUpToDate(!clean)
              .run();
      double seconds = seconds(System.nanoTime() - start);
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      long output = 0;
      try (var files = Files.list(dir.resolve("out"))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          output += Files.size(f);
        }
      }
      System.out.println(
          summary.targets() + " " + String.format(Locale.ROOT, "%.3f", seconds) + " " + peak + " "
              + output + " " + summary.upToDate());
    }
  }
}
