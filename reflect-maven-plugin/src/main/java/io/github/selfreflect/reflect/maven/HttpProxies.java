package io.github.selfreflect.reflect.maven;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.Locale;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Applies the active settings.xml {@code <proxy>} for the endpoint's protocol to one OkHttp client,
 * honouring {@code nonProxyHosts}, instead of setting JVM-wide system properties that would leak
 * into the rest of the build.
 */
final class HttpProxies {

  private HttpProxies() {}

  static OkHttpClient configure(
      OkHttpClient.Builder client, HttpUrl endpoint, Settings settings, SettingsDecrypter decrypter)
      throws MojoFailureException {
    org.apache.maven.settings.Proxy active = activeProxy(endpoint, settings);
    if (active == null) {
      return client.build();
    }
    SettingsDecryptionResult decrypted =
        decrypter.decrypt(new DefaultSettingsDecryptionRequest(active));
    for (SettingsProblem problem : decrypted.getProblems()) {
      if (problem.getSeverity().ordinal() <= SettingsProblem.Severity.ERROR.ordinal()) {
        throw new MojoFailureException(
            "Cannot decrypt the password of <proxy> '"
                + active.getId()
                + "' in settings.xml: "
                + problem.getMessage()
                + ApiKeys.DECRYPTION_HINT);
      }
    }
    org.apache.maven.settings.Proxy proxy = decrypted.getProxy();
    client.proxy(
        new Proxy(
            Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.getHost(), proxy.getPort())));
    if (proxy.getUsername() != null && !proxy.getUsername().isEmpty()) {
      String credential =
          Credentials.basic(proxy.getUsername(), proxy.getPassword() == null ? "" : proxy.getPassword());
      client.proxyAuthenticator(
          (route, response) ->
              response.request().header("Proxy-Authorization") != null
                  ? null // these credentials were refused already: do not loop
                  : response.request().newBuilder().header("Proxy-Authorization", credential).build());
    }
    return client.build();
  }

  /** The first active proxy for the URL's scheme whose nonProxyHosts does not match the host. */
  static org.apache.maven.settings.Proxy activeProxy(HttpUrl endpoint, Settings settings) {
    if (settings == null) {
      return null;
    }
    for (org.apache.maven.settings.Proxy proxy : settings.getProxies()) {
      String protocol = proxy.getProtocol() == null ? "http" : proxy.getProtocol();
      if (proxy.isActive()
          && protocol.equalsIgnoreCase(endpoint.scheme())
          && !matchesNonProxyHosts(endpoint.host(), proxy.getNonProxyHosts())) {
        return proxy;
      }
    }
    return null;
  }

  /** Maven's nonProxyHosts: {@code |}- or {@code ,}-separated patterns with {@code *} wildcards. */
  static boolean matchesNonProxyHosts(String host, String nonProxyHosts) {
    if (nonProxyHosts == null || nonProxyHosts.isBlank()) {
      return false;
    }
    String lowerHost = host.toLowerCase(Locale.ROOT);
    for (String pattern : nonProxyHosts.split("[|,]")) {
      String p = pattern.trim().toLowerCase(Locale.ROOT);
      if (p.isEmpty()) {
        continue;
      }
      String regex = ("\\Q" + p + "\\E").replace("*", "\\E.*\\Q");
      if (lowerHost.matches(regex)) {
        return true;
      }
    }
    return false;
  }
}
