package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.prompt.PromptTemplate;
import io.github.selfreflect.reflect.prompt.PromptTooLongException;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.llm.ChatRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the targets of one conversation that need a request into groups of at most {@code
 * size}, in turn order, for templates that can ask about several targets at once ({@code
 * reflect.targetsPerRequest}). A group never spans two conversations; with a size of 1 every
 * target is a group of its own, as the seed needs.
 *
 * <p>It is a {@link ReflectPipeline.TargetVisitor}: the corpus streams one conversation's targets
 * after another, so a conversation's group is complete when the next conversation starts (or the
 * corpus ends: call {@link #finish}). Memory stays one conversation's worth of targets.
 */
final class TargetGrouper implements ReflectPipeline.TargetVisitor {

  /** A target that needs a request, with its own (single-target) request and cache key. */
  record Pending(Target target, ChatRequest request, String key) {}

  /** Decides whether a target needs a request (and claims it). */
  interface Filter {
    boolean wanted(Target target, String key) throws IOException;
  }

  /** Receives each complete group. */
  interface Sink {
    void accept(List<Pending> group) throws IOException;
  }

  private final int size;
  private final Filter filter;
  private final Sink sink;
  private List<Pending> buffer = new ArrayList<>();

  TargetGrouper(int size, Filter filter, Sink sink) {
    if (size < 1) {
      throw new IllegalArgumentException("group size must be at least 1, found " + size);
    }
    this.size = size;
    this.filter = filter;
    this.sink = sink;
  }

  @Override
  public void conversation(Conversation conversation) throws IOException {
    flush();
  }

  @Override
  public void target(Target target, ChatRequest chatRequest, String key) throws IOException {
    if (!filter.wanted(target, key)) {
      return;
    }
    buffer.add(new Pending(target, chatRequest, key));
    if (buffer.size() == size) {
      flush();
    }
  }

  /**
   * Targets per request: {@code targetsPerRequest} within the template's cap (1 for the seed; 0
   * asks for the cap). With a hindsight window each target sees a different cut of its
   * conversation, so no two share a prompt: one target per request.
   */
  static int size(PromptTemplate template, int window, int targetsPerRequest) {
    if (window != HindsightWindow.ALL) {
      return 1;
    }
    int cap = Math.max(1, template.maxTargetsPerRequest());
    return targetsPerRequest == 0 ? cap : Math.min(targetsPerRequest, cap);
  }

  /**
   * The one request that asks about every target of a group (of one conversation), as {@code
   * generate} sends it.
   *
   * @throws PromptTooLongException when the group's prompt cannot fit the prompt budget (each
   *     target alone does: its key was rendered)
   */
  static ChatRequest groupRequest(CorpusRequest corpus, List<Pending> group)
      throws PromptTooLongException {
    if (group.size() == 1) {
      return group.get(0).request();
    }
    List<Integer> indices = new ArrayList<>(group.size());
    group.forEach(p -> indices.add(p.target().index()));
    return new ChatRequest(
        corpus.model(),
        corpus.template().render(group.get(0).target().conversation(), indices),
        corpus.sampling(),
        group.get(0).request().responseFormat());
  }

  /** Hands on the last group. */
  void finish() throws IOException {
    flush();
  }

  private void flush() throws IOException {
    if (!buffer.isEmpty()) {
      List<Pending> group = List.copyOf(buffer);
      buffer = new ArrayList<>();
      sink.accept(group);
    }
  }
}
