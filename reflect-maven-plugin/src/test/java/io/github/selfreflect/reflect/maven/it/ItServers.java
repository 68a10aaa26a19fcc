package io.github.selfreflect.reflect.maven.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.HindsightPrompt;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Function;

/**
 * Starts and stops the fake LLM for an invoker integration project, from its {@code setup.groovy}
 * and {@code verify.groovy}.
 *
 * <p>The server runs inside the invoker's JVM while the project's builds run as separate Maven
 * processes; they find it through {@code .mvn/maven.config}, which Maven reads from the project's
 * root. The running server is kept in the JVM's system properties because the two hook scripts
 * are loaded by different class loaders, so a static field here would not be shared.
 */
public final class ItServers {

  private static final String PREFIX = "reflect.it.server:";

  private ItServers() {}

  /** Starts a fake LLM for the project and points the project's builds at it. */
  public static FakeLlmServer start(File basedir) throws IOException {
    return launch(basedir, new FakeLlmServer());
  }

  /**
   * As {@link #start(File)}, with a server whose reply content is {@code replier} of the request
   * body (a Groovy closure works), for prompt formats the fake does not know.
   */
  public static FakeLlmServer start(File basedir, Function<JsonNode, String> replier)
      throws IOException {
    return launch(basedir, replier == null ? new FakeLlmServer() : new FakeLlmServer(replier));
  }

  /**
   * Like {@link #start(File)}, with a fake that also judges: asked by {@code reflect:evaluate}
   * which of two answers is better, it prefers the fake reflector's new answer in either order.
   */
  public static FakeLlmServer startJudging(File basedir) throws IOException {
    return launch(basedir, new FakeLlmServer(ItServers::reflectOrJudge));
  }

  /**
   * A second judging fake beside the project's own (started first with {@link #start} or {@link
   * #startJudging}), for a judge with an endpoint of its own: its base URL reaches the builds as
   * the property {@code property}, appended to {@code .mvn/maven.config}. Stop it with {@link
   * #stopSecond}.
   */
  public static FakeLlmServer startSecondJudging(File basedir, String property)
      throws IOException {
    FakeLlmServer server = new FakeLlmServer(ItServers::reflectOrJudge).start();
    Files.writeString(
        basedir.toPath().resolve(".mvn").resolve("maven.config"),
        "-D" + property + "=" + server.baseUrl() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    System.getProperties().put(PREFIX + basedir.getCanonicalPath() + "#" + property, server);
    return server;
  }

  /** Stops the server of {@link #startSecondJudging} and returns it, as {@link #stop} does. */
  public static Object stopSecond(File basedir, String property) throws Exception {
    return close(
        System.getProperties().remove(PREFIX + basedir.getCanonicalPath() + "#" + property),
        basedir);
  }

  /** A judge's verdict for a judging request; otherwise the fake's own reply, hindsight or seed. */
  private static String reflectOrJudge(JsonNode body) {
    String system = body.at("/messages/0/content").asText();
    if (!system.startsWith("You are an impartial judge")) {
      HindsightPrompt hindsight = HindsightPrompt.of(body);
      return hindsight != null
          ? hindsight.reply()
          : FakeLlmServer.seedReply(FakeLlmServer.extractK(body).orElseThrow());
    }
    String user = body.at("/messages/1/content").asText();
    String a = user.substring(user.indexOf("{\"A\":"));
    boolean revisedIsA = a.startsWith("{\"A\":\"A better answer");
    return "{\"reason\": \"It answers what was asked.\", \"better\": \"" + (revisedIsA ? "A" : "B") + "\"}";
  }

  private static FakeLlmServer launch(File basedir, FakeLlmServer fake) throws IOException {
    FakeLlmServer server = fake.start();
    Path mvn = basedir.toPath().resolve(".mvn");
    Files.createDirectories(mvn);
    Files.writeString(
        mvn.resolve("maven.config"),
        "-Dreflect.baseUrl=" + server.baseUrl() + "\n",
        StandardCharsets.UTF_8);
    System.getProperties().put(PREFIX + basedir.getCanonicalPath(), server);
    return server;
  }

  /**
   * Stops the project's fake LLM and returns it, so the verify script can read its counts. Typed
   * {@code Object} on purpose: the setup script's class loader may have loaded another copy of
   * {@link FakeLlmServer}, so a cast could fail; Groovy calls its methods by name either way.
   */
  public static Object stop(File basedir) throws Exception {
    return close(System.getProperties().remove(PREFIX + basedir.getCanonicalPath()), basedir);
  }

  private static Object close(Object server, File basedir) throws Exception {
    if (!(server instanceof AutoCloseable)) {
      throw new IllegalStateException("no fake LLM was started for " + basedir);
    }
    ((AutoCloseable) server).close();
    return server;
  }
}
