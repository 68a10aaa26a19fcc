package io.github.selfreflect.reflect.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.testing.FakeLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests in flight, progress reports, and stopping a run half-way without losing a reply. */
class CancelAndConcurrencyTest {

  @Test
  void keepsConcurrencyRequestsInFlightAndReportsProgress(@TempDir Path tmp) throws Exception {
    PipelineFixture fixture = new PipelineFixture(tmp, 48);
    try (FakeLlmServer server = new FakeLlmServer().latency(Duration.ofMillis(300)).start()) {
      RunSummary summary = fixture.pipeline(server, 8, RunLimits.DEFAULT).run();
      assertEquals(48, summary.reflected());
      assertEquals(8, server.maxInFlight(), "requests in flight at once");
    }
    RunProgress last = fixture.progress.get(fixture.progress.size() - 1);
    assertEquals(48, last.reflected());
    assertEquals(48, last.done());
    assertEquals(48, last.requests());
    assertTrue(fixture.progress.size() >= 2, "a heartbeat during the run, and the final report");
  }

  /**
   * A conversation in two files is two targets and one request: the copy settles with the request
   * it shares, whether it is read while that request is in flight or after its reply is cached, so
   * the progress line ends with every target done, as the summary counts them.
   */
  @Test
  void progressCountsACopyInASecondFileWithTheRequestItShares(@TempDir Path tmp) throws Exception {
    PipelineFixture fixture = new PipelineFixture(tmp, 24);
    Files.copy(fixture.chats().resolve("chats.jsonl"), fixture.chats().resolve("copy.jsonl"));
    try (FakeLlmServer server = new FakeLlmServer().latency(Duration.ofMillis(50)).start()) {
      RunSummary summary = fixture.pipeline(server, 4, RunLimits.DEFAULT).run();
      assertEquals(24, server.requestCount(), "each copy is paid for once");
      assertEquals(48, summary.reflected());
    }
    RunProgress last = fixture.progress.get(fixture.progress.size() - 1);
    assertEquals(48, last.targets());
    assertEquals(48, last.toReflect());
    assertEquals(48, last.reflected(), "each copy is a target this run reflected");
    assertEquals(0, last.remaining(), last::toString);
    assertEquals(48, last.done(), last::toString);
  }

  @Test
  void cancelStopsSendingKeepsEveryReplyReceivedAndTheNextRunResumes(@TempDir Path tmp)
      throws Exception {
    PipelineFixture fixture = new PipelineFixture(tmp, 60);
    ReflectPipeline pipeline;
    int sent;
    try (FakeLlmServer server = new FakeLlmServer().latency(Duration.ofMillis(200)).start()) {
      pipeline = fixture.pipeline(server, 4, RunLimits.DEFAULT);
      CompletableFuture<RunSummary> run =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return pipeline.run();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      while (fixture.cachedLines() < 8) {
        Thread.sleep(20);
      }
      pipeline.cancel();
      assertTrue(pipeline.awaitFinished(Duration.ofSeconds(10)));
      Exception e = assertThrows(Exception.class, () -> run.get(1, TimeUnit.SECONDS));
      ReflectFailureException failure = (ReflectFailureException) e.getCause().getCause();
      assertTrue(failure.getMessage().startsWith("Cancelled: "), failure.getMessage());
      sent = server.requestCount();
      assertTrue(sent < 60, "stopped sending: " + sent);
      assertEquals(sent, fixture.cachedLines(), "every reply that came back is in the cache");
      assertEquals(60 - sent, failure.summary().skipped());
      assertTrue(failure.getMessage().contains((60 - sent) + " of 60 targets remain"));
    }
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      RunSummary resumed = fixture.pipeline(server, 4, RunLimits.DEFAULT).run();
      assertEquals(60 - sent, server.requestCount(), "the next run sends only what is missing");
      assertEquals(sent, resumed.cached());
      assertEquals(60, resumed.cached() + resumed.reflected());
    }
  }
}
