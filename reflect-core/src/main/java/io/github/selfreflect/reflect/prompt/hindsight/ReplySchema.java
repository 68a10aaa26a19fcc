package io.github.selfreflect.reflect.prompt.hindsight;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON Schema of a hindsight reply: {@code {"results": [{"turn", "critique", "verdict",
 * "answer", "evidence"}]}}, one result per target, keyed by the target's turn number.
 *
 * <p>Written to satisfy OpenAI's strict structured outputs (every property required, no
 * additional properties), which is the strictest dialect the endpoints read; {@code answer} is
 * therefore always present and empty for {@code keep}.
 */
final class ReplySchema {

  static final String RESULTS = "results";
  static final String TURN = "turn";
  static final String CRITIQUE = "critique";
  static final String VERDICT = "verdict";
  static final String ANSWER = "answer";
  static final String EVIDENCE = "evidence";

  private ReplySchema() {}

  /** A new copy each time: callers get a tree they may not share. */
  static ObjectNode schema() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode result = f.objectNode().put("type", "object");
    ObjectNode props = result.putObject("properties");
    props.putObject(TURN).put("type", "integer");
    props.putObject(CRITIQUE).put("type", "string");
    ObjectNode verdict = props.putObject(VERDICT).put("type", "string");
    verdict.putArray("enum").add("revise").add("keep");
    props.putObject(ANSWER).put("type", "string");
    props.putObject(EVIDENCE).put("type", "array").putObject("items").put("type", "integer");
    ArrayNode required = result.putArray("required");
    required.add(TURN).add(CRITIQUE).add(VERDICT).add(ANSWER).add(EVIDENCE);
    result.put("additionalProperties", false);

    ObjectNode root = f.objectNode().put("type", "object");
    ObjectNode rootProps = root.putObject("properties");
    rootProps.putObject(RESULTS).put("type", "array").set("items", result);
    root.putArray("required").add(RESULTS);
    root.put("additionalProperties", false);
    return root;
  }
}
