package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.llm.providers.Providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.llm.ChatModel;
import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.RequestGate;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.RetryListener;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.github.selfreflect.reflect.llm.LlmException;
import io.github.selfreflect.reflect.llm.LlmFailure;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.junit.jupiter.api.Test;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;

/**
 * The client of {@code reflect:generate} and {@code reflect:evaluate}: nothing about the key is
 * looked up until a client is built (a cached build needs none); then the key the user meant for
 * the endpoint, and only that, reaches it, and never in cleartext beyond this machine. Each test
 * reads the {@code Authorization} header a loopback server received.
 */
class ChatClientFactoryTest {

  private static final String KEY = "sk-server-key-0123456789";
  private static final String SHELL_KEY = "sk-openai-from-the-shell-9876";
  private static final String LOCAL_KEY = "sk-local-llm-key-4242";

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
  void openAiApiKeyInTheShellDoesNotReachAnotherEndpoint() throws Exception {
    try (FakeLlmServer fake = new FakeLlmServer(body -> "{\"ok\": true}").start()) {
      factory(fake.baseUrl(), null, null, Map.of("OPENAI_API_KEY", SHELL_KEY))
          .create(RequestGate.OPEN)
          .complete(hello());

      assertNull(fake.calls().get(0).header("Authorization"));
      assertEquals(
          List.of(
              "INFO OPENAI_API_KEY is set but not sent to 127.0.0.1: unasked it goes to"
                  + " api.openai.com only. If this endpoint needs it, set"
                  + " reflect.apiKeyEnvironmentVariable=OPENAI_API_KEY"),
          log.lines);
    }
  }

  @Test
  void aVariableNamedOnPurposeReachesTheEndpoint() throws Exception {
    try (FakeLlmServer fake = new FakeLlmServer(body -> "{\"ok\": true}").start()) {
      factory(fake.baseUrl(), null, "LOCAL_LLM_KEY", null,
              Map.of("LOCAL_LLM_KEY", LOCAL_KEY, "OPENAI_API_KEY", SHELL_KEY))
          .create(RequestGate.OPEN)
          .complete(hello());
      factory(fake.baseUrl(), null, "OPENAI_API_KEY", null, Map.of("OPENAI_API_KEY", SHELL_KEY))
          .create(RequestGate.OPEN)
          .complete(hello());

      assertEquals("Bearer " + LOCAL_KEY, fake.calls().get(0).header("Authorization"));
      assertEquals("Bearer " + SHELL_KEY, fake.calls().get(1).header("Authorization"));
      assertEquals(List.of(), log.lines);
    }
  }

  @Test
  void aKeyForPlainHttpToAnotherMachineFailsBeforeAnyRequest() throws Exception {
    // The loopback server plays the settings.xml proxy: were the key not refused, the request
    // for the unresolvable host would reach it, as in the proxy-from-settings build.
    try (FakeLlmServer proxy = new FakeLlmServer(body -> "{\"ok\": true}").start()) {
      Settings settings = withProxy(new Settings(), "127.0.0.1", proxy.port());
      ChatClientFactory clients =
          factory("http://gpu-box.invalid:11434/v1", null, "LOCAL_LLM_KEY", settings,
              Map.of("LOCAL_LLM_KEY", LOCAL_KEY));

      MojoFailureException failure =
          assertThrows(ChatClientFactory.ConfigurationFailure.class,
              () -> clients.create(RequestGate.OPEN)).failure();

      assertEquals(
          "reflect.evaluate.baseUrl is http://gpu-box.invalid:11434/v1: plain http to"
              + " gpu-box.invalid, which is not this machine, would carry the API key (environment"
              + " variable LOCAL_LLM_KEY, named by reflect.apiKeyEnvironmentVariable) in cleartext."
              + " Use an https URL in reflect.evaluate.baseUrl, or, if the server needs no key,"
              + " leave reflect.apiKeyEnvironmentVariable unset (on a network you trust that"
              + " offers no https, -Dreflect.allowPlainHttpKey=true)",
          failure.getMessage());
      assertEquals(0, proxy.requestCount());
      // Without a key the same endpoint is fine: the proxy gets the request, with no header.
      factory("http://gpu-box.invalid:11434/v1", null, null, settings, Map.of())
          .create(RequestGate.OPEN)
          .complete(hello());
      assertEquals(1, proxy.requestCount());
      assertNull(proxy.calls().get(0).header("Authorization"));
    }
  }

  /** The opt-in for a trusted network without https: the key goes, and the log says so. */
  @Test
  void allowPlainHttpKeySendsTheKeyToAnotherMachineWithAWarning() throws Exception {
    try (FakeLlmServer proxy = new FakeLlmServer(body -> "{\"ok\": true}").start()) {
      Settings settings = withProxy(new Settings(), "127.0.0.1", proxy.port());
      ChatClientFactory.KeyAndProxy allowed =
          new ChatClientFactory.KeyAndProxy(
              new ApiKeys.Source(
                  "reflect.serverId", null, "reflect.apiKeyEnvironmentVariable", "LOCAL_LLM_KEY"),
              settings,
              keyAndProxy(null, null, null, Map.of()).decrypter(),
              Map.of("LOCAL_LLM_KEY", LOCAL_KEY),
              true);

      ChatClientFactory.forEndpoint(
              "reflect.baseUrl", "http://gpu-box.invalid:11434/v1", Providers.DEFAULT, allowed, Duration.ofSeconds(5),
              0, 1, RetryListener.NONE, log)
          .create(RequestGate.OPEN)
          .complete(hello());

      assertEquals(1, proxy.requestCount());
      assertEquals("Bearer " + LOCAL_KEY, proxy.calls().get(0).header("Authorization"));
      assertEquals(
          List.of(
              "WARN Sending the API key (environment variable LOCAL_LLM_KEY, named by"
                  + " reflect.apiKeyEnvironmentVariable) over plain http to gpu-box.invalid, which is"
                  + " not this machine, as reflect.allowPlainHttpKey=true allows: anyone on the way"
                  + " can read it"),
          log.lines);
      assertTrue(log.lines.stream().noneMatch(l -> l.contains(LOCAL_KEY)));
    }
  }

  @Test
  void aServerKeyForPlainHttpToAnotherMachineNamesTheServerId() {
    MojoFailureException failure =
        assertThrows(ChatClientFactory.ConfigurationFailure.class,
            () -> factory("http://10.0.0.5:8000/v1", "llm", null, settingsWithKey(), Map.of())
                .create(RequestGate.OPEN)).failure();

    assertTrue(
        failure.getMessage().endsWith("(settings.xml server 'llm', named by reflect.serverId) in"
            + " cleartext. Use an https URL in reflect.evaluate.baseUrl, or, if the server needs no"
            + " key, leave reflect.serverId unset (on a network you trust that offers no https,"
            + " -Dreflect.allowPlainHttpKey=true)"),
        failure.getMessage());
    assertFalse(failure.getMessage().contains(KEY));
  }

  @Test
  void aKeyForLoopbackThroughARemoteProxyFails() {
    Settings settings = withProxy(settingsWithKey(), "proxy.corp.invalid", 3128);

    MojoFailureException failure =
        assertThrows(ChatClientFactory.ConfigurationFailure.class,
            () -> factory("http://127.0.0.1:8000/v1", "llm", null, settings, Map.of())
                .create(RequestGate.OPEN)).failure();

    assertTrue(
        failure.getMessage().startsWith("reflect.evaluate.baseUrl is http://127.0.0.1:8000/v1:"
            + " plain http through the settings.xml proxy proxy.corp.invalid, which is not this"
            + " machine, would carry the API key"),
        failure.getMessage());
  }

  /**
   * reflect.timeout bounds an attempt as a whole: a reply that trickles in over 1.5 s, never
   * silent for long, fails a 1 s timeout (a read timeout alone would let it through).
   */
  @Test
  void theTimeoutBoundsTheWholeAttempt() throws Exception {
    try (FakeLlmServer fake = new FakeLlmServer(body -> "{\"ok\": true}").start()) {
      fake.enqueueFault(FakeLlmServer.Fault.trickle(Duration.ofMillis(1500)));
      ChatModel model =
          ChatClientFactory.forEndpoint(
                  "reflect.baseUrl",
                  fake.baseUrl(),
                  Providers.DEFAULT,
                  keyAndProxy(null, null, null, Map.of()),
                  Duration.ofSeconds(1),
                  0,
                  1,
                  RetryListener.NONE,
                  log)
              .create(RequestGate.OPEN);

      LlmException e = assertThrows(LlmException.class, () -> model.complete(hello()));
      assertEquals(LlmFailure.Kind.TIMEOUT, e.failure().kind(), e.getMessage());
    }
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
    return factory(baseUrl, serverId, null, settings, environment);
  }

  private ChatClientFactory factory(
      String baseUrl,
      String serverId,
      String variable,
      Settings settings,
      Map<String, String> environment)
      throws MojoFailureException {
    return ChatClientFactory.forEndpoint(
        "reflect.evaluate.baseUrl",
        baseUrl,
        Providers.DEFAULT,
        keyAndProxy(serverId, variable, settings, environment),
        Duration.ofSeconds(5),
        0,
        1,
        RetryListener.NONE,
        log);
  }

  private ChatClientFactory.KeyAndProxy keyAndProxy(
      String serverId, String variable, Settings settings, Map<String, String> environment) {
    return new ChatClientFactory.KeyAndProxy(
        new ApiKeys.Source("reflect.serverId", serverId, "reflect.apiKeyEnvironmentVariable", variable),
        settings,
        decrypter,
        environment);
  }

  private static Settings settingsWithKey() {
    Settings settings = new Settings();
    Server server = new Server();
    server.setId("llm");
    server.setPassword(KEY);
    settings.addServer(server);
    return settings;
  }

  private static Settings withProxy(Settings settings, String host, int port) {
    Proxy proxy = new Proxy();
    proxy.setId("corp");
    proxy.setProtocol("http");
    proxy.setHost(host);
    proxy.setPort(port);
    settings.addProxy(proxy);
    return settings;
  }

  private static ChatRequest hello() {
    return new ChatRequest(
        "fake-model", List.of(Message.of(Role.USER, "Hello")), SamplingParameters.DEFAULTS);
  }
}
