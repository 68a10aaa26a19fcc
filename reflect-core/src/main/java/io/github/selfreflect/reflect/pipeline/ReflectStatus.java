package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.cache.JsonlReflectionCache;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.TokenEstimator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the corpus and the cache and tells what a build would do, without sending anything and
 * without writing anything (the cache is opened, never created). Unreadable chat records are
 * counted and reported rather than fatal: the point is to see the state of things.
 */
public final class ReflectStatus {

  private ReflectStatus() {}

  public static StatusReport of(ReflectRequest request, TokenEstimator tokens, ReflectListener listener)
      throws IOException {
    // conversations, targets, cached, missing, invalid, promptTokens, tooLong
    long[] counts = new long[7];
    List<TargetRef> missing = new ArrayList<>();
    InvalidRecordHandler onInvalid =
        problem -> {
          counts[4]++;
          listener.warn("Invalid record: " + problem.getMessage());
        };
    try (JsonlReflectionCache cache =
        JsonlReflectionCache.open(request.cacheDirectory(), listener::warn)) {
      new CorpusTargets(request)
          .forEachTarget(
              onInvalid,
              new ReflectPipeline.TargetVisitor() {
                @Override
                public void conversation(Conversation conversation) {
                  counts[0]++;
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
                  counts[5] += tokens.promptTokens(chatRequest);
                  if (missing.size() < RunSummary.LISTED) {
                    missing.add(TargetRef.of(target));
                  }
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
