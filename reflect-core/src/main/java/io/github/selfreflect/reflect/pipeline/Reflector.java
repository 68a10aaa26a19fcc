package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.cache.ReflectionCache;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatResponse;
import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.RequestNotSentException;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.llm.chain.ChatCall;
import io.github.selfreflect.reflect.llm.chain.ChatStack;
import io.github.selfreflect.reflect.llm.chain.UnusableReplyException;
import io.github.selfreflect.reflect.prompt.InvalidReplyException;
import io.github.selfreflect.reflect.prompt.PromptTooLongException;
import io.github.selfreflect.reflect.prompt.TargetReply;
import io.github.selfreflect.reflect.prompt.Reflection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@code generate}'s work on the {@link RequestPass}: sends every target the cache lacks and puts
 * each checked reply into the cache as soon as it arrives.
 *
 * <p>The corpus is read, rendered and looked up in the cache on the calling thread, a bounded
 * distance ahead of the requests; the requests and the cache writes of their replies run on the
 * pass's pool. So reading never waits for a reply, and a reply never waits for reading.
 *
 * <p>Each request goes through the run's {@link ChatStack}: the reply check and its re-asks, the
 * structured-output step-down, the provider's retries, and the run's {@link RunMeter} (the shared
 * adaptive rate limiter, the counters and the budgets). When a budget is spent or the run is
 * cancelled, no new target is started and no retry is sent; the requests in flight finish and
 * their replies are cached.
 *
 * <p>Targets of one conversation go out together, up to {@code targetsPerRequest} (within the
 * template's cap; the seed takes one) in one request; see {@link #reflectGroup}. Each target is
 * still cached on its own, under the key of its single-target request, so caching stays exact.
 *
 * <p>The cache is asked once more right before each request is sent, not only when the target is
 * read: a target waits in the queue for up to a reply's latency, and another build sharing the
 * cache directory (two CI jobs, {@code mvn -T}, a developer and an IDE) may store its reply
 * meanwhile. Such a target is not paid for again. Only a request the other build has in flight at
 * the same moment can still be sent twice: neither build holds that reply yet.
 *
 * <p>A reply that is cut off or fails the template's checks is asked for again, up to {@code
 * maxReplyAttempts}, then recorded as a failed target; it never reaches the cache. An endpoint
 * that refuses the credentials or does not know the model (401, 403, 404) stops the pass: every
 * other request would fail the same way, and each would cost a round trip.
 */
final class Reflector {

  /**
   * What the request pass did; {@link #NONE} when it did not run. Targets are counted one by one,
   * copies of a conversation in two files each on its own, as the summary counts them.
   *
   * @param cachedMeanwhile targets the plan found missing that another build sharing the cache
   *     stored before this run asked for them
   * @param paidFor whether this run received (and stored) the reply for a key; a key another build
   *     sharing the cache stored first, and this run therefore did not ask for, is not
   */
  record Outcome(
      long cachedMeanwhile,
      long reflected,
      long failed,
      long requests,
      long retries,
      long rateLimited,
      Usage usage,
      List<String> failureList,
      Map<String, String> failureReasons,
      Exception abort,
      RunMeter.Stop stop,
      String stopReason,
      Predicate<String> paidFor) {

    static final Outcome NONE =
        new Outcome(
            0, 0, 0, 0, 0, 0, Usage.NONE, List.of(), Map.of(), null, RunMeter.Stop.NONE, null,
            key -> false);
  }

  private final ReflectRequest request;
  private final Function<RequestGate, ChatModel> models;
  private final ReflectionCache cache;
  private final ReflectListener listener;
  private final RunMeter meter;

  private final LongAdder replyRetries = new LongAdder();
  private final Map<String, String> failureReasons = new ConcurrentHashMap<>();
  private final List<String> failureList = Collections.synchronizedList(new ArrayList<>());
  /**
   * Every key this run has claimed, and the targets settled so far. A target whose request is under
   * way is not yet in the cache: without the claim, two identical targets (the same conversation
   * in two files) would be paid for twice.
   */
  private final TargetTally tally = new TargetTally();

  /** Targets the reader has handed to the grouper, for {@link ReflectPipeline.Plan#wasMissing}. */
  private long targetsRead;

  /** Set by {@link #reflectMissing} for the run. */
  private RequestPass pass;

  Reflector(
      ReflectRequest request,
      Function<RequestGate, ChatModel> models,
      ReflectionCache cache,
      ReflectListener listener,
      RunMeter meter) {
    this.request = request;
    this.models = models;
    this.cache = cache;
    this.listener = listener;
    this.meter = meter;
  }

  /**
   * The run's layers over the provider's client: a single target's reply is asked again while it
   * fails the template's check, and {@code structuredOutput=auto} steps the format down.
   */
  private ChatStack stack() {
    return ChatStack.builder()
        .replyAttempts(
            request.maxReplyAttempts(),
            (call, attempt, problem) -> {
              replyRetries.increment();
              listener.warn("Unusable reply for " + call.subject() + " (attempt " + attempt + "): " + problem);
            })
        .formatStepDown(request.structuredOutput() == StructuredOutput.AUTO, listener::warn)
        .model(models.apply(meter))
        .build();
  }

  Outcome reflectMissing(ReflectPipeline.Plan plan, ReflectPipeline.Corpus corpus)
      throws IOException {
    ChatStack model = stack();
    long started = System.nanoTime();
    pass = new RequestPass("reflect-request", request.concurrency(), meter,
        () -> listener.progress(progress(plan, started)));
    try {
      TargetGrouper grouper =
          new TargetGrouper(
              groupSize(),
              (target, key) -> {
                if (pass.stopped()) {
                  throw StopReading.INSTANCE;
                }
                boolean missingAtPlan = plan.wasMissing(targetsRead++);
                if (cache.contains(key)) {
                  if (missingAtPlan) {
                    tally.foundStored(key); // by another build, or a copy of this run's reply
                  }
                  return false;
                }
                return tally.claim(key);
              },
              group ->
                  pass.submit(
                      () -> {
                        if (group.size() == 1) {
                          TargetGrouper.Pending one = group.get(0);
                          reflectOne(model, one.target(), one.request(), one.key());
                        } else {
                          reflectGroup(model, group);
                        }
                      }));
      corpus.forEachTarget(ReflectPipeline.ALREADY_REPORTED, grouper);
      grouper.finish();
    } catch (StopReading stop) {
      // Nothing more will be sent: the rest of the corpus need not be read.
    } finally {
      pass.finish();
    }
    Exception aborted = pass.aborted();
    if (aborted instanceof IOException) {
      throw (IOException) aborted;
    }
    List<String> listed;
    synchronized (failureList) {
      listed = List.copyOf(failureList.subList(0, Math.min(failureList.size(), RunSummary.LISTED)));
    }
    return new Outcome(
        tally.cached(),
        tally.reflected(),
        tally.failed(),
        meter.requests(),
        retries(),
        meter.rateLimited(),
        meter.usage(),
        listed,
        Map.copyOf(failureReasons),
        aborted,
        meter.stop(),
        meter.stop() == RunMeter.Stop.BUDGET ? meter.budgetReason() : null,
        tally::paidFor);
  }

  /** Ends the read-ahead early once the run stops sending. */
  private static final class StopReading extends RuntimeException {
    static final StopReading INSTANCE = new StopReading();

    private StopReading() {
      super("stop reading", null, false, false);
    }
  }

  private boolean stopped() {
    return pass.stopped();
  }

  private long retries() {
    return meter.transportRetries() + replyRetries.sum();
  }

  /**
   * Where the run stands. What another build stored meanwhile moves from "to reflect" to "cached",
   * as the summary counts it, so that the figures reach the end when the last request settles.
   */
  private RunProgress progress(ReflectPipeline.Plan plan, long started) {
    long meanwhile = tally.cached();
    return new RunProgress(
        // Targets too long for the prompt budget were skipped in the first pass: not to do.
        plan.targets - plan.tooLong,
        plan.cached + meanwhile,
        plan.missing - meanwhile,
        tally.reflected(),
        tally.failed(),
        meter.requests(),
        retries(),
        meter.rateLimited(),
        meter.usage(),
        Duration.ofNanos(System.nanoTime() - started),
        meter.pace());
  }

  private int groupSize() {
    return TargetGrouper.size(request.template(), request.window(), request.targetsPerRequest());
  }

  /**
   * One request for several targets of a conversation. Each result in the reply is checked and
   * cached on its own, under its target's key; a target whose result is missing or unusable, or
   * all of them when the reply is cut off or the request fails, is then asked about alone (with
   * the usual reply attempts), so one bad result never costs the good ones.
   */
  private void reflectGroup(ChatStack model, List<TargetGrouper.Pending> claimed) {
    List<TargetGrouper.Pending> group = new ArrayList<>(claimed.size());
    for (TargetGrouper.Pending pending : claimed) {
      if (!storedMeanwhile(pending.key())) {
        group.add(pending);
      }
    }
    if (group.size() <= 1) {
      aloneEach(model, group);
      return;
    }
    Conversation conversation = group.get(0).target().conversation();
    List<Integer> indices = new ArrayList<>(group.size());
    group.forEach(p -> indices.add(p.target().index()));
    ChatRequest planned;
    try {
      planned = TargetGrouper.groupRequest(request.corpus(), group);
    } catch (PromptTooLongException e) {
      aloneEach(model, group); // each fits alone: its key was rendered
      return;
    }
    if (stopped()) {
      return; // left for the next run
    }
    String subject = "turns " + indices + " of " + TargetRef.of(group.get(0).target());
    ChatResponse response;
    try {
      // Any reply: each result in it is checked on its own below, and what fails is asked alone.
      response = model.send(new ChatCall(planned, r -> null, subject));
    } catch (RequestNotSentException e) {
      return; // budget spent or run cancelled: not a failure of these targets
    } catch (LlmException e) {
      if (RequestPass.stopsTheRun(e)) {
        pass.abort(e);
        return;
      }
      if (meter.stop() == RunMeter.Stop.CANCELLED) {
        return;
      }
      listener.warn("Request for " + subject + " failed (" + e.getMessage() + "); asking about each turn alone");
      aloneEach(model, group);
      return;
    } catch (RuntimeException e) {
      aloneEach(model, group);
      return;
    }
    List<TargetGrouper.Pending> again = new ArrayList<>();
    if (response.truncated()) {
      listener.warn("Reply for " + subject + " cut off by the token limit; asking about each turn alone");
      again.addAll(group);
    } else {
      List<TargetReply> replies = request.template().parseEach(response.content(), conversation, indices);
      List<Usage> shares = shares(response.usage(), group.size());
      for (int i = 0; i < group.size(); i++) {
        TargetGrouper.Pending pending = group.get(i);
        TargetReply reply = replies.get(i);
        if (!reply.isValid()) {
          listener.warn(
              "Unusable result for " + TargetRef.of(pending.target()) + " in a reply for turns "
                  + indices + ": " + reply.problem() + "; asking about it alone");
          again.add(pending);
          continue;
        }
        try {
          cache.put(entry(pending.target(), pending.key(), reply.reflection(), response.content(), shares.get(i)));
        } catch (IOException e) {
          pass.abort(e);
          return;
        }
        tally.reflected(pending.key());
      }
    }
    aloneEach(model, again);
  }

  private void aloneEach(ChatStack model, List<TargetGrouper.Pending> targets) {
    for (TargetGrouper.Pending pending : targets) {
      reflectOne(model, pending.target(), pending.request(), pending.key());
    }
  }

  /**
   * A request's usage split over the targets it served, so that the cache's per-entry usage adds
   * up to what was paid; the remainder goes to the first.
   */
  static List<Usage> shares(Usage usage, int parts) {
    List<Usage> shares = new ArrayList<>(parts);
    for (int i = 0; i < parts; i++) {
      shares.add(
          new Usage(
              share(usage.promptTokens(), parts, i),
              share(usage.cachedPromptTokens(), parts, i),
              share(usage.completionTokens(), parts, i)));
    }
    return shares;
  }

  private static long share(long total, int parts, int index) {
    return total / parts + (index == 0 ? total % parts : 0);
  }

  private CacheEntry entry(
      Target target, String key, Reflection reflection, String reply, Usage usage) {
    return new CacheEntry(
        key,
        request.template().id(),
        request.model(),
        target.conversation().sourceFile(),
        target.conversation().id(),
        target.index(),
        reflection,
        reply,
        usage);
  }

  /** The reply cut off, in the words published in {@code failures.jsonl}. */
  static final String CUT_OFF =
      "reply cut off by the token limit (finish_reason \"length\"); raise reflect.maxCompletionTokens";

  private void reflectOne(ChatStack model, Target target, ChatRequest chatRequest, String key) {
    if (stopped() || storedMeanwhile(key)) {
      return; // left for the next run, or another build paid for it meanwhile
    }
    Reflection[] parsed = new Reflection[1];
    ChatCall call =
        new ChatCall(
            chatRequest,
            response -> {
              if (response.truncated()) {
                return CUT_OFF;
              }
              try {
                parsed[0] = request.template().parse(response.content(), target.conversation(), target.index());
                return null;
              } catch (InvalidReplyException e) {
                return "reply not valid: " + e.getMessage();
              }
            },
            TargetRef.of(target).toString());
    ChatResponse response;
    try {
      response = model.send(call);
    } catch (RequestNotSentException e) {
      return; // budget spent or run cancelled: not a failure of this target
    } catch (UnusableReplyException e) {
      fail(target, key, e.getMessage(), e.getMessage());
      return;
    } catch (LlmException e) {
      if (RequestPass.stopsTheRun(e)) {
        pass.abort(e);
        return;
      }
      if (meter.stop() == RunMeter.Stop.CANCELLED) {
        return; // interrupted by the cancellation, not a fault of the target
      }
      fail(target, key, e.failure().publicReason(), e.getMessage());
      return;
    } catch (RuntimeException e) {
      fail(target, key, "unexpected error: " + e.getClass().getName(), "unexpected error: " + e);
      return;
    }
    try {
      cache.put(entry(target, key, parsed[0], response.content(), response.usage()));
      tally.reflected(key);
    } catch (IOException e) {
      // The cache cannot take the reply: stop paying for replies that cannot be kept.
      pass.abort(e);
    }
  }

  /**
   * Whether the cache holds the key now although it did not when the target was read: another
   * build sharing the cache paid for it meanwhile, and the target (with its copies) counts as
   * cached. A cache that cannot be read stops the run, as one that cannot be written does (and the
   * target is not sent).
   */
  private boolean storedMeanwhile(String key) {
    try {
      if (!cache.contains(key)) {
        return false;
      }
      tally.storedElsewhere(key);
      return true;
    } catch (IOException e) {
      pass.abort(e);
      return true;
    }
  }

  /**
   * Records a failed target. {@code published} goes into {@code failures.jsonl} and the report,
   * which ship with the dataset: fixed words, no host, URL, address or path (see {@link
   * io.github.selfreflect.reflect.llm.LlmFailure#publicReason()}). {@code logged}, the full
   * story with the endpoint and the server's words, goes to the build log only.
   */
  private void fail(Target target, String key, String published, String logged) {
    failureReasons.put(key, published);
    tally.failed(key);
    failureList.add(TargetRef.of(target) + ": " + logged);
    listener.warn("Failed " + TargetRef.of(target) + ": " + logged);
  }

}
