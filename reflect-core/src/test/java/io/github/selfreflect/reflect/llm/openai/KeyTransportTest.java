package io.github.selfreflect.reflect.llm.openai;

import io.github.selfreflect.reflect.llm.KeyTransport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.selfreflect.reflect.testing.FakeLlmServer;
import java.net.InetSocketAddress;
import java.net.Proxy;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A key goes over https, or over plain http to this machine only. */
class KeyTransportTest {

  private static final String KEY = "sk-transport-key-42";

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "::1", "[::1]",
      "0:0:0:0:0:0:0:1"})
  void loopbackNames(String host) {
    assertTrue(KeyTransport.isLoopback(host), host);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpu-box", "10.0.0.5", "128.0.0.1", "0.0.0.0", "127.0.0.1.nip.io",
      "localhost.example.com", "my-localhost", "::2", "api.openai.com"})
  void namesThatAreNotLoopback(String host) {
    assertFalse(KeyTransport.isLoopback(host), host);
  }

  @Test
  void plainHttpExposesAKeyUnlessEveryHopIsThisMachine() {
    assertFalse(KeyTransport.exposesKey(HttpUrl.get("https://llm.example.com/v1"), null));
    assertFalse(KeyTransport.exposesKey(HttpUrl.get("https://llm.example.com/v1"), "proxy.corp"));
    assertFalse(KeyTransport.exposesKey(HttpUrl.get("http://localhost:11434/v1"), null));
    assertFalse(KeyTransport.exposesKey(HttpUrl.get("http://[::1]:8000/v1"), "127.0.0.1"));
    assertTrue(KeyTransport.exposesKey(HttpUrl.get("http://gpu-box:11434/v1"), null));
    assertTrue(KeyTransport.exposesKey(HttpUrl.get("http://127.0.0.1:8000/v1"), "proxy.corp"));
  }

  @Test
  void onlyOpenAisHostIsOpenAi() {
    assertTrue(KeyTransport.isOpenAi(HttpUrl.get("https://api.openai.com/v1")));
    assertFalse(KeyTransport.isOpenAi(HttpUrl.get("http://api.openai.com/v1")));
    assertFalse(KeyTransport.isOpenAi(HttpUrl.get("https://api.openai.com.evil.example/v1")));
    assertFalse(KeyTransport.isOpenAi(HttpUrl.get("https://openrouter.ai/api/v1")));
  }

  @Test
  void theClientRefusesAKeyForPlainHttpToAnotherMachine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OpenAiChatClient.builder().baseUrl("http://gpu-box:11434/v1").apiKey(KEY).build());

    assertEquals(
        "Refusing to send an API key over plain http to gpu-box, which is not this machine: use"
            + " https, or no key (or allowPlainHttpKey)",
        e.getMessage());
    // Without a key, the same endpoint is fine (a local network's Ollama needs none).
    OpenAiChatClient.builder().baseUrl("http://gpu-box:11434/v1").build();
    // And with the key, when the caller says the network is trusted.
    OpenAiChatClient.builder()
        .baseUrl("http://gpu-box:11434/v1")
        .apiKey("sk-test")
        .allowPlainHttpKey(true)
        .build();
  }

  @Test
  void theClientRefusesAKeyThroughARemoteProxyOverPlainHttp() {
    OkHttpClient proxied =
        new OkHttpClient.Builder()
            .proxy(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("proxy.corp", 3128)))
            .build();

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OpenAiChatClient.builder().baseUrl("http://127.0.0.1:8000/v1").httpClient(proxied)
                .apiKey(KEY).build());

    assertTrue(e.getMessage().contains("through the proxy proxy.corp"), e.getMessage());
    assertFalse(e.getMessage().contains(KEY));
  }

  @Test
  void aKeyReachesALoopbackServerOverPlainHttp() throws Exception {
    try (FakeLlmServer fake = new FakeLlmServer().start()) {
      OpenAiChatClient.builder().baseUrl(fake.baseUrl()).apiKey(KEY).build()
          .complete(TestSupport.seedRequest("hello"));

      assertEquals("Bearer " + KEY, fake.calls().get(0).header("Authorization"));
    }
  }
}
