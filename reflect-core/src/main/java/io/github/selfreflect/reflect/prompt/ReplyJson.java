package io.github.selfreflect.reflect.prompt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Finds the one JSON object in a model's reply, however the server wrapped it.
 *
 * <p>Models asked for "only JSON" still return, in practice: the bare object; the object in a
 * Markdown fence ({@code ```json} or plain {@code ```}); a sentence of prose before or after it;
 * literal newlines and tabs inside strings (invalid JSON, but {@code json.loads(strict=False)}
 * and most humans accept it); a leading byte-order mark or blank lines. All of these are read
 * here. What is <em>not</em> guessed at: a cut-off object, single-quoted strings, comments. Those
 * are reported, so the reply is retried rather than half-read.
 *
 * <p>How the object is found: the body of the first fence (when there is one) is searched first,
 * then the whole reply. In each, every opening brace is tried as a start in turn; from it a scan
 * that skips over string literals (so a brace inside a string does not count) finds the matching
 * closing brace, and the text between is handed to Jackson. The first span that parses as an object
 * wins.
 *
 * <p>Kept apart from any one template so that every template reads replies the same way.
 */
public final class ReplyJson {

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final String FENCE = "```";
  private static final int SNIPPET_LENGTH = 80;

  private ReplyJson() {}

  /**
   * The JSON object in {@code reply}.
   *
   * @throws InvalidReplyException when there is no complete, parseable JSON object in it
   */
  public static ObjectNode extractObject(String reply) throws InvalidReplyException {
    if (reply == null) {
      throw new InvalidReplyException("reply is empty");
    }
    String text = stripBomAndBlank(reply);
    if (text.isEmpty()) {
      throw new InvalidReplyException("reply is empty");
    }
    String fenced = firstFenceBody(text);
    if (fenced != null) {
      ObjectNode found = firstObjectIn(fenced);
      if (found != null) {
        return found;
      }
    }
    ObjectNode found = firstObjectIn(text);
    if (found != null) {
      return found;
    }
    String why = text.indexOf('{') < 0 ? "no JSON object in it" : "no complete JSON object (cut off?)";
    throw new InvalidReplyException("reply is not JSON: " + why + ": '" + snippet(text) + "'");
  }

  /**
   * The text at most {@value #SNIPPET_LENGTH} characters long, with line breaks shown as
   * {@code \n}, for error messages that stay on one line.
   */
  public static String snippet(String text) {
    String shown = text.length() > SNIPPET_LENGTH ? text.substring(0, SNIPPET_LENGTH) + "..." : text;
    return shown.replace("\r", "\\r").replace("\n", "\\n");
  }

  /** Strips whitespace and byte-order marks (in any mix: proxies add both) from both ends. */
  private static String stripBomAndBlank(String reply) {
    int start = 0;
    int end = reply.length();
    while (start < end && isBlankOrBom(reply.charAt(start))) {
      start++;
    }
    while (end > start && isBlankOrBom(reply.charAt(end - 1))) {
      end--;
    }
    return reply.substring(start, end);
  }

  private static boolean isBlankOrBom(char c) {
    return c == '\uFEFF' || Character.isWhitespace(c);
  }

  /**
   * The text between the first {@code ```} line and the next {@code ```}, without the info string
   * ({@code json}, {@code JSON}, ...) on the opening line; null when there is no complete fence.
   */
  private static String firstFenceBody(String text) {
    int open = text.indexOf(FENCE);
    if (open < 0) {
      return null;
    }
    int lineEnd = text.indexOf('\n', open);
    if (lineEnd < 0) {
      return null;
    }
    int close = text.indexOf(FENCE, lineEnd + 1);
    if (close < 0) {
      return null;
    }
    return text.substring(lineEnd + 1, close);
  }

  private static ObjectNode firstObjectIn(String text) {
    for (int start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
      // A brace in prose ("use {x} here") may never close or may not parse: go on to the next.
      int end = matchingBrace(text, start);
      if (end >= 0) {
        ObjectNode parsed = parseObject(text.substring(start, end + 1));
        if (parsed != null) {
          return parsed;
        }
      }
    }
    return null;
  }

  /**
   * The index of the brace that closes the one at {@code start}, skipping string literals (with
   * their backslash escapes), or -1 when the text ends first.
   */
  private static int matchingBrace(String text, int start) {
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private static ObjectNode parseObject(String candidate) {
    try {
      JsonNode node = MAPPER.readTree(candidate);
      return node instanceof ObjectNode object ? object : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
