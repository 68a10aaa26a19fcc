package io.github.selfreflect.reflect.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.dataset.DatasetCardWriter;
import io.github.selfreflect.reflect.dataset.ManifestWriter;
import io.github.selfreflect.reflect.dataset.OutputFile;
import io.github.selfreflect.reflect.dataset.PrettyJson;
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
import io.github.selfreflect.reflect.pipeline.BudgetAction;
import io.github.selfreflect.reflect.pipeline.ReflectListener;
import io.github.selfreflect.reflect.pipeline.RequestPass;
import io.github.selfreflect.reflect.pipeline.RunMeter;
import io.github.selfreflect.reflect.pipeline.RunProgress;
import io.github.selfreflect.reflect.prompt.InvalidReplyException;
import io.github.selfreflect.reflect.report.ReportEvaluation;
import io.github.selfreflect.reflect.report.ReportWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * {@code reflect:evaluate}: a judge model compares original and revised answers of a seeded
 * sample of the dataset's preference pairs, each pair in both orders, and the result goes to
 * {@code evaluation.json}, the manifest's headline and the report.
 *
 * <p>Judgments are cached as they arrive ({@link JudgmentCache}) and never asked for twice; the
 * outputs are computed from the cache alone, in dataset order, so they are the same bytes however
 * the requests were timed and whether the judgments came from this run or an earlier one.
 */
public final class Evaluator {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int LISTED = 50;

  private final EvaluateRequest request;
  private final Function<RequestGate, ChatModel> judges;
  private final ReflectListener listener;
  private final RunMeter meter;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final LongAdder judged = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder replyRetries = new LongAdder();
  private volatile int tasksTotal;
  private volatile int tasksMissing;

  /**
   * @param judges builds the judge's client on first need, sending every attempt through the given
   *     gate (the run's rate limiter, counters and budgets); a cached or offline evaluation never
   *     builds one (so it needs no API key)
   */
  public Evaluator(
      EvaluateRequest request, Function<RequestGate, ChatModel> judges, ReflectListener listener) {
    this.request = request;
    this.judges = judges;
    this.listener = listener;
    this.meter = new RunMeter(request.limits());
  }

  /** One judge request of the sample: a pair in one order. */
  private record Task(SampledPair pair, JudgeOrder order, ChatRequest chatRequest, String key) {}

  /**
   * Stops sending: no new judge request leaves, the requests in flight finish and their judgments
   * are cached; {@link #run} then fails saying how many remain, writing nothing. Safe from any
   * thread (a shutdown hook on Ctrl-C), any number of times.
   */
  public void cancel() {
    meter.cancel();
  }

  /** Waits until {@link #run} has returned or thrown and the cache is closed, at most {@code timeout}. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  public EvaluationResult run() throws IOException, EvaluationFailureException {
    try {
      return evaluate();
    } finally {
      finished.countDown();
    }
  }

  private EvaluationResult evaluate() throws IOException, EvaluationFailureException {
    DatasetPairs.Sample sample =
        DatasetPairs.draw(request.datasetDirectory(), request.sampleSize(), request.seed());
    listener.info(
        String.format(
            "Evaluating %d of %d preference pairs (seed %d), each judged in both orders by %s",
            sample.pairs().size(), sample.eligible(), request.seed(), request.judgeModel()));
    List<Task> tasks = new ArrayList<>();
    for (SampledPair pair : sample.pairs()) {
      for (JudgeOrder order : JudgeOrder.values()) {
        ChatRequest chat =
            PairwiseJudge.request(
                request.judgeModel(), request.sampling(), pair.prompt(), pair.original(), pair.revised(), order);
        tasks.add(new Task(pair, order, chat, PairwiseJudge.key(request.provider(), chat)));
      }
    }
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    try (JudgmentCache cache = JudgmentCache.open(request.cacheDirectory(), listener::warn)) {
      List<Task> missing = tasks.stream().filter(t -> cache.get(t.key).isEmpty()).toList();
      tasksTotal = tasks.size();
      tasksMissing = missing.size();
      if (!missing.isEmpty()) {
        switch (request.offline()) {
          case STRICT:
            throw new EvaluationFailureException(missingMessage(missing, tasks.size()));
          case PARTIAL:
            listener.warn(missingMessage(missing, tasks.size()) + "; evaluating the judged pairs only (offline=partial)");
            break;
          case OFF:
            judge(missing, tasks.size(), cache, failures);
            break;
        }
      }
      EvaluationResult result = result(sample, cache);
      write(result);
      listener.info("Evaluation: " + result.headline());
      if (!failures.isEmpty()) {
        StringBuilder message =
            new StringBuilder()
                .append(failures.size())
                .append(" judgments failed (every usable reply is cached; rerun to retry):");
        failures.stream().limit(LISTED).forEach(f -> message.append("\n  ").append(f));
        throw new EvaluationFailureException(message.toString());
      }
      return result;
    }
  }

  private static String missingMessage(List<Task> missing, int total) {
    StringBuilder message =
        new StringBuilder()
            .append(missing.size())
            .append(" of ")
            .append(total)
            .append(" judgments are not cached and the build is offline:");
    missing.stream()
        .limit(LISTED)
        .forEach(t -> message.append("\n  ").append(t.pair).append(" (").append(t.order.wireName()).append(")"));
    if (missing.size() > LISTED) {
      message.append("\n  ... and ").append(missing.size() - LISTED).append(" more");
    }
    return message.toString();
  }

  /**
   * Sends the missing requests on the {@link RequestPass}, through the run's {@link ChatStack} (the
   * reply check and its re-asks, the format step-down, the judge provider's retries, the run's
   * meter with its rate limiter and budgets), caching each usable reply the moment it arrives. A
   * spent budget fails the run, or with {@code reflect.onBudget=partial} lets it evaluate the
   * judged pairs only.
   */
  private void judge(List<Task> missing, int total, JudgmentCache cache, List<String> failures)
      throws IOException, EvaluationFailureException {
    ChatStack model =
        ChatStack.builder()
            .replyAttempts(
                request.maxReplyAttempts(),
                (call, attempt, problem) -> {
                  replyRetries.increment();
                  listener.warn("Unusable judgment for " + call.subject() + " (attempt " + attempt + "): " + problem);
                })
            .formatStepDown(true, listener::warn)
            .model(judges.apply(meter))
            .build();
    long started = System.nanoTime();
    int cached = total - missing.size();
    try (RequestPass pass =
        new RequestPass(
            "reflect-judge",
            request.concurrency(),
            meter,
            () ->
                listener.progress(
                    new RunProgress(
                        total,
                        cached,
                        missing.size(),
                        judged.sum(),
                        failed.sum(),
                        meter.requests(),
                        meter.transportRetries() + replyRetries.sum(),
                        meter.rateLimited(),
                        meter.usage(),
                        Duration.ofNanos(System.nanoTime() - started),
                        meter.pace())))) {
      for (Task task : missing) {
        if (pass.stopped()) {
          break; // nothing more is sent: the rest is counted as not sent below
        }
        pass.submit(
            () -> {
              String problem = judgeOne(model, task, cache, pass);
              if (problem != null) {
                failed.increment();
                failures.add(task.pair + " (" + task.order.wireName() + "): " + problem);
                listener.warn("Judgment failed for " + task.pair + " (" + task.order.wireName() + "): " + problem);
              }
            });
      }
      pass.finish();
      Exception stopped = pass.aborted();
      if (stopped instanceof IOException io) {
        throw io;
      }
      if (stopped != null) {
        throw new EvaluationFailureException(stopped.getMessage(), stopped);
      }
    }
    long unsent = missing.size() - judged.sum() - failed.sum();
    if (meter.stop() == RunMeter.Stop.CANCELLED) {
      throw new EvaluationFailureException(
          "Cancelled: " + unsent + " of " + missing.size() + " judge requests not sent;"
              + " every judgment received is cached, and the next run resumes from there");
    }
    if (meter.stop() == RunMeter.Stop.BUDGET && unsent > 0) {
      String message =
          "Budget reached (" + meter.budgetReason() + "): " + unsent + " of " + missing.size()
              + " judge requests not sent; every judgment received is cached, and the next run"
              + " resumes from there";
      if (request.limits().onBudget() == BudgetAction.FAIL) {
        throw new EvaluationFailureException(
            message + " (reflect.onBudget=partial evaluates the judged pairs only)");
      }
      listener.warn(message + "; evaluating the judged pairs only (onBudget=partial)");
    }
  }

  /** Returns null when the judgment is cached (or left unsent by a stop), else why it failed. */
  private String judgeOne(ChatStack model, Task task, JudgmentCache cache, RequestPass pass) {
    if (pass.stopped()) {
      return null; // not sent: counted as such by the caller
    }
    PairwiseJudge.Verdict[] verdict = new PairwiseJudge.Verdict[1];
    ChatCall call =
        new ChatCall(
            task.chatRequest,
            response -> {
              if (response.truncated()) {
                return "reply cut off by the token limit (finish_reason \"length\")";
              }
              try {
                verdict[0] = PairwiseJudge.parse(response.content());
                return null;
              } catch (InvalidReplyException e) {
                return e.getMessage();
              }
            },
            task.pair + " (" + task.order.wireName() + ")");
    ChatResponse response;
    try {
      response = model.send(call);
    } catch (RequestNotSentException e) {
      return null; // budget spent or run cancelled: left for the next run
    } catch (UnusableReplyException e) {
      return e.getMessage();
    } catch (LlmException e) {
      if (RequestPass.stopsTheRun(e)) {
        pass.abort(e); // every other request would fail the same way
      }
      if (meter.stop() == RunMeter.Stop.CANCELLED) {
        return null;
      }
      return e.getMessage();
    } catch (RuntimeException e) {
      return "unexpected error: " + e;
    }
    try {
      cache.put(
          new Judgment(
              task.key,
              PairwiseJudge.ID,
              request.judgeModel(),
              task.pair.source(),
              task.pair.conversation(),
              task.pair.turn(),
              task.order,
              verdict[0].preference(),
              verdict[0].reason(),
              response.content(),
              response.usage()));
      judged.increment();
      return null;
    } catch (IOException e) {
      pass.abort(e); // the cache cannot keep replies: stop paying for them
      return "the judgment cache failed: " + e.getMessage();
    }
  }

  /**
   * What the last {@link #run} sent and spent, for the summary block; all zero when everything
   * was cached.
   */
  public EvaluationRun lastRun() {
    return new EvaluationRun(
        tasksTotal, tasksTotal - tasksMissing, judged.sum(), failed.sum(), meter.requests(),
        meter.transportRetries() + replyRetries.sum(), meter.rateLimited(), meter.usage());
  }

  private EvaluationResult result(DatasetPairs.Sample sample, JudgmentCache cache) {
    List<PairOutcome> outcomes = new ArrayList<>();
    Usage usage = Usage.NONE;
    for (SampledPair pair : sample.pairs()) {
      Judgment[] both = new Judgment[2];
      for (JudgeOrder order : JudgeOrder.values()) {
        ChatRequest chat =
            PairwiseJudge.request(
                request.judgeModel(), request.sampling(), pair.prompt(), pair.original(), pair.revised(), order);
        both[order.ordinal()] = cache.get(PairwiseJudge.key(request.provider(), chat)).orElse(null);
        if (both[order.ordinal()] != null) {
          usage = usage.plus(both[order.ordinal()].usage());
        }
      }
      Judgment first = both[JudgeOrder.ORIGINAL_FIRST.ordinal()];
      Judgment second = both[JudgeOrder.REVISED_FIRST.ordinal()];
      outcomes.add(
          new PairOutcome(
              pair,
              first == null ? null : JudgeOrder.ORIGINAL_FIRST.preferred(first.preference()),
              second == null ? null : JudgeOrder.REVISED_FIRST.preferred(second.preference()),
              first == null ? null : first.reason(),
              second == null ? null : second.reason()));
    }
    return new EvaluationResult(
        request.judgeModel(), request.seed(), request.sampleSize(), sample.eligible(), outcomes, usage);
  }

  /**
   * evaluation.json, then the report, then the dataset card, then the manifest (last: it lists
   * the evaluation and the report, and the packager packs what it lists besides the card).
   */
  private void write(EvaluationResult result) throws IOException {
    Path directory = request.datasetDirectory();
    JsonNode full = EvaluationJson.full(result);
    byte[] evaluation = PrettyJson.render(full).getBytes(StandardCharsets.UTF_8);
    writeAtomically(directory.resolve(EvaluationJson.FILE_NAME), evaluation);
    List<OutputFile> files = new ArrayList<>();
    files.add(new OutputFile(EvaluationJson.FILE_NAME, evaluation.length, result.outcomes().size(), sha256(evaluation)));
    Path manifest = directory.resolve(ManifestWriter.FILE_NAME);
    JsonNode report = Files.exists(manifest) ? MAPPER.readTree(manifest.toFile()).path("files").path(ReportWriter.FILE_NAME) : null;
    if (report != null && report.isObject()) {
      files.add(ReportEvaluation.update(directory, full, report.path("records").asLong()));
    }
    if (Files.isRegularFile(directory.resolve(DatasetCardWriter.FILE_NAME))) {
      DatasetCardWriter.addEvaluation(directory, result.headline());
    }
    ManifestWriter.addEvaluation(directory, EvaluationJson.forManifest(result), files);
  }

  private static void writeAtomically(Path target, byte[] content) throws IOException {
    Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
    try (FileChannel channel =
        FileChannel.open(
            partial, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
