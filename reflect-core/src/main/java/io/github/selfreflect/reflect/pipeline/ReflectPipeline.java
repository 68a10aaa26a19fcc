package io.github.selfreflect.reflect.pipeline;

import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.cache.JsonlReflectionCache;
import io.github.selfreflect.reflect.cache.ReflectionCache;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.InvalidRecordHandler;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.Usage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One reflection run: chat files in, cache filled, dataset files out.
 *
 * <p>It streams the corpus rather than holding it. The <b>first pass</b> validates every record,
 * looks every target up in the cache and, while all of them are there, writes the dataset as it
 * goes: a warm build (everything cached) is this one pass and nothing else. When a target is
 * missing, the pass stops writing (its partial files are removed) but goes on counting, so that a
 * bad file fails the build before anything is paid for and offline mode can list what is missing;
 * then the <b>request pass</b> sends the missing requests, writing each reply to the cache the
 * moment it is checked, and the <b>write pass</b> emits the dataset from the cache alone. Offline
 * with {@code partial}, the first pass's output (without the missing targets) is the dataset.
 * Because the outputs are produced from the cache, in corpus order, they are the same bytes
 * whatever the thread timing, and the same whether a reply came from this run or an earlier one.
 */
public final class ReflectPipeline {

  private final ReflectRequest request;
  private final Function<RequestGate, ChatModel> models;
  private final ReflectListener listener;
  private final Corpus corpus;
  private final RunMeter meter;
  private final CountDownLatch finished = new CountDownLatch(1);
  private boolean skipWhenUpToDate;

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
    this.corpus = new CorpusTargets(request.corpus());
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
   * Whether {@link #run} first checks the dataset left by the last build and, when nothing it is
   * made from has changed, leaves it as it is and reports the last build's counts (see {@link
   * UpToDateCheck}); off by default. Either way, a complete build records what it was made from,
   * so that a later build can tell.
   */
  public ReflectPipeline skipWhenUpToDate(boolean skip) {
    this.skipWhenUpToDate = skip;
    return this;
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
      if (skipWhenUpToDate) {
        UpToDateCheck.Verdict verdict = UpToDateCheck.check(request);
        if (verdict.upToDate().isPresent()) {
          RunSummary summary = verdict.upToDate().get().summary().asUpToDateRun();
          listener.info(
              String.format(
                  "Dataset up to date: %d conversations, %d targets; the chat files, the cache,"
                      + " the settings and the dataset files are as the last build left them",
                  summary.conversations(), summary.targets()));
          return summary;
        }
        listener.info("Building the dataset: " + verdict.staleBecause());
      }
      // Until this build completes, nothing vouches for the files in the output directory.
      try {
        BuildState.clear(request.outputDirectory());
      } catch (IOException e) {
        // Harmless: the files this build writes get new times, so the old record no longer matches.
        listener.warn("Cannot remove the record of the last build: " + e);
      }
      RunSummary summary = runOnce();
      if (summary.complete()) {
        try {
          UpToDateCheck.capture(request, summary).write(request.outputDirectory());
        } catch (IOException e) {
          // The dataset is complete and written; without the record the next build rebuilds it.
          listener.warn("Cannot record this build for the next build's up-to-date check: " + e);
        }
      }
      return summary;
    } finally {
      finished.countDown();
    }
  }

  private RunSummary runOnce() throws IOException, ReflectFailureException {
    try (ReflectionCache cache = JsonlReflectionCache.open(request.cacheDirectory(), listener::warn)) {
      DatasetOutput output = new DatasetOutput(request, cache);
      FirstPass first = firstPass(cache, output);
      Plan plan = first.plan;
      listener.info(
          String.format(
              "%d conversations, %d targets: %d cached, %d to reflect%s%s",
              plan.conversations,
              plan.targets,
              plan.cached,
              plan.missing,
              plan.tooLong > 0 ? ", " + plan.tooLong + " skipped as too long for maxPromptTokens" : "",
              plan.invalidRecords > 0 ? ", " + plan.invalidRecords + " invalid records skipped" : ""));
      if (plan.missing == 0) {
        return output.finish(first.dataset, plan.summary(Reflector.Outcome.NONE, 0));
      }
      switch (request.offline()) {
        case STRICT:
          throw new ReflectFailureException(missingMessage(plan), plan.summary(Reflector.Outcome.NONE, 0));
        case PARTIAL:
          listener.warn(missingMessage(plan) + "; writing the cached part only (offline=partial)");
          return output.finish(first.dataset, plan.summary(Reflector.Outcome.NONE, plan.missing));
        case OFF:
        default:
          break;
      }
      Reflector.Outcome outcome =
          new Reflector(request, models, cache, listener, meter)
              .reflectMissing(plan, this::forEachTarget);
      long unsent =
          plan.missing - outcome.cachedMeanwhile() - outcome.reflected() - outcome.failed();
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
      RunSummary summary = output.write(this::forEachTarget, plan, outcome);
      if (summary.cached() > plan.cached) {
        listener.info(
            (summary.cached() - plan.cached) + " targets were reflected meanwhile by another build"
                + " sharing the cache; not asked for again");
      }
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

  /** The plan's counts, and the dataset it wrote if it could write one (else null). */
  private record FirstPass(Plan plan, DatasetOutput.Pending dataset) {}

  /**
   * Pass 1: validate, count and look up the cache without paying for anything, writing the
   * dataset for as long as every target is cached (or always, offline with {@code partial}).
   */
  private FirstPass firstPass(ReflectionCache cache, DatasetOutput output) throws IOException {
    Plan plan = new Plan();
    InvalidRecordHandler onInvalid =
        request.failOnInvalid()
            ? InvalidRecordHandler.FAIL
            : problem -> {
              plan.invalidRecords++;
              listener.warn("Skipping invalid record: " + problem.getMessage());
            };
    boolean keepPartial = request.offline() == OfflineMode.PARTIAL;
    DatasetOutput.Pending[] dataset = {output.start()};
    try {
      forEachTarget(
          onInvalid,
          new TargetVisitor() {
            @Override
            public void conversation(Conversation conversation) {
              plan.conversations++;
            }

            @Override
            public void target(Target target, ChatRequest chatRequest, String key)
                throws IOException {
              plan.targets++;
              Optional<CacheEntry> entry = cache.get(key);
              plan.lookedUp(entry.isPresent());
              if (entry.isPresent()) {
                plan.cached++;
                if (dataset[0] != null) {
                  dataset[0].write(target, entry.get());
                }
                return;
              }
              plan.missing++;
              if (plan.missingListed.size() < RunSummary.LISTED) {
                plan.missingListed.add(TargetRef.of(target));
              }
              if (dataset[0] != null && !keepPartial) {
                // This dataset cannot be the final one: stop writing, keep counting.
                dataset[0].discard();
                dataset[0] = null;
              }
            }

            @Override
            public void tooLong(Target target, String reason) {
              plan.targets++;
              plan.tooLong++;
              listener.warn("Skipping " + TargetRef.of(target) + ": " + reason);
            }
          });
    } catch (IOException | RuntimeException e) {
      if (dataset[0] != null) {
        dataset[0].discard();
      }
      throw e;
    }
    return new FirstPass(plan, dataset[0]);
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
    corpus.forEachTarget(onInvalid, visitor);
  }

  /** Receives the corpus one conversation and one target at a time. */
  interface TargetVisitor {
    default void conversation(Conversation conversation) throws IOException {}

    void target(Target target, ChatRequest chatRequest, String key) throws IOException;

    /** A target skipped because its prompt cannot fit {@code reflect.maxPromptTokens}. */
    default void tooLong(Target target, String reason) throws IOException {}
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
    long tooLong;
    final List<TargetRef> missingListed = new ArrayList<>();

    /**
     * Which targets the cache lacked, one bit a target by its place among those looked up. The
     * request pass reads the same corpus in the same order, and so tells a target another build
     * stored meanwhile from one that was cached all along, without keeping a key.
     */
    private final BitSet missingAt = new BitSet();

    private long lookedUp;

    /** Records the next target's lookup, in corpus order. */
    void lookedUp(boolean cached) {
      // Past Integer.MAX_VALUE targets the bits run out: what another build stores of those is
      // not taken off the progress line's "to reflect" (the summary still counts it as cached).
      if (!cached && lookedUp < Integer.MAX_VALUE) {
        missingAt.set((int) lookedUp);
      }
      lookedUp++;
    }

    /** Whether the cache lacked the target at this place (0-based, in corpus order). */
    boolean wasMissing(long place) {
      return place < Integer.MAX_VALUE && missingAt.get((int) place);
    }

    /** A summary from the plan and the request pass alone (no write pass ran). */
    RunSummary summary(Reflector.Outcome outcome, long skipped) {
      return summary(
          outcome, cached + outcome.cachedMeanwhile(), outcome.reflected(), outcome.failed(), skipped);
    }

    /** With the targets counted by the write pass, duplicates included. */
    RunSummary summary(
        Reflector.Outcome outcome, long cached, long reflected, long failed, long skipped) {
      return new RunSummary(
          conversations,
          targets,
          cached,
          reflected,
          failed,
          skipped + tooLong,
          invalidRecords,
          outcome.requests(),
          outcome.usage(),
          missingListed,
          outcome.failureList(),
          outcome.retries(),
          outcome.rateLimited(),
          Usage.NONE,
          tooLong,
          false);
    }
  }

  /** For the passes after the plan: it has already reported (or failed on) every bad record. */
  static final InvalidRecordHandler ALREADY_REPORTED = problem -> {};
}
