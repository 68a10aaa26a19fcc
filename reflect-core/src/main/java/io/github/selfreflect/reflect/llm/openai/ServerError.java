package io.github.selfreflect.reflect.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * What an error body says, for a message a human can act on. Servers disagree on the shape:
 * OpenAI, Groq and OpenRouter send {@code {"error": {"message", "type", "code"}}} (OpenRouter's
 * code is a number and its useful text is in {@code error.metadata.raw}), Ollama sends {@code
 * {"error": "text"}}, vLLM and FastAPI-based servers {@code {"message"}} or {@code {"detail"}}, and
 * proxies send HTML. Anything unrecognised becomes a short excerpt of the body.
 *
 * @param message the server's message, or an excerpt of the body; never null
 * @param type {@code error.type}, or null
 * @param code {@code error.code} as text, or null
 */
record ServerError(String message, String type, String code) {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final int EXCERPT_LENGTH = 200;

  static ServerError of(String body) {
    if (body == null || body.isBlank()) {
      return new ServerError("(empty body)", null, null);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      root = null;
    }
    if (root != null && root.isObject()) {
      JsonNode error = root.get("error");
      if (error != null && error.isObject()) {
        String message = text(error.get("message"));
        String raw = text(error.path("metadata").get("raw"));
        if (message != null && raw != null) {
          message = message + " (" + raw + ")";
        } else if (message == null) {
          message = raw;
        }
        if (message != null) {
          return new ServerError(message, text(error.get("type")), text(error.get("code")));
        }
      }
      for (String field : new String[] {"error", "message", "detail"}) {
        String message = text(root.get(field));
        if (message != null) {
          return new ServerError(message, text(root.get("type")), null);
        }
      }
    }
    return new ServerError(excerpt(body), null, null);
  }

  /** The first {@value #EXCERPT_LENGTH} characters of {@code body}, whitespace collapsed. */
  static String excerpt(String body) {
    String flat = body.strip().replaceAll("\\s+", " ");
    return flat.length() <= EXCERPT_LENGTH ? flat : flat.substring(0, EXCERPT_LENGTH) + "...";
  }

  private static String text(JsonNode node) {
    if (node == null || !node.isValueNode() || node.isNull()) {
      return null;
    }
    String text = node.asText();
    return text.isBlank() ? null : text;
  }
}
