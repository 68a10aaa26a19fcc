package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.llm.RetryPolicy;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A corpus of one-target conversations with unique user messages (so each target has its own K
 * and its own request), a cache and an output folder under one directory, and a pipeline over
 * them that talks to a {@link FakeLlmServer} with quick retries.
 */
final class PipelineFixture {

  /** Quick enough for tests, patient enough for a loopback server. */
  static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(20), Duration.ofMillis(200), 2.0);

  final Path root;
  final List<String> warnings = new CopyOnWriteArrayList<>();
  final List<RunProgress> progress = new CopyOnWriteArrayList<>();

  PipelineFixture(Path root, int targets) throws IOException {
    this.root = root;
    Files.createDirectories(chats());
    try (BufferedWriter out =
        Files.newBufferedWriter(chats().resolve("chats.jsonl"), StandardCharsets.UTF_8)) {
      for (String k : ks(targets)) {
        out.write(
            "{\"id\":\"" + k.replace(' ', '-') + "\",\"conversations\":["
                + "{\"from\":\"human\",\"value\":\"" + k + "\"},"
                + "{\"from\":\"gpt\",\"value\":\"Boil it for a while.\"},"
                + "{\"from\":\"human\",\"value\":\"It came out runny. How long exactly?\"}]}\n");
      }
    }
  }

  /** The K of each target, in corpus order. */
  static List<String> ks(int targets) {
    List<String> ks = new ArrayList<>();
    for (int i = 0; i < targets; i++) {
      ks.add(String.format("egg question %03d", i));
    }
    return ks;
  }

  Path chats() {
    return root.resolve("chats");
  }

  Path cache() {
    return root.resolve("cache");
  }

  Path output() {
    return root.resolve("out");
  }

  ReflectRequest request(int concurrency, RunLimits limits) {
    return ReflectRequest.builder(chats(), output(), cache(), PromptTemplates.byId("seed"), "fake-model")
        .concurrency(concurrency)
        .generatorVersion("test")
        .limits(limits)
        .build();
  }

  ReflectPipeline pipeline(FakeLlmServer server, int concurrency, RunLimits limits) {
    return pipeline(server, concurrency, limits, Duration.ofSeconds(10));
  }

  ReflectPipeline pipeline(
      FakeLlmServer server, int concurrency, RunLimits limits, Duration readTimeout) {
    return new ReflectPipeline(
        request(concurrency, limits),
        gate ->
            OpenAiChatClient.builder()
                .baseUrl(server.baseUrl())
                .requestGate(gate)
                .maxConcurrentRequests(concurrency)
                .readTimeout(readTimeout)
                .retryPolicy(QUICK)
                .jitterSeed(7)
                .build(),
        new ReflectListener() {
          @Override
          public void info(String message) {}

          @Override
          public void warn(String message) {
            warnings.add(message);
          }

          @Override
          public void progress(RunProgress p) {
            progress.add(p);
          }
        });
  }

  /** The cache's records (one line each), torn or not. */
  long cachedLines() {
    Path file = cache().resolve("v1").resolve("reflections.jsonl");
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).size() : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] output(String name) throws IOException {
    return Files.readAllBytes(output().resolve(name));
  }
}
