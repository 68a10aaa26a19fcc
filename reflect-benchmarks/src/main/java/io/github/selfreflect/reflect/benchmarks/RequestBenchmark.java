package io.github.selfreflect.reflect.benchmarks;

import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.llm.RetryPolicy;
import io.github.selfreflect.reflect.pipeline.ReflectListener;
import io.github.selfreflect.reflect.pipeline.ReflectPipeline;
import io.github.selfreflect.reflect.pipeline.ReflectRequest;
import io.github.selfreflect.reflect.pipeline.RunProgress;
import io.github.selfreflect.reflect.pipeline.RunSummary;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The request pass of the pipeline against a loopback fake LLM, for the figures of issue 5:
 *
 * <ol>
 *   <li><b>throughput</b>: every reply takes a fixed 200 ms; 2,000 targets at concurrency 32.
 *       Prints the wall time of the whole run (read, request, cache, write) against the ideal,
 *       targets × latency ÷ concurrency; the goal is at most 1.15× the ideal.
 *   <li><b>ratelimit</b>: the same server also limits requests to 600 a minute (a one-second
 *       bucket, 429 with {@code Retry-After} when empty, no {@code x-ratelimit-*} headers, so the
 *       client learns from 429s alone). Prints the sustained throughput (goal: at least 90% of the
 *       limit), failed targets (goal: 0) and the share of requests answered 429 (goal: under 5%).
 * </ol>
 *
 * Arguments: {@code [throughput|ratelimit|all] [--targets N] [--ratelimit-targets N] [--warmup
 * N]}; defaults {@code all}, 2,000, 1,000 (the rate-limited run lasts about {@code N / 10}
 * seconds) and 500 (an unmeasured first run that lets the JIT compile the hot paths).
 */
public final class RequestBenchmark {

  static final Duration LATENCY = Duration.ofMillis(200);
  static final int CONCURRENCY = 32;
  static final int LIMIT_PER_MINUTE = 600;

  private RequestBenchmark() {}

  public static void main(String[] args) throws Exception {
    String which = "all";
    int targets = 2_000;
    int rateLimitTargets = 1_000;
    int warmup = 500;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--targets":
          targets = Integer.parseInt(args[++i]);
          break;
        case "--warmup":
          warmup = Integer.parseInt(args[++i]);
          break;
        case "--ratelimit-targets":
          rateLimitTargets = Integer.parseInt(args[++i]);
          break;
        default:
          which = args[i];
      }
    }
    if (warmup > 0) {
      // A JVM runs cold code slowly: without a warm-up the first seconds measure the JIT.
      System.out.println("warm-up: " + warmup + " targets, not measured");
      try (FakeLlmServer server = new FakeLlmServer().latency(LATENCY).start()) {
        run(server, warmup);
      }
    }
    boolean ok = true;
    if (which.equals("all") || which.equals("throughput")) {
      ok &= throughput(targets);
    }
    if (which.equals("all") || which.equals("ratelimit")) {
      ok &= rateLimited(rateLimitTargets);
    }
    System.out.println(ok ? "All goals met." : "Some goals NOT met.");
  }

  static boolean throughput(int targets) throws Exception {
    try (FakeLlmServer server = new FakeLlmServer().latency(LATENCY).start()) {
      Run run = run(server, targets);
      double ideal = targets * LATENCY.toMillis() / 1000.0 / CONCURRENCY;
      double ratio = run.seconds / ideal;
      System.out.printf(
          Locale.ROOT,
          "throughput: %d targets, latency %d ms, concurrency %d: wall %.2f s, ideal %.2f s,"
              + " ratio %.3f (goal <= 1.15); %d reflected, %d failed, %d requests, server peak"
              + " in flight %d%n",
          targets, LATENCY.toMillis(), CONCURRENCY, run.seconds, ideal, ratio,
          run.summary.reflected(), run.summary.failed(), server.requestCount(),
          server.maxInFlight());
      return ratio <= 1.15 && run.summary.failed() == 0;
    }
  }

  static boolean rateLimited(int targets) throws Exception {
    try (FakeLlmServer server =
        new FakeLlmServer().latency(LATENCY).rateLimit(LIMIT_PER_MINUTE, false).start()) {
      Run run = run(server, targets);
      double perMinute = run.summary.reflected() / run.seconds * 60;
      double share = perMinute / LIMIT_PER_MINUTE;
      double tooMany = 100.0 * server.rateLimitedCount() / server.requestCount();
      System.out.printf(
          Locale.ROOT,
          "ratelimit: %d targets, limit %d/min, concurrency %d: wall %.1f s, sustained %.1f"
              + " requests/min = %.1f%% of the limit (goal >= 90%%), %d failed (goal 0),"
              + " %d of %d requests were 429 = %.2f%% (goal < 5%%)%n",
          targets, LIMIT_PER_MINUTE, CONCURRENCY, run.seconds, perMinute, share * 100,
          run.summary.failed(), server.rateLimitedCount(), server.requestCount(), tooMany);
      return share >= 0.9 && run.summary.failed() == 0 && tooMany < 5;
    }
  }

  private record Run(RunSummary summary, double seconds) {}

  private static Run run(FakeLlmServer server, int targets) throws Exception {
    Path dir = Files.createTempDirectory("reflect-benchmark");
    try {
      SyntheticCorpus.write(dir.resolve("chats"), targets);
      ReflectRequest request =
          ReflectRequest.builder(
                  dir.resolve("chats"), dir.resolve("out"), dir.resolve("cache"),
                  PromptTemplates.byId("seed"), "fake-model")
              .concurrency(CONCURRENCY)
              .generatorVersion("benchmark")
              .build();
      ReflectPipeline pipeline =
          new ReflectPipeline(
              request,
              gate ->
                  OpenAiChatClient.builder()
                      .baseUrl(server.baseUrl())
                      .requestGate(gate)
                      .maxConcurrentRequests(CONCURRENCY)
                      .retryPolicy(RetryPolicy.DEFAULT)
                      .build(),
              new PrintingListener());
      long start = System.nanoTime();
      RunSummary summary = pipeline.run();
      return new Run(summary, (System.nanoTime() - start) / 1e9);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Progress every five seconds, so a long run shows it is alive. */
  private static final class PrintingListener implements ReflectListener {
    private long next = System.nanoTime() + Duration.ofSeconds(5).toNanos();

    private final long start = System.nanoTime();

    @Override
    public void info(String message) {
      System.out.printf(Locale.ROOT, "  %.2f s: %s%n", (System.nanoTime() - start) / 1e9, message);
    }

    @Override
    public void warn(String message) {
      System.out.println("  warning: " + message);
    }

    @Override
    public synchronized void progress(RunProgress p) {
      if (p.settled() == p.toReflect()) {
        info("request pass done in " + p.elapsed().toMillis() + " ms");
      }
      if (System.nanoTime() - next < 0) {
        return;
      }
      next = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      System.out.printf(
          Locale.ROOT,
          "  %d/%d settled, %d requests, %d retries, %d rate-limited, pace %s%n",
          p.settled(), p.toReflect(), p.requests(), p.retries(), p.rateLimited(),
          Double.isInfinite(p.pace())
              ? "unlimited"
              : String.format(Locale.ROOT, "%.1f/s", p.pace()));
    }
  }

}
