package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.pipeline.ReflectListener;
import io.github.selfreflect.reflect.pipeline.ReflectPipeline;
import io.github.selfreflect.reflect.pipeline.ReflectRequest;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.maven.plugin.logging.SystemStreamLog;

/**
 * A run as {@code reflect:generate} makes it, with its Ctrl-C hook, in a JVM of its own: {@link
 * CtrlCTest} sends it a real SIGINT. Arguments: base URL, root folder (chats/, cache/, out/).
 */
public final class CtrlCRun {

  static final int CONCURRENCY = 4;

  private CtrlCRun() {}

  /** Writes {@code targets} one-target conversations with unique user messages. */
  static void writeCorpus(Path root, int targets) throws Exception {
    Files.createDirectories(root.resolve("chats"));
    try (BufferedWriter out =
        Files.newBufferedWriter(root.resolve("chats/chats.jsonl"), StandardCharsets.UTF_8)) {
      for (int i = 0; i < targets; i++) {
        out.write("{\"id\":\"c" + i + "\",\"conversations\":["
            + "{\"from\":\"human\",\"value\":\"Question " + i + ": how do I boil an egg?\"},"
            + "{\"from\":\"gpt\",\"value\":\"Boil it for a while.\"},"
            + "{\"from\":\"human\",\"value\":\"It came out runny.\"}]}\n");
      }
    }
  }

  static ReflectPipeline pipeline(String baseUrl, Path root, ReflectListener listener) {
    ReflectRequest request =
        ReflectRequest.builder(
                root.resolve("chats"), root.resolve("out"), root.resolve("cache"),
                PromptTemplates.byId("seed"), "fake-model")
            .concurrency(CONCURRENCY)
            .generatorVersion("test")
            .build();
    return new ReflectPipeline(
        request,
        gate -> OpenAiChatClient.builder().baseUrl(baseUrl).requestGate(gate)
            .maxConcurrentRequests(CONCURRENCY).build(),
        listener);
  }

  public static void main(String[] args) throws Exception {
    SystemStreamLog log = new SystemStreamLog();
    ReflectPipeline pipeline =
        pipeline(args[0], Path.of(args[1]),
            new MavenReflectListener(log, System::nanoTime, Duration.ofSeconds(1)));
    ShutdownCancel.register(pipeline::cancel, pipeline::awaitFinished, Duration.ofSeconds(10), log);
    try {
      pipeline.run();
      System.out.println("finished");
    } catch (Exception e) {
      System.out.println("run ended: " + e.getMessage());
    }
  }
}
