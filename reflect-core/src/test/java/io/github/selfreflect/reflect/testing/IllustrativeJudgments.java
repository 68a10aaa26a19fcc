package io.github.selfreflect.reflect.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.evaluate.DatasetPairs;
import io.github.selfreflect.reflect.evaluate.JudgeOrder;
import io.github.selfreflect.reflect.evaluate.Judgment;
import io.github.selfreflect.reflect.evaluate.JudgmentCache;
import io.github.selfreflect.reflect.evaluate.PairwiseJudge;
import io.github.selfreflect.reflect.evaluate.Preference;
import io.github.selfreflect.reflect.evaluate.SampledPair;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.Usage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records hand-written judgments into a judgment cache, the way the sample project's committed
 * judgments were made (see {@link IllustrativeCache} for the reflections). Each entry of the JSON
 * file says which answer of a pair is better ({@code revised}, {@code original} or {@code tie})
 * and why; it is recorded for both orders as the reply a judge would send ({@code {"reason",
 * "better"}} with A/B as that order shows them), checked by the judge's own parser, under the key
 * a real {@code reflect:evaluate} computes, with zero usage because no tokens were spent. A person
 * judging does not flip with the order, so both orders agree. Run from the repository root after
 * the sample project's {@code generate}:
 *
 * <pre>
 * java -cp ... io.github.selfreflect.reflect.testing.IllustrativeJudgments \
 *   sample-project/target/reflect sample-project/src/illustrative/judgments.json \
 *   sample-project/reflect-cache illustrative-handwritten
 * </pre>
 */
public final class IllustrativeJudgments {

  private IllustrativeJudgments() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      throw new IllegalArgumentException("usage: DATASET_DIR JUDGMENTS_JSON CACHE_DIR MODEL");
    }
    Path dataset = Path.of(args[0]);
    JsonNode written = new ObjectMapper().readTree(Path.of(args[1]).toFile());
    Path cacheDir = Path.of(args[2]);
    String model = args[3];
    Map<String, JsonNode> byPair = new HashMap<>();
    for (JsonNode entry : written) {
      byPair.put(
          entry.get("source").asText() + "#" + entry.get("conversation").asText() + "#" + entry.get("turn").asInt(),
          entry);
    }
    int recorded = 0;
    try (JudgmentCache cache = JudgmentCache.open(cacheDir, System.err::println)) {
      for (SampledPair pair : DatasetPairs.draw(dataset, Integer.MAX_VALUE, 1).pairs()) {
        String id = pair.source() + "#" + pair.conversation() + "#" + pair.turn();
        JsonNode entry = byPair.remove(id);
        if (entry == null) {
          throw new IllegalStateException("no hand-written judgment for " + id);
        }
        String better = entry.get("better").asText();
        for (JudgeOrder order : JudgeOrder.values()) {
          String letter;
          if (better.equals("tie")) {
            letter = "tie";
          } else {
            boolean revisedIsA = order == JudgeOrder.REVISED_FIRST;
            letter = better.equals("revised") == revisedIsA ? "A" : "B";
          }
          Map<String, String> reply = new LinkedHashMap<>();
          reply.put("reason", entry.get("reason").asText());
          reply.put("better", letter);
          String replyText = new ObjectMapper().writeValueAsString(reply);
          PairwiseJudge.Verdict verdict = PairwiseJudge.parse(replyText);
          if (!order.preferred(verdict.preference()).equals(better) && verdict.preference() != Preference.TIE) {
            throw new IllegalStateException("recorded the wrong side for " + id);
          }
          ChatRequest request =
              PairwiseJudge.request(
                  model, SamplingParameters.DEFAULTS, pair.prompt(), pair.original(), pair.revised(), order);
          cache.put(
              new Judgment(
                  PairwiseJudge.key(request),
                  PairwiseJudge.ID,
                  model,
                  pair.source(),
                  pair.conversation(),
                  pair.turn(),
                  order,
                  verdict.preference(),
                  verdict.reason(),
                  replyText,
                  Usage.NONE));
          recorded++;
        }
      }
    }
    if (!byPair.isEmpty()) {
      throw new IllegalStateException("judgments for no pair: " + byPair.keySet());
    }
    System.out.println("recorded " + recorded + " judgments in " + cacheDir);
  }
}
