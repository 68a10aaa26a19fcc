package io.github.selfreflect.reflect.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.FakeLlmServer.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline against a server that injects, at random but seeded, every fault a real API
 * produces. With bounded retries every target ends reflected, the dataset is byte for byte the
 * one a fault-free run writes, and every fault shows up as exactly one counted retry.
 */
class FaultMatrixTest {

  static final int TARGETS = 60;
  static final Duration READ_TIMEOUT = Duration.ofMillis(700);

  /** Each fault, and whether it is a 429. */
  static final Map<String, Supplier<Fault>> FAULTS = new LinkedHashMap<>();

  static {
    FAULTS.put("429 with Retry-After", () -> Fault.rateLimited(1));
    FAULTS.put("429 without Retry-After", Fault::rateLimited);
    FAULTS.put("500", () -> Fault.status(500));
    FAULTS.put("502", () -> Fault.status(502));
    FAULTS.put("503", () -> Fault.status(503));
    FAULTS.put("connection reset mid-body", Fault::disconnectMidBody);
    FAULTS.put("slower than the timeout", () -> Fault.slow(READ_TIMEOUT.multipliedBy(3)));
    FAULTS.put("truncated body", Fault::truncatedBody);
    FAULTS.put("body not JSON", Fault::bodyNotJson);
    FAULTS.put("content not JSON", Fault::contentNotJson);
    FAULTS.put("finish_reason length", Fault::finishLength);
    FAULTS.put("empty choices", Fault::emptyChoices);
  }

  @Test
  void everyTargetEndsReflectedAndTheDatasetMatchesAFaultFreeRun(@TempDir Path tmp)
      throws Exception {
    PipelineFixture clean = new PipelineFixture(tmp.resolve("clean"), TARGETS);
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      RunSummary summary = clean.pipeline(server, 8, RunLimits.DEFAULT).run();
      assertEquals(TARGETS, summary.reflected());
      assertEquals(0, summary.retries());
    }

    PipelineFixture faulty = new PipelineFixture(tmp.resolve("faulty"), TARGETS);
    Map<String, Integer> injected = new LinkedHashMap<>();
    int rateLimited = 0;
    int total = 0;
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      // Every kind at least once, then up to two faults per target at random: with four
      // attempts per request and three per reply, two faults can never exhaust a target.
      List<String> kinds = new ArrayList<>(FAULTS.keySet());
      List<String> ks = PipelineFixture.ks(TARGETS);
      Random random = new Random(20251124L);
      List<List<String>> plan = new ArrayList<>();
      for (int i = 0; i < TARGETS; i++) {
        List<String> faults = new ArrayList<>();
        if (i < kinds.size()) {
          faults.add(kinds.get(i));
        }
        while (faults.size() < 2 && random.nextInt(3) == 0) {
          faults.add(kinds.get(random.nextInt(kinds.size())));
        }
        plan.add(faults);
      }
      Collections.shuffle(plan, random);
      for (int i = 0; i < TARGETS; i++) {
        for (String kind : plan.get(i)) {
          server.enqueueFaultFor(ks.get(i), FAULTS.get(kind).get());
          injected.merge(kind, 1, Integer::sum);
          total++;
          if (kind.startsWith("429")) {
            rateLimited++;
          }
        }
      }

      RunSummary summary = faulty.pipeline(server, 8, RunLimits.DEFAULT, READ_TIMEOUT).run();

      assertEquals(kinds.size(), injected.size(), "every kind of fault injected: " + injected);
      assertEquals(0, server.pendingFaults(), "every fault was met");
      assertEquals(TARGETS, summary.reflected());
      assertEquals(0, summary.failed());
      assertEquals(total, summary.retries(), "one retry per fault, " + injected);
      assertEquals(rateLimited, summary.rateLimited());
      assertEquals(TARGETS + total, summary.requests());
      assertEquals(TARGETS + total, server.requestCount());
    }

    for (String file :
        List.of("sft.jsonl", "preference.jsonl", "reflections.jsonl", "failures.jsonl",
            "manifest.json")) {
      assertArrayEquals(clean.output(file), faulty.output(file), file + " differs");
    }
  }
}
