package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.cache.CacheKeys;
import io.github.selfreflect.reflect.cache.JsonlReflectionCache;
import io.github.selfreflect.reflect.cache.ReflectionCache;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.chat.Targets;
import io.github.selfreflect.reflect.chat.format.ChatFiles;
import io.github.selfreflect.reflect.chat.format.ChatReaders;
import io.github.selfreflect.reflect.chat.ConversationSource;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.Usage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One reflection run: chat files in, cache filled, dataset files out.
 *
 * <p>It reads the corpus in up to three streaming passes rather than holding it: <b>plan</b>
 * validates every record and counts what the cache lacks (so a bad file fails the build before
 * anything is paid for, and offline mode can list what is missing); <b>reflect</b> sends the
 * missing requests, writing each reply to the cache the moment it is checked (skipped when
 * nothing is missing); <b>write</b> emits the dataset in file order from the cache alone. Because
 * the outputs are produced only from the cache, in corpus order, they are the same bytes whatever
 * the thread timing, and the same whether a reply came from this run or an earlier one.
 */
public final class ReflectPipeline {

  private final ReflectRequest request;
  private final Function<RequestGate, ChatModel> models;
  private final ReflectListener listener;
  private final RunMeter meter;
  private final CountDownLatch finished = new CountDownLatch(1);

  /**
   * @param models creates the chat model on first need: an offline or fully cached run never
   *     builds a client (so it needs no API key)
   */
  public ReflectPipeline(ReflectRequest request, Supplier<ChatModel> models, ReflectListener listener) {
    this(
        request,
        (Function<RequestGate, ChatModel>) gate -> new GatedChatModel(models.get(), gate),
        listener);
  }

  /**
   * @param models creates the chat model on first need, sending every attempt through the given
   *     gate (the run's shared rate limiter, counters and budgets); an offline or fully cached run
   *     never builds a client (so it needs no API key)
   */
  public ReflectPipeline(
      ReflectRequest request, Function<RequestGate, ChatModel> models, ReflectListener listener) {
    this.request = request;
    this.models = models;
    this.listener = listener;
    this.meter = new RunMeter(request.limits());
  }

  /**
   * Stops sending: no new request leaves, no retry is sent, the requests in flight finish and
   * their replies are cached; {@link #run} then fails saying how many targets remain, without
   * writing the dataset. A later run resumes from the cache. Safe to call from any thread (e.g. a
   * shutdown hook on Ctrl-C), any number of times.
   */
  public void cancel() {
    meter.cancel();
  }

  /**
   * Waits until {@link #run} has returned or thrown and the cache is closed, at most {@code
   * timeout}; true if it did.
   */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  public RunSummary run() throws IOException, ReflectFailureException {
    try {
      return runOnce();
    } finally {
      finished.countDown();
    }
  }

  private RunSummary runOnce() throws IOException, ReflectFailureException {
    try (ReflectionCache cache = JsonlReflectionCache.open(request.cacheDirectory(), listener::warn)) {
      Plan plan = plan(cache);
      listener.info(
          String.format(
              "%d conversations, %d targets: %d cached, %d to reflect%s",
              plan.conversations,
              plan.targets,
              plan.cached,
              plan.missing,
              plan.invalidRecords > 0 ? ", " + plan.invalidRecords + " invalid records skipped" : ""));
      Reflector.Outcome outcome = Reflector.Outcome.NONE;
      if (plan.missing > 0) {
        switch (request.offline()) {
          case STRICT:
            throw new ReflectFailureException(missingMessage(plan), plan.summary(Reflector.Outcome.NONE, 0));
          case PARTIAL:
            listener.warn(missingMessage(plan) + "; writing the cached part only (offline=partial)");
            break;
          case OFF:
            outcome =
                new Reflector(request, models, cache, listener, meter)
                    .reflectMissing(plan, this::forEachTarget);
            break;
        }
      }
      long unsent = plan.missing - outcome.reflected() - outcome.failed();
      if (outcome.abort() == null && unsent > 0 && outcome.stop() == RunMeter.Stop.CANCELLED) {
        throw new ReflectFailureException(
            "Cancelled: " + unsent + " of " + plan.targets + " targets remain; every reply"
                + " received is cached, and the next build resumes from there",
            plan.summary(outcome, unsent));
      }
      if (outcome.abort() == null && unsent > 0 && outcome.stop() == RunMeter.Stop.BUDGET) {
        String message =
            "Budget reached (" + outcome.stopReason() + "): " + unsent + " of " + plan.targets
                + " targets remain; every reply received is cached, and the next build resumes"
                + " from there";
        if (request.limits().onBudget() == BudgetAction.FAIL) {
          throw new ReflectFailureException(
              message + " (reflect.onBudget=partial writes the dataset of what is there)",
              plan.summary(outcome, unsent));
        }
        listener.warn(message + "; writing the dataset of what is there (onBudget=partial)");
      }
      RunSummary summary = new DatasetOutput(request, cache).write(this::forEachTarget, plan, outcome);
      if (outcome.abort() != null) {
        throw new ReflectFailureException(outcome.abort().getMessage(), summary, outcome.abort());
      }
      if (request.limits().maxFailures().exceededBy(summary.failed(), summary.targets())) {
        throw new ReflectFailureException(failedMessage(summary), summary);
      }
      if (summary.failed() > 0) {
        listener.warn(
            summary.failed() + " targets failed, within reflect.maxFailures="
                + request.limits().maxFailures() + "; see failures.jsonl");
      }
      return summary;
    }
  }

  /** Pass 1: validate, count, and look up the cache without paying for anything. */
  private Plan plan(ReflectionCache cache) throws IOException {
    Plan plan = new Plan();
    InvalidRecordHandler onInvalid =
        request.failOnInvalid()
            ? InvalidRecordHandler.FAIL
            : problem -> {
              plan.invalidRecords++;
              listener.warn("Skipping invalid record: " + problem.getMessage());
            };
    forEachTarget(
        onInvalid,
        new TargetVisitor() {
          @Override
          public void conversation(Conversation conversation) {
            plan.conversations++;
          }

          @Override
          public void target(Target target, ChatRequest chatRequest, String key) throws IOException {
            plan.targets++;
            if (cache.contains(key)) {
              plan.cached++;
            } else {
              plan.missing++;
              if (plan.missingListed.size() < RunSummary.LISTED) {
                plan.missingListed.add(TargetRef.of(target));
              }
            }
          }
        });
    return plan;
  }

  private static String missingMessage(Plan plan) {
    StringBuilder message =
        new StringBuilder()
            .append(plan.missing)
            .append(" of ")
            .append(plan.targets)
            .append(" targets have no cached reflection and the build is offline:");
    for (TargetRef ref : plan.missingListed) {
      message.append("\n  ").append(ref);
    }
    if (plan.missing > plan.missingListed.size()) {
      message.append("\n  ... and ").append(plan.missing - plan.missingListed.size()).append(" more");
    }
    return message.toString();
  }

  private static String failedMessage(RunSummary summary) {
    StringBuilder message =
        new StringBuilder()
            .append(summary.failed())
            .append(" targets failed, more than reflect.maxFailures allows (every successful reply")
            .append(" is cached; see failures.jsonl):");
    for (String failure : summary.failures()) {
      message.append("\n  ").append(failure);
    }
    if (summary.failed() > summary.failures().size()) {
      message.append("\n  ... and ").append(summary.failed() - summary.failures().size()).append(" more");
    }
    return message.toString();
  }

  /** Streams every target of the corpus, in file order, with its request and cache key. */
  void forEachTarget(InvalidRecordHandler onInvalid, TargetVisitor visitor) throws IOException {
    Path chats = request.chatsDirectory();
    for (Path file : ChatFiles.list(chats)) {
      String name = ChatFiles.relativeName(chats, file);
      try (ConversationSource source = ChatReaders.open(file, name, onInvalid)) {
        while (source.hasNext()) {
          Conversation conversation = source.next();
          visitor.conversation(conversation);
          for (Target target : Targets.of(conversation)) {
            ChatRequest chatRequest =
                new ChatRequest(
                    request.model(),
                    request.template().render(conversation, target.index()),
                    request.sampling());
            visitor.target(target, chatRequest, CacheKeys.of(request.template(), chatRequest));
          }
        }
      }
    }
  }

  /** Receives the corpus one conversation and one target at a time. */
  interface TargetVisitor {
    default void conversation(Conversation conversation) throws IOException {}

    void target(Target target, ChatRequest chatRequest, String key) throws IOException;
  }

  /** A pass over the corpus; passes after the first skip bad records silently (already reported). */
  interface Corpus {
    void forEachTarget(InvalidRecordHandler onInvalid, TargetVisitor visitor) throws IOException;
  }

  /** The counts of the plan pass. */
  static final class Plan {
    long conversations;
    long targets;
    long cached;
    long missing;
    long invalidRecords;
    final List<TargetRef> missingListed = new ArrayList<>();

    RunSummary summary(Reflector.Outcome outcome, long skipped) {
      return summary(outcome, outcome.reflected(), outcome.failed(), skipped);
    }

    /** With the targets counted by the write pass, duplicates included. */
    RunSummary summary(Reflector.Outcome outcome, long reflected, long failed, long skipped) {
      return new RunSummary(
          conversations,
          targets,
          cached,
          reflected,
          failed,
          skipped,
          invalidRecords,
          outcome.requests(),
          outcome.usage(),
          missingListed,
          outcome.failureList(),
          outcome.retries(),
          outcome.rateLimited(),
          Usage.NONE);
    }
  }

  /** For the passes after the plan: it has already reported (or failed on) every bad record. */
  static final InvalidRecordHandler ALREADY_REPORTED = problem -> {};
}
