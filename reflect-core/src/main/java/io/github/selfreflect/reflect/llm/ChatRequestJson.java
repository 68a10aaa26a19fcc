package io.github.selfreflect.reflect.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.chat.Message;

/**
 * The canonical JSON body of a {@link ChatRequest}: {@code model}, {@code messages} (role and
 * content only), then the sampling options that are set, then {@code response_format} when
 * there is one, in that order. The same bytes are sent
 * to the server and hashed into the cache key, so the layout here is part of the cache format:
 * change it only together with the cache's format version.
 */
public final class ChatRequestJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ChatRequestJson() {}

  public static ObjectNode toJson(ChatRequest request) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("model", request.model());
    ArrayNode messages = body.putArray("messages");
    for (Message message : request.messages()) {
      ObjectNode m = messages.addObject();
      m.put("role", message.role().wireName());
      m.put("content", message.content());
    }
    SamplingParameters sampling = request.sampling();
    if (sampling.temperature() != null) {
      body.put("temperature", sampling.temperature());
    }
    if (sampling.maxTokens() != null) {
      body.put("max_tokens", sampling.maxTokens());
    }
    // Last, and only when set: a request without one keeps the bytes (and so the cache keys) it
    // had before response formats existed.
    ResponseFormat format = request.responseFormat();
    if (format != null) {
      ObjectNode json = body.putObject("response_format");
      json.put("type", format.type().wireName());
      if (format.type() == ResponseFormat.Type.JSON_SCHEMA) {
        ObjectNode schema = json.putObject("json_schema");
        schema.put("name", format.name());
        schema.put("strict", true);
        schema.set("schema", format.schema().deepCopy());
      }
    }
    return body;
  }

  /** The body as compact JSON text. */
  public static String toJsonString(ChatRequest request) {
    return toJson(request).toString();
  }
}
