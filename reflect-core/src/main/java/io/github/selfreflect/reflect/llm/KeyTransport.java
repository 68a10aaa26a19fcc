package io.github.selfreflect.reflect.llm;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * Whether an API key may travel to an endpoint: over plain {@code http://} only to this machine.
 * A local model server (Ollama, vLLM, llama.cpp) on {@code localhost} is reached without a
 * network, so plain http is fine there; anywhere else, plain http hands the key to every host and
 * proxy on the way.
 *
 * <p>Loopback is decided from the name as written, never by asking DNS: {@code localhost}, an
 * IPv4 address in 127.0.0.0/8 or the IPv6 address {@code ::1}. A name that merely resolves to
 * this machine ({@code gpu-box} in {@code /etc/hosts}) counts as remote: its resolution can change
 * without the build knowing.
 */
public final class KeyTransport {

  /** The host name of OpenAI's API, the one endpoint that gets {@code OPENAI_API_KEY} unasked. */
  public static final String OPENAI_HOST = "api.openai.com";

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private KeyTransport() {}

  /** Whether {@code host} names this machine: {@code localhost}, 127.0.0.0/8 or {@code ::1}. */
  public static boolean isLoopback(String host) {
    Objects.requireNonNull(host, "host");
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.equals("localhost.")) {
      return true;
    }
    if (IPV4.matcher(h).matches()) {
      return h.startsWith("127.");
    }
    if (h.indexOf(':') >= 0 && h.matches("[0-9a-f:.]+")) {
      try {
        // An IPv6 literal: parsed, not looked up (getByName resolves only names).
        return InetAddress.getByName(h).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  /**
   * Whether a key sent to {@code endpoint} would cross a network in cleartext: the endpoint is
   * plain http and either it or the HTTP proxy in between is not this machine.
   *
   * @param proxyHost the host of the HTTP proxy the request goes through, or null when direct
   */
  public static boolean exposesKey(HttpUrl endpoint, String proxyHost) {
    Objects.requireNonNull(endpoint, "endpoint");
    if (endpoint.isHttps()) {
      return false; // through a proxy too: the proxy only tunnels the TLS connection
    }
    return !isLoopback(endpoint.host()) || (proxyHost != null && !isLoopback(proxyHost));
  }

  /** Whether {@code endpoint} is OpenAI's own API (https, {@value #OPENAI_HOST}). */
  public static boolean isOpenAi(HttpUrl endpoint) {
    return endpoint.isHttps() && OPENAI_HOST.equals(endpoint.host());
  }
}
