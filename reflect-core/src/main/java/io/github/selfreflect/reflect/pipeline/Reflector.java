package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.cache.ReflectionCache;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.InvalidReplyException;
import io.github.selfreflect.reflect.prompt.Reflection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The request pass: sends every target the cache lacks, with up to {@code concurrency} requests
 * in flight, and puts each checked reply into the cache as soon as it arrives.
 *
 * <p>A reply that is cut off or fails the template's checks is asked for again, up to {@code
 * maxReplyAttempts}, then recorded as a failed target; it never reaches the cache. An endpoint
 * that refuses the credentials or does not know the model (401, 403, 404) stops the pass: every
 * other request would fail the same way, and each would cost a round trip.
 */
final class Reflector {

  /** What the request pass did; {@link #NONE} when it did not run. */
  record Outcome(
      long reflected,
      long failed,
      long requests,
      Usage usage,
      List<String> failureList,
      Map<String, String> failureReasons,
      Exception abort) {

    static final Outcome NONE = new Outcome(0, 0, 0, Usage.NONE, List.of(), Map.of(), null);
  }

  private final ReflectRequest request;
  private final Supplier<ChatModel> models;
  private final ReflectionCache cache;
  private final ReflectListener listener;

  private final LongAdder reflected = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final AtomicLong promptTokens = new AtomicLong();
  private final AtomicLong cachedTokens = new AtomicLong();
  private final AtomicLong completionTokens = new AtomicLong();
  private final AtomicInteger settled = new AtomicInteger();
  private final Map<String, String> failureReasons = new ConcurrentHashMap<>();
  private final List<String> failureList = Collections.synchronizedList(new ArrayList<>());
  private final AtomicReference<Exception> abort = new AtomicReference<>();
  private final ResponseFormatFallback fallback;

  Reflector(
      ReflectRequest request,
      Supplier<ChatModel> models,
      ReflectionCache cache,
      ReflectListener listener) {
    this.request = request;
    this.models = models;
    this.cache = cache;
    this.listener = listener;
    this.fallback = new ResponseFormatFallback(request.structuredOutput());
  }

  Outcome reflectMissing(long toReflect, ReflectPipeline.Corpus corpus) throws IOException {
    ChatModel model = models.get();
    int concurrency = request.concurrency();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            concurrency,
            task -> {
              Thread thread = new Thread(task, "reflect-request");
              thread.setDaemon(true);
              return thread;
            });
    // Bounds the targets read ahead of the requests, so memory stays flat on a large corpus.
    Semaphore slots = new Semaphore(concurrency * 2);
    // A target whose request is under way is not yet in the cache: without this set, two
    // identical targets (the same conversation in two files) would be paid for twice.
    Set<String> claimed = ConcurrentHashMap.newKeySet();
    try {
      corpus.forEachTarget(
          ReflectPipeline.ALREADY_REPORTED,
          (target, chatRequest, key) -> {
            if (abort.get() != null || cache.contains(key) || !claimed.add(key)) {
              return;
            }
            try {
              slots.acquire();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new InterruptedIOException("interrupted while waiting for a request slot");
            }
            pool.execute(
                () -> {
                  try {
                    reflectOne(model, target, chatRequest, key, toReflect);
                  } finally {
                    slots.release();
                  }
                });
          });
    } finally {
      pool.shutdown();
      awaitQuietly(pool);
    }
    Exception aborted = abort.get();
    if (aborted instanceof IOException) {
      throw (IOException) aborted;
    }
    List<String> listed;
    synchronized (failureList) {
      listed = List.copyOf(failureList.subList(0, Math.min(failureList.size(), RunSummary.LISTED)));
    }
    return new Outcome(
        reflected.sum(),
        failureReasons.size(),
        requests.sum(),
        new Usage(promptTokens.get(), cachedTokens.get(), completionTokens.get()),
        listed,
        Map.copyOf(failureReasons),
        aborted);
  }

  private void reflectOne(
      ChatModel model, Target target, ChatRequest chatRequest, String key, long toReflect) {
    String problem = null;
    for (int attempt = 1; attempt <= request.maxReplyAttempts(); attempt++) {
      if (abort.get() != null) {
        return;
      }
      ChatResponse response;
      ChatRequest sent = fallback.adapt(chatRequest);
      try {
        requests.increment();
        response = model.complete(sent);
      } catch (LlmException e) {
        String steppedDown = fallback.stepDown(sent, e);
        if (steppedDown != null) {
          if (!steppedDown.isEmpty()) {
            listener.warn(steppedDown);
          }
          attempt--; // the reply was not unusable: the question was asked in a way the server lacks
          continue;
        }
        if (stopsTheRun(e)) {
          abort.compareAndSet(null, e);
          return;
        }
        fail(target, key, e.getMessage(), toReflect);
        return;
      } catch (RuntimeException e) {
        fail(target, key, "unexpected error: " + e, toReflect);
        return;
      }
      Usage usage = response.usage();
      promptTokens.addAndGet(usage.promptTokens());
      cachedTokens.addAndGet(usage.cachedPromptTokens());
      completionTokens.addAndGet(usage.completionTokens());
      if (response.truncated()) {
        problem = "reply cut off by the token limit (finish_reason \"length\"); raise maxTokens";
      } else {
        try {
          Reflection reflection =
              request.template().parse(response.content(), target.conversation(), target.index());
          cache.put(
              new CacheEntry(
                  key,
                  request.template().id(),
                  request.model(),
                  target.conversation().sourceFile(),
                  target.conversation().id(),
                  target.index(),
                  reflection,
                  response.content(),
                  usage));
          reflected.increment();
          listener.progress(settled.incrementAndGet(), toReflect);
          return;
        } catch (InvalidReplyException e) {
          problem = e.getMessage();
        } catch (IOException e) {
          // The cache cannot take the reply: stop paying for replies that cannot be kept.
          abort.compareAndSet(null, e);
          return;
        }
      }
      if (attempt < request.maxReplyAttempts()) {
        listener.warn(
            "Unusable reply for " + TargetRef.of(target) + " (attempt " + attempt + "): " + problem);
      }
    }
    fail(
        target,
        key,
        problem + " (after " + request.maxReplyAttempts() + " attempts)",
        toReflect);
  }

  private void fail(Target target, String key, String reason, long toReflect) {
    failureReasons.put(key, reason);
    failureList.add(TargetRef.of(target) + ": " + reason);
    listener.warn("Failed " + TargetRef.of(target) + ": " + reason);
    listener.progress(settled.incrementAndGet(), toReflect);
  }

  /** Credentials refused or model unknown: every other request would fail the same way. */
  private static boolean stopsTheRun(LlmException e) {
    return e.status() == 401 || e.status() == 403 || e.status() == 404;
  }

  private static void awaitQuietly(ExecutorService pool) {
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        // Requests in flight are paid for: wait for their replies to reach the cache.
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
