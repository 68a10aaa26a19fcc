package io.github.selfreflect.reflect.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.Usage;

/**
 * Reads the first choice of a {@code chat.completion} body. Lenient about everything the caller
 * does not need (unknown fields, missing usage, vendor extras like Ollama's {@code reasoning}),
 * strict about the one thing it does: a body without a first choice is an error.
 */
final class ChatCompletionParser {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ChatCompletionParser() {}

  static ChatResponse parse(String body) throws MalformedResponseException {
    if (body.isBlank()) {
      throw new MalformedResponseException("an empty body", null);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedResponseException(
          "a body that is not JSON: " + ServerError.excerpt(body), e);
    }
    if (root == null || !root.isObject()) {
      throw new MalformedResponseException(
          "a body that is not a JSON object: " + ServerError.excerpt(body), null);
    }
    JsonNode choices = root.get("choices");
    if (choices == null || !choices.isArray() || choices.isEmpty()) {
      String why = choices == null || choices.isNull() ? "no choices" : "empty choices";
      if (root.hasNonNull("error")) {
        why += ": " + ServerError.of(body).message();
      }
      throw new MalformedResponseException(why, null);
    }
    JsonNode message = choices.get(0).get("message");
    if (message == null || !message.isObject()) {
      throw new MalformedResponseException("a choice without a message", null);
    }
    return new ChatResponse(
        content(message.get("content")),
        textOrNull(choices.get(0).get("finish_reason")),
        textOrNull(root.get("model")),
        usage(root.get("usage")));
  }

  /**
   * A string; or null/absent (a tool call or refusal) as ""; or an array of content parts, whose
   * text parts are joined in order without a separator, as the parts of one message are one text.
   */
  private static String content(JsonNode content) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isArray()) {
      StringBuilder text = new StringBuilder();
      for (JsonNode part : content) {
        if (part.isTextual()) {
          text.append(part.asText());
        } else if (part.path("text").isTextual()) {
          text.append(part.get("text").asText());
        }
      }
      return text.toString();
    }
    return content.isValueNode() ? content.asText() : content.toString();
  }

  /**
   * OpenAI reports cached prompt tokens in {@code prompt_tokens_details.cached_tokens}; some
   * routers (Together via Hugging Face) put a top-level {@code usage.cached_tokens} instead.
   */
  private static Usage usage(JsonNode usage) {
    if (usage == null || !usage.isObject()) {
      return Usage.NONE;
    }
    JsonNode cached = usage.path("prompt_tokens_details").get("cached_tokens");
    if (cached == null || !cached.isNumber()) {
      cached = usage.get("cached_tokens");
    }
    return new Usage(
        count(usage.get("prompt_tokens")), count(cached), count(usage.get("completion_tokens")));
  }

  private static long count(JsonNode node) {
    return node != null && node.isNumber() ? Math.max(0, node.asLong()) : 0;
  }

  private static String textOrNull(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
