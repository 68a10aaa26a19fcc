package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.llm.KeyTransport;
import io.github.selfreflect.reflect.llm.Provider;
import java.util.Map;
import okhttp3.HttpUrl;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Finds the API key of one endpoint: the settings.xml {@code <server>} named by the server id (its
 * {@code <password>}, decrypted when encrypted), else the environment variable the user named,
 * else {@value #DEFAULT_VARIABLE}, but that one only for OpenAI's own API. A shell that exports
 * {@value #DEFAULT_VARIABLE} for OpenAI must not hand it to whatever {@code reflect.baseUrl} a
 * build is pointed at (an Ollama box, a colleague's gateway): another endpoint gets a key only
 * when the user said which. The key is only ever handed to the HTTP client; no message built here
 * contains it.
 */
final class ApiKeys {

  /** The variable read when the user names none, and only for {@link KeyTransport#OPENAI_HOST}. */
  static final String DEFAULT_VARIABLE = "OPENAI_API_KEY";

  /**
   * Said with every decryption failure: the usual cause is a master password that is missing or
   * not the one the password was encrypted with, and the decrypter's own words (a padding error)
   * do not say so.
   */
  static final String DECRYPTION_HINT =
      "; an encrypted password needs the master password it was encrypted with, in"
          + " ~/.m2/settings-security.xml or the file named by -Dsettings.security (see"
          + " https://maven.apache.org/guides/mini/guide-encryption.html)";

  /**
   * Where one endpoint's key may come from, each with the property that set it, so that a
   * message can name what to change.
   *
   * @param serverIdProperty e.g. {@code reflect.serverId}
   * @param serverId the settings.xml server whose password is the key, or null/blank
   * @param variableProperty e.g. {@code reflect.apiKeyEnvironmentVariable}
   * @param variable the environment variable the user named, or null/blank for the default
   */
  record Source(String serverIdProperty, String serverId, String variableProperty, String variable) {

    boolean namesServer() {
      return serverId != null && !serverId.isBlank();
    }

    boolean namesVariable() {
      return variable != null && !variable.isBlank();
    }
  }

  /**
   * A key and where it came from. {@link #toString()} shows where, never the key.
   *
   * @param value the key
   * @param origin where it came from, for messages, e.g. {@code environment variable MY_KEY,
   *     named by reflect.apiKeyEnvironmentVariable}
   * @param property the property to unset to send no key, or null for the OpenAI default
   */
  record ApiKey(String value, String origin, String property) {
    @Override
    public String toString() {
      return "ApiKey[" + origin + "]";
    }
  }

  private ApiKeys() {}

  /**
   * @return the key, or null when none applies to {@code endpoint} (fine for local servers such as
   *     Ollama)
   */
  static ApiKey find(
      Source source,
      HttpUrl endpoint,
      Provider provider,
      Settings settings,
      SettingsDecrypter decrypter,
      Map<String, String> environment)
      throws MojoFailureException {
    if (source.namesServer()) {
      return new ApiKey(
          serverPassword(source, settings, decrypter),
          "settings.xml server '" + source.serverId() + "', named by "
              + source.serverIdProperty(),
          source.serverIdProperty());
    }
    if (source.namesVariable()) {
      String name = source.variable().strip();
      String value = environment.get(name);
      return value == null || value.isBlank()
          ? null
          : new ApiKey(
              value.trim(),
              "environment variable " + name + ", named by " + source.variableProperty(),
              source.variableProperty());
    }
    if (provider.isOwnApi(endpoint)) {
      String variable = provider.defaultKeyVariable();
      String value = environment.get(variable);
      return value == null || value.isBlank()
          ? null
          : new ApiKey(value.trim(), "environment variable " + variable, null);
    }
    return null;
  }

  /**
   * Whether {@value #DEFAULT_VARIABLE} holds a key that {@link #find} did not give {@code endpoint}
   * because it is not OpenAI's: worth a word in the log when the endpoint then refuses the
   * request.
   */
  static boolean defaultKeyWithheld(
      Source source, HttpUrl endpoint, Provider provider, Map<String, String> environment) {
    if (source.namesServer() || source.namesVariable() || provider.isOwnApi(endpoint)) {
      return false;
    }
    String value = environment.get(provider.defaultKeyVariable());
    return value != null && !value.isBlank();
  }

  private static String serverPassword(
      Source source, Settings settings, SettingsDecrypter decrypter) throws MojoFailureException {
    String serverId = source.serverId();
    Server server = settings == null ? null : settings.getServer(serverId);
    if (server == null) {
      throw new MojoFailureException(
          source.serverIdProperty()
              + " is '"
              + serverId
              + "' but settings.xml has no <server> with that <id>; add one whose <password>"
              + " is the API key");
    }
    SettingsDecryptionResult result =
        decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
    for (SettingsProblem problem : result.getProblems()) {
      if (problem.getSeverity().ordinal() <= SettingsProblem.Severity.ERROR.ordinal()) {
        throw new MojoFailureException(
            "Cannot decrypt the password of <server> '"
                + serverId
                + "' in settings.xml: "
                + problem.getMessage()
                + DECRYPTION_HINT);
      }
    }
    String password = result.getServer().getPassword();
    if (password == null || password.isBlank()) {
      throw new MojoFailureException(
          "<server> '" + serverId + "' in settings.xml has no <password> (the API key)");
    }
    return password.trim();
  }
}
