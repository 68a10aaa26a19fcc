package io.github.selfreflect.reflect.prompt.hindsight;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.selfreflect.reflect.cache.CacheKeys;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.prompt.InvalidReplyException;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import io.github.selfreflect.reflect.prompt.PromptTooLongException;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.TargetReply;
import io.github.selfreflect.reflect.prompt.TokenEstimate;
import io.github.selfreflect.reflect.prompt.InvalidTemplateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The {@code hindsight} template: Reflect's own prompt, built to fix the seed's weaknesses.
 *
 * <ul>
 *   <li><b>Cache-friendly.</b> Fixed instructions, then the whole conversation, then one sentence
 *       naming the target(s): every request for a conversation shares all but its end, so
 *       provider prompt caches serve the rest (see {@link BuiltInLayout}).
 *   <li><b>Several targets per request.</b> Up to {@link #MAX_TARGETS_PER_REQUEST} targets of one
 *       conversation in one request, instead of the whole conversation once per target.
 *   <li><b>Structured output.</b> A JSON Schema ({@link #replySchema}); each result is keyed by
 *       its turn and checked on its own ({@link HindsightReply}).
 *   <li><b>A verdict.</b> {@code keep} says the original answer was already right; {@code
 *       evidence} names the later turns behind the critique.
 *   <li><b>Content is data.</b> Turns are JSON lines ({@link TurnJson}): a message cannot end
 *       its turn, forge a marker or pose as an instruction.
 *   <li><b>Long conversations.</b> With a budget, the middle of the earlier history is elided
 *       ({@link PromptWindow}); a target that still cannot fit is skipped with a reason.
 * </ul>
 *
 * <p>The layout is replaceable ({@link HindsightLayout}): a data repository's own template file
 * renders the same view and is read back with the same reply format.
 */
public final class HindsightTemplate implements PromptTemplate {

  /** The id users select the built-in layout by. */
  public static final String ID = "hindsight";

  /**
   * The most targets one request carries. More would make one reply long enough to hit a
   * model's output limit, and a cut-off reply wastes every result in it.
   */
  public static final int MAX_TARGETS_PER_REQUEST = 8;

  /** Bump when code changes the rendering or the reading of replies beyond the fingerprinted text. */
  static final int LAYOUT_VERSION = 1;

  private final String id;
  private final HindsightLayout layout;
  private final int maxPromptTokens;
  private final String fingerprint;

  /** The built-in template without a prompt budget. */
  public HindsightTemplate() {
    this(ID, BuiltInLayout.INSTANCE, 0);
  }

  /**
   * A template with its own layout (a user's template file), read back as hindsight replies.
   *
   * @param id the id recorded in the cache and the manifest
   */
  public static HindsightTemplate withLayout(String id, HindsightLayout layout) {
    return new HindsightTemplate(id, layout, 0);
  }

  /**
   * The template of a user's file ({@code reflect.templateFile}; see {@link MustacheLayout}),
   * with the id {@code file:<file name>}.
   *
   * @throws InvalidTemplateException naming the file, line and reason, before any request
   */
  public static HindsightTemplate fromFile(Path file) throws IOException, InvalidTemplateException {
    return withLayout(MustacheLayout.idFor(file), MustacheLayout.load(file));
  }

  private HindsightTemplate(String id, HindsightLayout layout, int maxPromptTokens) {
    this.id = Objects.requireNonNull(id, "id");
    this.layout = Objects.requireNonNull(layout, "layout");
    if (maxPromptTokens < 0) {
      throw new IllegalArgumentException("maxPromptTokens must be 0 (none) or positive");
    }
    this.maxPromptTokens = maxPromptTokens;
    this.fingerprint =
        CacheKeys.sha256Hex(
            ID + "\nlayout " + LAYOUT_VERSION + "\n" + id + "\n" + layout.fingerprintText() + "\n"
                + ReplySchema.schema());
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  /** The prompt budget in estimated tokens; 0 for none. */
  @Override
  public int maxPromptTokens() {
    return maxPromptTokens;
  }

  @Override
  public HindsightTemplate withMaxPromptTokens(int maxPromptTokens) {
    return maxPromptTokens == this.maxPromptTokens
        ? this
        : new HindsightTemplate(id, layout, maxPromptTokens);
  }

  @Override
  public ObjectNode replySchema() {
    return ReplySchema.schema();
  }

  @Override
  public int maxTargetsPerRequest() {
    return MAX_TARGETS_PER_REQUEST;
  }

  @Override
  public List<Message> render(Conversation conversation, int targetIndex) {
    return render(conversation, List.of(targetIndex));
  }

  /**
   * @throws PromptTooLongException when a budget is set and the targets cannot fit it
   * @throws IllegalArgumentException when a target is not an assistant answer to a user message,
   *     or the targets are not ascending and distinct, or there are more than the cap
   */
  @Override
  public List<Message> render(Conversation conversation, List<Integer> targetIndices) {
    checkTargets(conversation, targetIndices);
    // What the prompt costs without any turn: instructions, markers, target sentence.
    PromptView empty = new PromptView(conversation, List.of(), targetIndices);
    int overhead = estimate(layout.render(empty));
    PromptView view = PromptWindow.of(conversation, targetIndices, overhead, maxPromptTokens);
    List<Message> messages = layout.render(view);
    if (maxPromptTokens > 0) {
      // A user layout may repeat a turn's content; the window's sum assumes it appears once.
      int total = estimate(messages);
      if (total > maxPromptTokens) {
        throw new PromptTooLongException(
            targetIndices.get(0),
            "the rendered prompt is about " + total + " tokens, over reflect.maxPromptTokens="
                + maxPromptTokens);
      }
    }
    return messages;
  }

  @Override
  public Reflection parse(String replyContent, Conversation conversation, int targetIndex)
      throws InvalidReplyException {
    TargetReply reply = parseEach(replyContent, conversation, List.of(targetIndex)).get(0);
    if (!reply.isValid()) {
      throw new InvalidReplyException(reply.problem());
    }
    return reply.reflection();
  }

  @Override
  public List<TargetReply> parseEach(
      String replyContent, Conversation conversation, List<Integer> targetIndices) {
    checkTargets(conversation, targetIndices);
    return HindsightReply.parseEach(replyContent, conversation, targetIndices);
  }

  private static int estimate(List<Message> messages) {
    int total = 0;
    for (Message message : messages) {
      total += TokenEstimate.of(message.content());
    }
    return total;
  }

  private static void checkTargets(Conversation conversation, List<Integer> targets) {
    if (targets.isEmpty() || targets.size() > MAX_TARGETS_PER_REQUEST) {
      throw new IllegalArgumentException(
          "expected 1 to " + MAX_TARGETS_PER_REQUEST + " targets per request, found "
              + targets.size());
    }
    List<Message> messages = conversation.messages();
    int previous = 0;
    for (int index : targets) {
      if (index <= previous || index >= messages.size()) {
        throw new IllegalArgumentException(
            "targets " + targets + " of conversation '" + conversation.id()
                + "' must be ascending, distinct and inside its " + messages.size()
                + " messages");
      }
      previous = index;
      Role question = messages.get(index - 1).role();
      Role answer = messages.get(index).role();
      if (question != Role.USER || answer != Role.ASSISTANT) {
        throw new IllegalArgumentException(
            "target index " + index + " of conversation '" + conversation.id()
                + "' is not an assistant answer to a user message (found " + question.wireName()
                + " then " + answer.wireName() + ")");
      }
    }
  }
}
