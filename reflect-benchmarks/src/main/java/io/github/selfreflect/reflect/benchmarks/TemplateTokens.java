package io.github.selfreflect.reflect.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.pipeline.ReflectListener;
import io.github.selfreflect.reflect.pipeline.ReflectPipeline;
import io.github.selfreflect.reflect.pipeline.ReflectRequest;
import io.github.selfreflect.reflect.pipeline.RunSummary;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.HindsightPrompt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * What each prompt template costs per reflected target: the {@code seed} (SelfReflectionGPT's
 * request, the whole conversation once per target) against {@code hindsight}, one target per
 * request and several targets per request.
 *
 * <p>For conversations of 2 to 20 exchanges (the sample corpus, then generated ones with
 * deterministic text), each template runs the real pipeline against a loopback {@link
 * FakeLlmServer} that answers both reply formats. From the requests the server received it
 * prints: requests sent, prompt tokens per target and completion tokens per target (counted with
 * OpenAI's {@code o200k_base} tokenizer over the message contents), and the shared-prefix share:
 * of two consecutive requests for the same conversation, the fraction of prompt characters that
 * is a common prefix (what a provider prompt cache can reuse; "-" when no conversation needed two
 * requests), and the prompt tokens per target outside that prefix (what such a cache would still
 * charge in full; it ignores the cache's own minimum length and lifetime). The last column is hindsight's prompt tokens per target as a share of seed's.
 *
 * <p>Run: {@code ./mvnw -q install -DskipTests -Dinvoker.skip && ./mvnw -q -pl reflect-benchmarks
 * exec:java -Dexec.mainClass=io.github.selfreflect.reflect.benchmarks.TemplateTokens} (the
 * optional argument is the sample corpus folder, default {@code sample-project/src/main/chats}).
 */
public final class TemplateTokens {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Encoding TOKENIZER =
      Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
  private static final int[] EXCHANGES = {2, 4, 6, 8, 12, 16, 20};
  private static final int CONVERSATIONS_PER_LENGTH = 6;

  /** A template as the benchmark runs it. */
  private record Variant(String name, String template, int targetsPerRequest) {}

  private static final List<Variant> VARIANTS =
      List.of(
          new Variant("seed", "seed", 1),
          new Variant("hindsight, 1 target/request", "hindsight", 1),
          new Variant("hindsight", "hindsight", 0));

  /** What one variant cost on one set of conversations. */
  private record Cost(
      long requests,
      long targets,
      long promptTokens,
      long uncachedPromptTokens,
      long completionTokens,
      double sharedPrefix) {
    double promptPerTarget() {
      return (double) promptTokens / targets;
    }

    double uncachedPerTarget() {
      return (double) uncachedPromptTokens / targets;
    }

    double completionPerTarget() {
      return (double) completionTokens / targets;
    }
  }

  private TemplateTokens() {}

  public static void main(String[] args) throws Exception {
    Path sample = Path.of(args.length > 0 ? args[0] : "sample-project/src/main/chats");
    if (!Files.isDirectory(sample)) {
      sample = Path.of("..").resolve(sample); // exec:java runs in the module's folder
    }
    Path work = Files.createTempDirectory("template-tokens");
    try {
      Map<String, Path> corpora = new LinkedHashMap<>();
      corpora.put("sample corpus", sample.toAbsolutePath().normalize());
      for (int exchanges : EXCHANGES) {
        Path dir = Files.createDirectories(work.resolve("generated-" + exchanges));
        Files.writeString(dir.resolve("chats.jsonl"), generate(exchanges), StandardCharsets.UTF_8);
        corpora.put(exchanges + " exchanges", dir);
      }
      System.out.println(
          "| conversations | template | requests | targets | prompt tokens / target |"
              + " of which not in a shared prefix | completion tokens / target | shared prefix |"
              + " prompt vs seed |");
      System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
      for (Map.Entry<String, Path> corpus : corpora.entrySet()) {
        double seedPerTarget = 0;
        for (Variant variant : VARIANTS) {
          Cost cost = measure(corpus.getValue(), variant, work.resolve("run-" + corpus.getKey().replace(' ', '-') + "-" + variant.name().replaceAll("\\W+", "-")));
          if (variant.template().equals("seed")) {
            seedPerTarget = cost.promptPerTarget();
          }
          System.out.printf(
              Locale.ROOT,
              "| %s | %s | %d | %d | %.0f | %.0f | %.0f | %s | %s |%n",
              corpus.getKey(),
              variant.name(),
              cost.requests(),
              cost.targets(),
              cost.promptPerTarget(),
              cost.uncachedPerTarget(),
              cost.completionPerTarget(),
              Double.isNaN(cost.sharedPrefix()) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * cost.sharedPrefix()),
              variant.template().equals("seed")
                  ? "100%"
                  : String.format(Locale.ROOT, "%.0f%%", 100 * cost.promptPerTarget() / seedPerTarget));
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Cost measure(Path chats, Variant variant, Path run) throws Exception {
    List<String> replies = new CopyOnWriteArrayList<>();
    try (FakeLlmServer fake =
        new FakeLlmServer(
                body -> {
                  String reply = reply(body);
                  replies.add(reply);
                  return reply;
                })
            .start()) {
      ReflectRequest request =
          ReflectRequest.builder(
                  chats, run.resolve("out"), run.resolve("cache"),
                  PromptTemplates.byId(variant.template()), "benchmark-model")
              .concurrency(1)
              .maxReplyAttempts(1)
              .generatorVersion("benchmark")
              .targetsPerRequest(variant.targetsPerRequest())
              .build();
      RunSummary summary =
          new ReflectPipeline(
                  request,
                  gate -> OpenAiChatClient.builder().baseUrl(fake.baseUrl()).requestGate(gate).build(),
                  ReflectListener.SILENT)
              .run();
      long prompt = 0;
      long uncached = 0;
      Map<String, String> lastPromptOf = new LinkedHashMap<>();
      long shared = 0;
      long compared = 0;
      for (JsonNode body : fake.requestJson()) {
        String text = promptText(body);
        prompt += TOKENIZER.countTokensOrdinary(text);
        String conversation = conversationOf(body);
        String previous = lastPromptOf.put(conversation, text);
        if (previous != null) {
          int common = commonPrefix(previous, text);
          shared += common;
          compared += Math.max(previous.length(), text.length());
          uncached += TOKENIZER.countTokensOrdinary(text.substring(common));
        } else {
          uncached += TOKENIZER.countTokensOrdinary(text);
        }
      }
      long completion = 0;
      for (String reply : replies) {
        completion += TOKENIZER.countTokensOrdinary(reply);
      }
      return new Cost(
          fake.requestCount(),
          summary.reflected(),
          prompt,
          uncached,
          completion,
          compared == 0 ? Double.NaN : (double) shared / compared);
    }
  }

  /** The fake's default replies, for both formats. */
  private static String reply(JsonNode body) {
    HindsightPrompt hindsight = HindsightPrompt.of(body);
    if (hindsight != null) {
      return hindsight.reply();
    }
    return FakeLlmServer.seedReply(FakeLlmServer.extractK(body).orElseThrow());
  }

  private static String promptText(JsonNode body) {
    StringBuilder text = new StringBuilder();
    body.get("messages").forEach(m -> text.append(m.get("content").asText()));
    return text.toString();
  }

  /**
   * Which conversation a request is about: its first two turns (a system prompt and the first
   * user message, or the first exchange) tell the benchmark's conversations apart, whatever the
   * layout.
   */
  private static String conversationOf(JsonNode body) {
    HindsightPrompt hindsight = HindsightPrompt.of(body);
    if (hindsight != null) {
      var turns = hindsight.turns().values().iterator();
      return turns.next().toString() + turns.next();
    }
    String block = body.at("/messages/0/content").asText();
    int end = -1;
    for (int i = 0; i < 2; i++) {
      end = block.indexOf("]]]", end + 1);
    }
    // Without the block letters: the seed marks the target's exchange K/L, the others Q/A.
    return (end < 0 ? block : block.substring(0, end)).replaceAll("(?m)^[KLQAST]:$", "");
  }

  private static int commonPrefix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }

  // --- generated conversations -----------------------------------------------------------

  private static final String[] WORDS =
      ("the a to of and in that is for it with as on this be are or by you can your if not will"
              + " use file build test code error version run server data config value function"
              + " request cache model answer question because which when should would could"
              + " maven java class method string list map thread memory time result output input"
              + " order line number key token prompt user message change check fix works fails")
          .split(" ");

  /** {@value #CONVERSATIONS_PER_LENGTH} conversations of {@code exchanges} exchanges, one JSON a line. */
  static String generate(int exchanges) throws IOException {
    Random random = new Random(exchanges * 7919L);
    StringBuilder out = new StringBuilder();
    for (int c = 0; c < CONVERSATIONS_PER_LENGTH; c++) {
      ObjectNode record = MAPPER.createObjectNode();
      record.put("id", "gen-" + exchanges + "-" + c);
      ArrayNode messages = record.putArray("messages");
      messages.addObject().put("role", "system").put("content", "You are a helpful assistant for a software team.");
      for (int e = 0; e < exchanges; e++) {
        messages.addObject().put("role", "user").put("content", sentence(random, 15 + random.nextInt(45)) + "?");
        messages.addObject().put("role", "assistant").put("content", paragraph(random, 60 + random.nextInt(180)));
      }
      messages.addObject().put("role", "user").put("content", "That did not work: " + sentence(random, 12));
      out.append(MAPPER.writeValueAsString(record)).append('\n');
    }
    return out.toString();
  }

  private static String sentence(Random random, int words) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < words; i++) {
      String word = WORDS[random.nextInt(WORDS.length)];
      s.append(i == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : " " + word);
    }
    return s.toString();
  }

  private static String paragraph(Random random, int words) {
    StringBuilder p = new StringBuilder();
    while (words > 0) {
      int n = Math.min(words, 8 + random.nextInt(14));
      p.append(p.length() == 0 ? "" : " ").append(sentence(random, n)).append('.');
      words -= n;
    }
    return p.toString();
  }

}
