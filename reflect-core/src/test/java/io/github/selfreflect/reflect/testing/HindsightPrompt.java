package io.github.selfreflect.reflect.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code hindsight} request as a test server reads it, from the request body alone: the turns
 * between the {@code <conversation>} and {@code </conversation>} lines of the last user message
 * (each a JSON line) and the target turns named after them ("Review turn 3, ..." or "Review turns
 * 3, 5 and 7, ..."). It reads only what follows the closing marker for the targets, as a model
 * should: text inside a turn never counts, whatever it says.
 *
 * @param turns the shown turns by number (elided ones absent)
 * @param targets the target turns, in the order named
 * @param body the request body
 */
public record HindsightPrompt(Map<Integer, JsonNode> turns, List<Integer> targets, JsonNode body) {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern TARGETS = Pattern.compile("\\AReview turns? ([0-9][0-9, and]*)");

  /** The hindsight prompt of a request body, or null when it is not one. */
  public static HindsightPrompt of(JsonNode body) {
    JsonNode messages = body == null ? null : body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      return null;
    }
    String user = null;
    for (JsonNode m : messages) {
      if ("user".equals(m.path("role").asText())) {
        user = m.path("content").asText("");
      }
    }
    if (user == null || !user.startsWith("<conversation>\n")) {
      return null;
    }
    int close = user.lastIndexOf("\n</conversation>\n");
    if (close < 0) {
      return null;
    }
    Matcher m = TARGETS.matcher(user.substring(close + "\n</conversation>\n".length()));
    if (!m.find()) {
      return null;
    }
    List<Integer> targets = new ArrayList<>();
    for (String number : m.group(1).split("[^0-9]+")) {
      if (!number.isEmpty()) {
        targets.add(Integer.parseInt(number));
      }
    }
    Map<Integer, JsonNode> turns = new TreeMap<>();
    String block = user.substring("<conversation>\n".length(), close);
    for (String line : block.split("\n", -1)) {
      try {
        JsonNode turn = MAPPER.readTree(line);
        if (turn.has("turn")) {
          turns.put(turn.get("turn").asInt(), turn);
        }
      } catch (Exception e) {
        return null; // a line that is not JSON: not a hindsight prompt
      }
    }
    return new HindsightPrompt(Collections.unmodifiableMap(turns), List.copyOf(targets), body);
  }

  /** The content of the user message a target answers (the turn before it), or "" if not shown. */
  public String question(int target) {
    JsonNode turn = turns.get(target - 1);
    return turn == null ? "" : turn.path("content").asText("");
  }

  /** The content of a shown turn. */
  public String content(int turn) {
    return turns.get(turn).path("content").asText();
  }

  /**
   * The default reply: for each target, {@code revise} with {@link FakeLlmServer#critiqueFor}
   * and {@link FakeLlmServer#answerFor} of its question, and the next turn as evidence.
   */
  public String reply() {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode results = root.putArray("results");
    for (int target : targets) {
      results.add(result(target, "revise"));
    }
    return root.toPrettyString();
  }

  /** One result object for a target, with the default texts. */
  public ObjectNode result(int target, String verdict) {
    ObjectNode result = MAPPER.createObjectNode();
    result.put("turn", target);
    result.put("critique", FakeLlmServer.critiqueFor(question(target)));
    result.put("verdict", verdict);
    result.put("answer", "keep".equals(verdict) ? "" : FakeLlmServer.answerFor(question(target)));
    result.putArray("evidence").add(target + 1);
    return result;
  }
}
