package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.RequestGate;
import java.util.function.Function;
import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.llm.RetryPolicy;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A data repository in a temporary folder, with conversations of several targets written as
 * given, and a pipeline run over it against a loopback {@link FakeLlmServer}: the setup of the
 * prompt-template pipeline tests ({@link PipelineFixture} builds one-target corpora).
 */
final class ChatRepo {

  final Path root;
  final Path chats;
  final List<String> warnings = new ArrayList<>();
  final List<RunProgress> progress = new ArrayList<>();

  ChatRepo(Path root) throws IOException {
    this.root = root;
    this.chats = Files.createDirectories(root.resolve("chats"));
  }

  /** Writes a chat file (one OpenAI-format record a line) under the chats folder. */
  ChatRepo chat(String name, String... records) throws IOException {
    Files.writeString(chats.resolve(name), String.join("\n", records) + "\n", StandardCharsets.UTF_8);
    return this;
  }

  /** An OpenAI chat record of alternating user and assistant messages, after an optional system prompt. */
  static String record(String system, String... texts) {
    StringBuilder json = new StringBuilder("{\"messages\":[");
    boolean first = true;
    if (system != null) {
      json.append("{\"role\":\"system\",\"content\":").append(quote(system)).append('}');
      first = false;
    }
    for (int i = 0; i < texts.length; i++) {
      json.append(first ? "" : ",")
          .append("{\"role\":\"")
          .append(i % 2 == 0 ? "user" : "assistant")
          .append("\",\"content\":")
          .append(quote(texts[i]))
          .append('}');
      first = false;
    }
    return json.append("]}").toString();
  }

  static String quote(String s) {
    return new com.fasterxml.jackson.databind.node.TextNode(s).toString();
  }

  ReflectRequest request(PromptTemplate template) {
    return ReflectRequest.builder(
            chats, root.resolve("out"), root.resolve("cache"), template, "fake-model")
        .concurrency(2)
        .generatorVersion("test")
        .build();
  }

  /** One request in flight at a time, so that the order of requests is the corpus order. */
  ReflectRequest sequential(PromptTemplate template) {
    ReflectRequest r = request(template);
    return r.toBuilder().concurrency(1).build();
  }

  RunSummary run(FakeLlmServer fake, PromptTemplate template)
      throws IOException, ReflectFailureException {
    return run(fake, request(template), UnaryOperator.identity());
  }

  RunSummary run(FakeLlmServer fake, ReflectRequest request, UnaryOperator<ReflectRequest> tweak)
      throws IOException, ReflectFailureException {
    Function<RequestGate, ChatModel> models =
        gate ->
            OpenAiChatClient.builder()
                .baseUrl(fake.baseUrl())
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(50), 2.0))
                .requestGate(gate)
                .build();
    return new ReflectPipeline(tweak.apply(request), models, listener()).run();
  }

  ReflectListener listener() {
    return new ReflectListener() {
      @Override
      public void info(String message) {}

      @Override
      public void warn(String message) {
        synchronized (warnings) {
          warnings.add(message);
        }
      }

      @Override
      public void progress(RunProgress report) {
        synchronized (progress) {
          progress.add(report);
        }
      }
    };
  }

  List<String> lines(String file) throws IOException {
    return Files.readAllLines(root.resolve("out").resolve(file), StandardCharsets.UTF_8);
  }
}
