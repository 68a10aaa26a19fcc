package io.github.selfreflect.reflect.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * The {@code response_format} of a chat-completions request: how the server is asked to shape
 * the reply.
 *
 * @param type {@link Type#JSON_SCHEMA} (the reply must follow {@code schema}) or {@link
 *     Type#JSON_OBJECT} (any JSON object)
 * @param name the schema's name, for {@code json_schema}
 * @param schema the JSON Schema, for {@code json_schema}; null for {@code json_object}
 */
public record ResponseFormat(Type type, String name, ObjectNode schema) {

  /** The {@code type} values of {@code response_format}. */
  public enum Type {
    JSON_SCHEMA("json_schema"),
    JSON_OBJECT("json_object");

    private final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  public ResponseFormat {
    Objects.requireNonNull(type, "type");
    if (type == Type.JSON_SCHEMA) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(schema, "schema");
      schema = schema.deepCopy(); // the request is a value: nobody may change it under the key
    }
  }

  /** {@code {"type":"json_schema","json_schema":{"name":..,"strict":true,"schema":..}}}. */
  public static ResponseFormat jsonSchema(String name, ObjectNode schema) {
    return new ResponseFormat(Type.JSON_SCHEMA, name, schema);
  }

  /** {@code {"type":"json_object"}}. */
  public static ResponseFormat jsonObject() {
    return new ResponseFormat(Type.JSON_OBJECT, null, null);
  }
}
