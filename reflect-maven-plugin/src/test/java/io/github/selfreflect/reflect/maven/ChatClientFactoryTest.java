package io.github.selfreflect.reflect.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.openai.RetryListener;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.junit.jupiter.api.Test;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;

/**
 * The client of {@code reflect:generate} and {@code reflect:evaluate}: nothing about the key is
 * looked up until a client is built (a cached build needs none), and then the named server's key
 * is what reaches the endpoint.
 */
class ChatClientFactoryTest {

  private static final String KEY = "sk-server-key-0123456789";

  /** Plain passwords pass through Maven's decrypter unchanged. */
  private final SettingsDecrypter decrypter =
      new DefaultSettingsDecrypter(
          new DefaultSecDispatcher(new DefaultPlexusCipher(), Map.of(), "/nonexistent"));

  private final RecordingLog log = new RecordingLog();

  @Test
  void aServerNamedButMissingFailsOnlyWhenAClientIsBuilt() throws Exception {
    ChatClientFactory clients =
        factory("http://127.0.0.1:9/v1", "no-such-server", new Settings(), Map.of());

    ChatClientFactory.ConfigurationFailure failure =
        assertThrows(ChatClientFactory.ConfigurationFailure.class, () -> clients.create(RequestGate.OPEN));
    assertTrue(
        failure.failure().getMessage().startsWith("reflect.serverId is 'no-such-server' but settings.xml has no <server>"),
        failure.failure().getMessage());
  }

  @Test
  void theNamedServersKeyReachesTheEndpoint() throws Exception {
    Settings settings = new Settings();
    Server server = new Server();
    server.setId("llm");
    server.setPassword(KEY);
    settings.addServer(server);
    try (FakeLlmServer fake = new FakeLlmServer(body -> "{\"ok\": true}").start()) {
      ChatModel model =
          factory(fake.baseUrl(), "llm", settings, Map.of("OPENAI_API_KEY", "sk-environment"))
              .create(RequestGate.OPEN);

      assertEquals("{\"ok\": true}", model.complete(hello()).content());
      assertEquals("Bearer " + KEY, fake.calls().get(0).header("Authorization"));
    }
  }

  @Test
  void noKeyForOpenAiIsAWarningNamingWhereToPutOne() throws Exception {
    factory("https://api.openai.com/v1", null, new Settings(), Map.of()).create(RequestGate.OPEN);

    assertEquals(
        List.of(
            "WARN No API key: set the environment variable OPENAI_API_KEY or reflect.serverId (a"
                + " settings.xml <server>)"),
        log.lines);
  }

  @Test
  void aBaseUrlThatIsNoUrlFailsNamingTheProperty() {
    MojoFailureException failure =
        assertThrows(MojoFailureException.class, () -> factory("localhost:11434", null, null, Map.of()));
    assertEquals(
        "reflect.evaluate.baseUrl: expected an http or https URL such as https://api.openai.com/v1,"
            + " found 'localhost:11434'",
        failure.getMessage());
  }

  private ChatClientFactory factory(
      String baseUrl, String serverId, Settings settings, Map<String, String> environment)
      throws MojoFailureException {
    return ChatClientFactory.forEndpoint(
        "reflect.evaluate.baseUrl",
        baseUrl,
        new ChatClientFactory.KeyAndProxy(serverId, "OPENAI_API_KEY", settings, decrypter, environment),
        Duration.ofSeconds(5),
        0,
        1,
        RetryListener.NONE,
        log);
  }

  private static ChatRequest hello() {
    return new ChatRequest(
        "fake-model", List.of(Message.of(Role.USER, "Hello")), SamplingParameters.DEFAULTS);
  }
}
