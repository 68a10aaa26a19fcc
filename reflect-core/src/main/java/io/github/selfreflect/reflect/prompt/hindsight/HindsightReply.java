package io.github.selfreflect.reflect.prompt.hindsight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.prompt.InvalidReplyException;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.ReplyJson;
import io.github.selfreflect.reflect.prompt.TargetReply;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a hindsight reply and checks each target's result on its own: present exactly once,
 * a non-blank critique, a verdict of {@code revise} or {@code keep}, a non-blank answer when
 * revising, and evidence that names later turns of the conversation. A reply for one target may
 * also be the bare result object (models in prompt-only mode sometimes drop the wrapper).
 */
final class HindsightReply {

  private HindsightReply() {}

  static List<TargetReply> parseEach(
      String reply, Conversation conversation, List<Integer> targets) {
    Map<Integer, JsonNode> byTurn = new LinkedHashMap<>();
    Set<Integer> duplicated = new LinkedHashSet<>();
    try {
      ObjectNode json = ReplyJson.extractObject(reply);
      JsonNode results = json.get(ReplySchema.RESULTS);
      if (results == null && json.has(ReplySchema.TURN)) {
        results = json.arrayNode().add(json);
      }
      if (results == null || !results.isArray()) {
        throw new InvalidReplyException(
            "reply has no \"results\" array: '" + ReplyJson.snippet(json.toString()) + "'");
      }
      for (JsonNode result : results) {
        JsonNode turn = result.get(ReplySchema.TURN);
        if (result.isObject() && turn != null && turn.canConvertToExactIntegral()) {
          if (byTurn.putIfAbsent(turn.intValue(), result) != null) {
            duplicated.add(turn.intValue());
          }
        }
      }
    } catch (InvalidReplyException e) {
      List<TargetReply> all = new ArrayList<>();
      targets.forEach(t -> all.add(TargetReply.invalid(t, e.getMessage())));
      return all;
    }
    List<TargetReply> replies = new ArrayList<>(targets.size());
    for (int target : targets) {
      JsonNode result = byTurn.get(target);
      if (result == null) {
        replies.add(
            TargetReply.invalid(
                target, "reply has no result for turn " + target + " (results for turns "
                    + byTurn.keySet() + ")"));
      } else if (duplicated.contains(target)) {
        replies.add(TargetReply.invalid(target, "reply has two results for turn " + target));
      } else {
        try {
          replies.add(TargetReply.ok(target, check(result, conversation, target)));
        } catch (InvalidReplyException e) {
          replies.add(TargetReply.invalid(target, e.getMessage()));
        }
      }
    }
    return replies;
  }

  private static Reflection check(JsonNode result, Conversation conversation, int target)
      throws InvalidReplyException {
    String critique = text(result, ReplySchema.CRITIQUE, target);
    if (critique.isEmpty()) {
      throw new InvalidReplyException("turn " + target + ": critique is empty");
    }
    String verdictText = text(result, ReplySchema.VERDICT, target).toLowerCase(Locale.ROOT);
    Verdict verdict;
    if (verdictText.equals(Verdict.REVISE.wireName())) {
      verdict = Verdict.REVISE;
    } else if (verdictText.equals(Verdict.KEEP.wireName())) {
      verdict = Verdict.KEEP;
    } else {
      throw new InvalidReplyException(
          "turn " + target + ": verdict is '" + ReplyJson.snippet(verdictText)
              + "', expected revise or keep");
    }
    String answer =
        result.hasNonNull(ReplySchema.ANSWER) || verdict == Verdict.REVISE
            ? text(result, ReplySchema.ANSWER, target)
            : "";
    if (verdict == Verdict.REVISE && answer.isEmpty()) {
      throw new InvalidReplyException("turn " + target + ": verdict is revise but answer is empty");
    }
    return new Reflection(critique, answer, verdict, evidence(result, conversation, target));
  }

  private static List<Integer> evidence(JsonNode result, Conversation conversation, int target)
      throws InvalidReplyException {
    JsonNode node = result.get(ReplySchema.EVIDENCE);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new InvalidReplyException("turn " + target + ": evidence is not an array of turns");
    }
    Set<Integer> turns = new LinkedHashSet<>();
    int size = conversation.messages().size();
    for (JsonNode item : node) {
      if (!item.canConvertToExactIntegral()) {
        throw new InvalidReplyException(
            "turn " + target + ": evidence holds '" + ReplyJson.snippet(item.toString())
                + "', expected turn numbers");
      }
      int turn = item.intValue();
      if (turn <= target || turn >= size) {
        throw new InvalidReplyException(
            "turn " + target + ": evidence names turn " + turn + ", expected a later turn ("
                + (target + 1) + " to " + (size - 1) + ")");
      }
      turns.add(turn);
    }
    return List.copyOf(turns);
  }

  private static String text(JsonNode result, String field, int target)
      throws InvalidReplyException {
    JsonNode node = result.get(field);
    if (node == null || !node.isTextual()) {
      throw new InvalidReplyException(
          "turn " + target + ": " + field + (node == null ? " is missing" : " is not a string"));
    }
    return node.textValue().strip();
  }
}
