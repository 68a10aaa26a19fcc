package io.github.selfreflect.reflect.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;

/** The settings.xml {@code <proxy>} chosen for an endpoint, and the client built from it. */
class HttpProxiesTest {

  private static final HttpUrl OPENAI = HttpUrl.get("https://api.openai.com/v1");
  private static final HttpUrl UNRESOLVABLE = HttpUrl.get("http://llm.invalid/v1");
  private static final String NON_PROXY = "localhost|*.example.com|127.*";

  /** Plain passwords pass through Maven's decrypter unchanged. */
  private final SettingsDecrypter decrypter =
      new DefaultSettingsDecrypter(
          new DefaultSecDispatcher(new DefaultPlexusCipher(), java.util.Map.of(), "/nonexistent"));

  private MockWebServer proxyServer;

  @BeforeEach
  void startProxy() throws Exception {
    proxyServer = new MockWebServer();
    proxyServer.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stopProxy() {
    proxyServer.close();
  }

  @Test
  void noSettingsOrNoProxiesMeanNoProxy() {
    assertNull(HttpProxies.activeProxy(OPENAI, null));
    assertNull(HttpProxies.activeProxy(OPENAI, new Settings()));
  }

  @Test
  void theFirstActiveProxyForTheEndpointsProtocolIsChosen() {
    org.apache.maven.settings.Proxy inactive = proxy("inactive", "https", "proxy-a", 3128);
    inactive.setActive(false);
    org.apache.maven.settings.Proxy httpOnly = proxy("http-only", "http", "proxy-b", 3128);
    org.apache.maven.settings.Proxy https = proxy("https", "https", "proxy-c", 3128);
    Settings settings = settings(inactive, httpOnly, https);

    assertSame(https, HttpProxies.activeProxy(OPENAI, settings));
    assertSame(httpOnly, HttpProxies.activeProxy(UNRESOLVABLE, settings));
  }

  @Test
  void aProxyWithoutProtocolIsAnHttpProxy() {
    org.apache.maven.settings.Proxy proxy = proxy("p", null, "proxy", 3128);
    Settings settings = settings(proxy);

    assertSame(proxy, HttpProxies.activeProxy(UNRESOLVABLE, settings));
    assertNull(HttpProxies.activeProxy(OPENAI, settings));
  }

  @Test
  void nonProxyHostsPatternsMatchWholeHostNamesWithWildcards() {
    assertTrue(HttpProxies.matchesNonProxyHosts("localhost", NON_PROXY));
    assertTrue(HttpProxies.matchesNonProxyHosts("LocalHost", NON_PROXY));
    assertTrue(HttpProxies.matchesNonProxyHosts("llm.example.com", NON_PROXY));
    assertTrue(HttpProxies.matchesNonProxyHosts("a.b.example.com", NON_PROXY));
    assertTrue(HttpProxies.matchesNonProxyHosts("127.0.0.1", NON_PROXY));
    assertTrue(HttpProxies.matchesNonProxyHosts("127.0.0.1", "10.*, 127.*"), "commas separate too");

    assertFalse(HttpProxies.matchesNonProxyHosts("example.com", NON_PROXY));
    assertFalse(HttpProxies.matchesNonProxyHosts("example.com.evil.net", NON_PROXY));
    assertFalse(HttpProxies.matchesNonProxyHosts("api.openai.com", NON_PROXY));
    assertFalse(HttpProxies.matchesNonProxyHosts("10.127.0.1", NON_PROXY));
    assertFalse(HttpProxies.matchesNonProxyHosts("localhostx", NON_PROXY));
    assertFalse(HttpProxies.matchesNonProxyHosts("localhost", null));
    assertFalse(HttpProxies.matchesNonProxyHosts("localhost", ""));
  }

  @Test
  void aHostInNonProxyHostsIsReachedDirectly() throws Exception {
    org.apache.maven.settings.Proxy proxy = proxy("p", "http", "127.0.0.1", proxyServer.getPort());
    proxy.setNonProxyHosts(NON_PROXY);
    Settings settings = settings(proxy);
    HttpUrl local = HttpUrl.get("http://127.0.0.1:8080/v1");

    assertNull(HttpProxies.activeProxy(local, settings));
    assertNull(HttpProxies.activeProxy(HttpUrl.get("http://llm.example.com/v1"), settings));
    assertSame(proxy, HttpProxies.activeProxy(UNRESOLVABLE, settings));
    OkHttpClient direct = HttpProxies.configure(new OkHttpClient.Builder(), local, settings, decrypter);
    assertNull(direct.proxy());
  }

  @Test
  void requestsGoThroughTheProxyInAbsoluteForm() throws Exception {
    Settings settings = settings(proxy("p", "http", "127.0.0.1", proxyServer.getPort()));
    OkHttpClient client =
        HttpProxies.configure(new OkHttpClient.Builder(), UNRESOLVABLE, settings, decrypter);
    assertEquals(
        new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("127.0.0.1", proxyServer.getPort())),
        client.proxy());
    proxyServer.enqueue(new MockResponse.Builder().code(200).body("ok").build());

    try (Response response = call(client)) {
      assertEquals(200, response.code());
    }

    RecordedRequest request = proxyServer.takeRequest(5, TimeUnit.SECONDS);
    assertEquals("GET http://llm.invalid/v1/models HTTP/1.1", request.getRequestLine());
    assertEquals("llm.invalid", request.getHeaders().get("Host"));
    assertNull(request.getHeaders().get("Proxy-Authorization"), "no credentials configured");
  }

  @Test
  void proxyCredentialsAreSentOnceWhenTheProxyAsksForThem() throws Exception {
    org.apache.maven.settings.Proxy proxy = proxy("p", "http", "127.0.0.1", proxyServer.getPort());
    proxy.setUsername("alice");
    proxy.setPassword("s3cret");
    OkHttpClient client =
        HttpProxies.configure(new OkHttpClient.Builder(), UNRESOLVABLE, settings(proxy), decrypter);
    proxyServer.enqueue(proxyAuthRequired());
    proxyServer.enqueue(new MockResponse.Builder().code(200).body("ok").build());

    try (Response response = call(client)) {
      assertEquals(200, response.code());
    }

    assertNull(proxyServer.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Proxy-Authorization"));
    assertEquals(
        Credentials.basic("alice", "s3cret"),
        proxyServer.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Proxy-Authorization"));
  }

  @Test
  void refusedProxyCredentialsAreNotSentAgainAndAgain() throws Exception {
    org.apache.maven.settings.Proxy proxy = proxy("p", "http", "127.0.0.1", proxyServer.getPort());
    proxy.setUsername("alice");
    proxy.setPassword("wrong");
    OkHttpClient client =
        HttpProxies.configure(new OkHttpClient.Builder(), UNRESOLVABLE, settings(proxy), decrypter);
    for (int i = 0; i < 5; i++) {
      proxyServer.enqueue(proxyAuthRequired());
    }

    try (Response response = call(client)) {
      assertEquals(407, response.code(), "the caller sees the refusal");
    }

    assertEquals(2, proxyServer.getRequestCount(), "one try without, one with the credentials");
  }

  private static Response call(OkHttpClient client) throws java.io.IOException {
    return client.newCall(new Request.Builder().url(UNRESOLVABLE.resolve("v1/models")).build()).execute();
  }

  private static MockResponse proxyAuthRequired() {
    return new MockResponse.Builder()
        .code(407)
        .setHeader("Proxy-Authenticate", "Basic realm=\"proxy\"")
        .build();
  }

  private static org.apache.maven.settings.Proxy proxy(String id, String protocol, String host, int port) {
    org.apache.maven.settings.Proxy proxy = new org.apache.maven.settings.Proxy();
    proxy.setId(id);
    proxy.setProtocol(protocol);
    proxy.setHost(host);
    proxy.setPort(port);
    return proxy;
  }

  private static Settings settings(org.apache.maven.settings.Proxy... proxies) {
    Settings settings = new Settings();
    for (org.apache.maven.settings.Proxy proxy : proxies) {
      settings.addProxy(proxy);
    }
    return settings;
  }
}
