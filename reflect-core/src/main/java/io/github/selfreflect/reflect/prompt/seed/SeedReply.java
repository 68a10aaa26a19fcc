package io.github.selfreflect.reflect.prompt.seed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.prompt.InvalidReplyException;
import io.github.selfreflect.reflect.prompt.PythonJson;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.ReplyJson;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and checks a reply to the seed prompt: {@code {"K": ..., "C": ..., "L": ...}}.
 *
 * <p>The K echo is the original's only guard against a model that answered something else, so it
 * is checked, but loosely enough not to reject good replies for the ways models actually copy K:
 * surrounding whitespace is ignored; K may still carry the single quotes the format shows it in;
 * K may be copied from the conversation block (with its bracket-run backslashes, see {@link
 * SeedConversationBlock#escapeBrackets}) or from the format (with Python's JSON escapes such as
 * a backslash-u escape for a non-ASCII character left in as text). C and L must be non-blank strings; they are returned stripped
 * of surrounding whitespace, which only adds noise to training data.
 */
final class SeedReply {

  private SeedReply() {}

  static Reflection parse(String reply, String originalQuestion) throws InvalidReplyException {
    ObjectNode json = ReplyJson.extractObject(reply);
    String k = requiredString(json, SeedInstruction.K_FIELD);
    if (!sameQuestion(k, originalQuestion)) {
      throw new InvalidReplyException(
          "reply changed K: expected '" + ReplyJson.snippet(originalQuestion.strip()) + "', got '"
              + ReplyJson.snippet(k.strip()) + "'");
    }
    String critique = requiredText(json, SeedInstruction.C_FIELD);
    String answer = requiredText(json, SeedInstruction.L_FIELD);
    return new Reflection(critique, answer, Verdict.REVISE);
  }

  /** True when the reply's K is the original K in one of the forms described above. */
  static boolean sameQuestion(String replyK, String originalQuestion) {
    String got = replyK.strip();
    String unquoted = unquote(got);
    for (String form : acceptedForms(originalQuestion)) {
      String expected = form.strip();
      if (got.equals(expected) || (unquoted != null && unquoted.strip().equals(expected))) {
        return true;
      }
    }
    return false;
  }

  private static List<String> acceptedForms(String question) {
    String jsonEscaped = PythonJson.quote(question);
    return List.of(
        question,
        SeedConversationBlock.escapeBrackets(question),
        jsonEscaped.substring(1, jsonEscaped.length() - 1));
  }

  /** The text inside a pair of single quotes that wrap all of it, or null when there is none. */
  private static String unquote(String text) {
    if (text.length() >= 2 && text.startsWith("'") && text.endsWith("'")) {
      return text.substring(1, text.length() - 1);
    }
    return null;
  }

  private static String requiredString(ObjectNode json, String field)
      throws InvalidReplyException {
    JsonNode node = json.get(field);
    if (node == null || node.isNull()) {
      throw new InvalidReplyException(
          "reply has no " + field + " (fields found: " + fieldNames(json) + ")");
    }
    if (!node.isTextual()) {
      throw new InvalidReplyException(
          "reply's " + field + " is not a string but " + node.getNodeType().name().toLowerCase(Locale.ROOT) + ": '" + ReplyJson.snippet(node.toString()) + "'");
    }
    return node.textValue();
  }

  private static String requiredText(ObjectNode json, String field) throws InvalidReplyException {
    String text = requiredString(json, field).strip();
    if (text.isEmpty()) {
      throw new InvalidReplyException("reply's " + field + " is empty");
    }
    return text;
  }

  private static String fieldNames(ObjectNode json) {
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
