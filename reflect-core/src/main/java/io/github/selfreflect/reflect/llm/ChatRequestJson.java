package io.github.selfreflect.reflect.llm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.chat.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The canonical JSON body of a {@link ChatRequest}: {@code model}, {@code messages} (role and
 * content only), then the sampling options that are set, then {@code response_format} when
 * there is one, in that order. The same bytes are sent
 * to the server and hashed into the cache key, so the layout here is part of the cache format:
 * change it only together with the cache's format version.
 *
 * <p>The bytes are defined as {@link #toJsonString} encoded as UTF-8 (which is how every key so
 * far was computed). {@link #writeUtf8} writes those same bytes without building a tree or a
 * string first: a warm build computes the key of every target, and serialising the tree was most
 * of that cost.
 */
public final class ChatRequestJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Writes UTF-8 straight away, characters outside the BMP as their four bytes (what {@link
   * String#getBytes} gives), never closing the caller's stream.
   */
  private static final JsonFactory UTF8 =
      JsonFactory.builder()
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .build();

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
      body.set("response_format", toJson(format));
    }
    return body;
  }

  private static ObjectNode toJson(ResponseFormat format) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("type", format.type().wireName());
    if (format.type() == ResponseFormat.Type.JSON_SCHEMA) {
      ObjectNode schema = json.putObject("json_schema");
      schema.put("name", format.name());
      schema.put("strict", true);
      schema.set("schema", format.schema().deepCopy());
    }
    return json;
  }

  /** The body as compact JSON text. */
  public static String toJsonString(ChatRequest request) {
    return toJson(request).toString();
  }

  /** The body as the bytes that are sent and hashed: see {@link #writeUtf8}. */
  public static byte[] toUtf8(ChatRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try {
      writeUtf8(request, out);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  /**
   * Writes the body to {@code out} as UTF-8: exactly the bytes of {@code
   * toJsonString(request).getBytes(UTF_8)}, field by field as {@link #toJson} builds them. The one
   * place where Jackson's UTF-8 writer and {@link String#getBytes} part ways, an unpaired surrogate
   * (the first escapes it, the second writes {@code ?}), is settled by {@link LoneSurrogates}
   * before the text reaches the writer.
   */
  public static void writeUtf8(ChatRequest request, OutputStream out) throws IOException {
    try (JsonGenerator json = UTF8.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("model", LoneSurrogates.replaced(request.model()));
      json.writeArrayFieldStart("messages");
      for (Message message : request.messages()) {
        json.writeStartObject();
        json.writeStringField("role", message.role().wireName());
        json.writeStringField("content", LoneSurrogates.replaced(message.content()));
        json.writeEndObject();
      }
      json.writeEndArray();
      SamplingParameters sampling = request.sampling();
      if (sampling.temperature() != null) {
        json.writeNumberField("temperature", sampling.temperature());
      }
      if (sampling.maxTokens() != null) {
        json.writeNumberField("max_tokens", sampling.maxTokens());
      }
      ResponseFormat format = request.responseFormat();
      if (format != null) {
        // Small, and a tree already: written as the tree's own text.
        json.writeFieldName("response_format");
        json.writeRawValue(LoneSurrogates.replaced(toJson(format).toString()));
      }
      json.writeEndObject();
    }
  }
}
