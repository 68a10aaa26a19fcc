package io.github.selfreflect.reflect.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.pipeline.ReflectListener;
import io.github.selfreflect.reflect.pipeline.RunSummary;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real SIGINT to a JVM in the middle of a run: it stops sending, lets the requests in flight
 * come back, caches every reply it received and exits; the next run sends only what is left.
 */
@EnabledOnOs({OS.LINUX, OS.MAC}) // needs kill(1) to send the signal
class CtrlCTest {

  static final int TARGETS = 200;

  @Test
  void ctrlCKeepsEveryReplyReceivedAndTheNextRunResumes(@TempDir Path root) throws Exception {
    CtrlCRun.writeCorpus(root, TARGETS);
    Path cache = root.resolve("cache/v1/reflections.jsonl");
    Path output = root.resolve("child.log");
    int sent;
    try (FakeLlmServer server = new FakeLlmServer().latency(Duration.ofMillis(300)).start()) {
      String java = ProcessHandle.current().info().command().orElse("java");
      Process child =
          new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                  CtrlCRun.class.getName(), server.baseUrl(), root.toString())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines(cache) < 12) {
          assertTrue(child.isAlive(), () -> "the run ended early: " + read(output));
          assertTrue(System.nanoTime() < deadline, "no progress: " + read(output));
          Thread.sleep(50);
        }
        new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the run exits after Ctrl-C");
      } finally {
        child.destroyForcibly();
      }
      String log = read(output);
      assertTrue(log.contains("Interrupted: sending no more requests"), log);
      assertTrue(
          log.contains("Stopped: every reply received is cached; the next build resumes"), log);
      sent = server.requestCount();
      assertTrue(sent < TARGETS, "stopped sending after " + sent);
      assertEquals(sent, lines(cache), "every reply received is in the cache");
    }
    try (FakeLlmServer server = new FakeLlmServer().start()) {
      RunSummary resumed =
          CtrlCRun.pipeline(server.baseUrl(), root, ReflectListener.SILENT).run();
      assertEquals(TARGETS - sent, server.requestCount(), "the next run sends only what is left");
      assertEquals(sent, resumed.cached());
      assertEquals(TARGETS, resumed.cached() + resumed.reflected());
    }
  }

  private static long lines(Path file) throws Exception {
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).size() : 0;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (Exception e) {
      return "(no output: " + e + ")";
    }
  }
}
