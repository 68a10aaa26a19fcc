package io.github.selfreflect.reflect.evaluate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.cache.CacheKeys;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.chat.ToolCallIds;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatRequestJson;
import io.github.selfreflect.reflect.llm.Provider;
import io.github.selfreflect.reflect.llm.providers.Providers;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.prompt.InvalidReplyException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The judge's prompt, {@value #ID}: the conversation up to and including K, then two answers to
 * K labelled A and B; the judge replies {@code {"reason": "...", "better": "A" | "B" | "tie"}}.
 *
 * <p>The conversation and the answers are given as JSON (the messages in the OpenAI shape the
 * dataset files use), not spliced into prose: an answer that itself contains "Answer B:" or a
 * quote cannot blur where one part ends and the next begins. The judge sees nothing after K, so it
 * judges the answers as a reader of that moment would, not with the hindsight that wrote the
 * revision. The instructions ask it to ignore length and position; {@link JudgeOrder} checks the
 * second by asking in both orders, and the evaluation reports the lengths so that a reader can
 * weigh the first.
 */
public final class PairwiseJudge {

  /** The template id, part of every judgment's cache key. */
  public static final String ID = "pairwise-v1";

  static final String INSTRUCTIONS =
      "You are an impartial judge of assistant answers. You are given a conversation between a"
          + " user and an assistant, as JSON, ending with the user's latest message, and two"
          + " candidate answers to that message, A and B.\n\n"
          + "Decide which answer responds better to the user's latest message, given the"
          + " conversation so far: judge correctness first, then how well it serves what the user"
          + " actually needs, then honesty about limits and uncertainty, then clarity. Do not prefer"
          + " an answer because it is longer or because of its position. If neither is clearly"
          + " better, say tie.\n\n"
          + "Reply with one JSON object and nothing else:\n"
          + "{\"reason\": \"<one or two sentences>\", \"better\": \"A\" or \"B\" or \"tie\"}";

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build(); // compact: an indenting printer would use the platform's line separator

  private static final String FINGERPRINT = CacheKeys.sha256Hex(ID + "\n" + INSTRUCTIONS);

  private PairwiseJudge() {}

  /** Changes whenever the instructions change, and with it every judgment's cache key. */
  public static String fingerprint() {
    return FINGERPRINT;
  }

  /**
   * The request for one pair in one order.
   *
   * @param prompt the conversation up to and including K, as the OpenAI-shaped message array of
   *     {@code preference.jsonl}
   */
  public static ChatRequest request(
      String model,
      SamplingParameters sampling,
      JsonNode prompt,
      String original,
      String revised,
      JudgeOrder order) {
    ObjectNode answers = MAPPER.createObjectNode();
    boolean originalFirst = order == JudgeOrder.ORIGINAL_FIRST;
    answers.put("A", originalFirst ? original : revised);
    answers.put("B", originalFirst ? revised : original);
    String user;
    try {
      user =
          "Conversation:\n"
              + MAPPER.writeValueAsString(conversation(prompt))
              + "\n\nCandidate answers to the last user message:\n"
              + MAPPER.writeValueAsString(answers)
              + "\n\nWhich answer is better? Reply with the JSON object only.";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return new ChatRequest(
        model, List.of(Message.of(Role.SYSTEM, INSTRUCTIONS), Message.of(Role.USER, user)), sampling);
  }

  /** The cache key of a request to an OpenAI-compatible judge: the keys judgments always had. */
  public static String key(ChatRequest request) {
    return key(Providers.DEFAULT, request);
  }

  /** The cache key of a judge request to {@code provider} (its prefix is empty for OpenAI). */
  public static String key(Provider provider, ChatRequest request) {
    return CacheKeys.sha256Hex(
        provider.cacheKeyPrefix() + ID + "\n" + FINGERPRINT + "\n" + ChatRequestJson.toJsonString(request));
  }

  /**
   * Role and content of each message (tool calls kept): what the judge needs, in a stable shape.
   * The call ids the dataset writer generated are left out: the judge gains nothing from them, and
   * judgments cached before the writer added them keep their keys.
   */
  private static ArrayNode conversation(JsonNode prompt) {
    ArrayNode messages = MAPPER.createArrayNode();
    int index = 0;
    for (JsonNode m : prompt) {
      ObjectNode copy = messages.addObject();
      copy.put("role", m.path("role").asText());
      copy.put("content", m.path("content").asText());
      if (m.has("tool_calls")) {
        copy.set("tool_calls", ToolCallIds.withoutGenerated(m.get("tool_calls"), index));
      }
      index++;
    }
    return messages;
  }

  /** A judge's reply, checked. */
  public record Verdict(Preference preference, String reason) {}

  /**
   * Reads a reply: one JSON object with {@code better} (A, B or tie) and a {@code reason}; a
   * Markdown code fence or text around the object is tolerated, anything else is invalid and
   * asked again.
   */
  public static Verdict parse(String reply) throws InvalidReplyException {
    int start = reply.indexOf('{');
    int end = reply.lastIndexOf('}');
    if (start < 0 || end < start) {
      throw new InvalidReplyException("judge reply holds no JSON object: " + abbreviate(reply));
    }
    JsonNode json;
    try {
      json = MAPPER.readTree(reply.substring(start, end + 1));
    } catch (JsonProcessingException e) {
      throw new InvalidReplyException("judge reply is not valid JSON: " + abbreviate(reply), e);
    }
    Preference preference = Preference.parse(json.path("better").isTextual() ? json.get("better").asText() : null);
    if (preference == null) {
      throw new InvalidReplyException(
          "judge reply must say \"better\": \"A\", \"B\" or \"tie\", found " + json.path("better"));
    }
    return new Verdict(preference, json.path("reason").asText(""));
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
