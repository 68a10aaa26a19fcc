package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.cache.JsonlReflectionCache;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.TokenEstimator;
import java.io.IOException;
import io.github.selfreflect.reflect.prompt.PromptTooLongException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the corpus and the cache and tells what a build would do, without sending anything and
 * without writing anything (the cache is opened, never created). Unreadable chat records are
 * counted and reported rather than fatal: the point is to see the state of things.
 *
 * <p>The prompt tokens to pay are those of the requests {@code generate} would really send: the
 * missing targets of a conversation grouped per request as {@code generate} groups them (up to
 * {@code targetsPerRequest}, within the template's cap), each group's prompt counted once. A
 * target the cache lacks in two files is sent once, and counted once.
 */
public final class ReflectStatus {

  private ReflectStatus() {}

  /** The status of {@code request}'s corpus, grouped as it would send it. */
  public static StatusReport of(ReflectRequest request, TokenEstimator tokens, ReflectListener listener)
      throws IOException {
    return of(request.corpus(), request.targetsPerRequest(), tokens, listener);
  }

  /**
   * @param targetsPerRequest {@code reflect.targetsPerRequest}: 0 for as many as the template takes
   */
  public static StatusReport of(
      CorpusRequest request, int targetsPerRequest, TokenEstimator tokens, ReflectListener listener)
      throws IOException {
    // conversations, targets, cached, missing, invalid, promptTokens, tooLong
    long[] counts = new long[7];
    List<TargetRef> missing = new ArrayList<>();
    Set<String> claimed = new HashSet<>();
    InvalidRecordHandler onInvalid =
        problem -> {
          counts[4]++;
          listener.warn("Invalid record: " + problem.getMessage());
        };
    try (JsonlReflectionCache cache =
        JsonlReflectionCache.open(request.cacheDirectory(), listener::warn)) {
      TargetGrouper grouper =
          new TargetGrouper(
              TargetGrouper.size(request.template(), request.window(), targetsPerRequest),
              (target, key) -> !cache.contains(key) && claimed.add(key),
              group -> {
                try {
                  counts[5] += tokens.promptTokens(TargetGrouper.groupRequest(request, group));
                } catch (PromptTooLongException e) {
                  // generate then asks about each alone: each fits, its key was rendered
                  for (TargetGrouper.Pending one : group) {
                    counts[5] += tokens.promptTokens(one.request());
                  }
                }
              });
      new CorpusTargets(request)
          .forEachTarget(
              onInvalid,
              new ReflectPipeline.TargetVisitor() {
                @Override
                public void conversation(Conversation conversation) throws IOException {
                  counts[0]++;
                  grouper.conversation(conversation);
                }

                @Override
                public void target(Target target, ChatRequest chatRequest, String key)
                    throws IOException {
                  counts[1]++;
                  if (cache.contains(key)) {
                    counts[2]++;
                    return;
                  }
                  counts[3]++;
                  if (missing.size() < RunSummary.LISTED) {
                    missing.add(TargetRef.of(target));
                  }
                  grouper.target(target, chatRequest, key);
                }

                @Override
                public void tooLong(Target target, String reason) {
                  // generate skips it too: it is neither cached nor to be paid for, but it is a
                  // target, counted in the targets as generate counts it
                  counts[1]++;
                  counts[6]++;
                  listener.warn("Skipping " + TargetRef.of(target) + ": " + reason);
                }
              });
      grouper.finish();
      return new StatusReport(
          counts[0],
          counts[1],
          counts[2],
          counts[3],
          counts[6],
          counts[4],
          cache.droppedLines(),
          cache.duplicateLines(),
          counts[5],
          tokens.method(),
          tokens.exact(),
          missing);
    }
  }
}
