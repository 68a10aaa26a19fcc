package io.github.selfreflect.reflect.maven;

import java.util.Map;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Finds the API key: the settings.xml {@code <server>} named by {@code reflect.serverId} (its
 * {@code <password>}, decrypted when encrypted), else the environment variable. The key is only
 * ever handed to the HTTP client; no message built here contains it.
 */
final class ApiKeys {

  /**
   * Said with every decryption failure: the usual cause is a master password that is missing or
   * not the one the password was encrypted with, and the decrypter's own words (a padding error)
   * do not say so.
   */
  static final String DECRYPTION_HINT =
      "; an encrypted password needs the master password it was encrypted with, in"
          + " ~/.m2/settings-security.xml or the file named by -Dsettings.security (see"
          + " https://maven.apache.org/guides/mini/guide-encryption.html)";

  private ApiKeys() {}

  /**
   * @return the key, or null when none is configured (fine for local servers such as Ollama)
   */
  static String find(
      String serverId,
      String environmentVariable,
      Settings settings,
      SettingsDecrypter decrypter,
      Map<String, String> environment)
      throws MojoFailureException {
    if (serverId != null && !serverId.isBlank()) {
      Server server = settings == null ? null : settings.getServer(serverId);
      if (server == null) {
        throw new MojoFailureException(
            "reflect.serverId is '"
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
    if (environmentVariable != null && !environmentVariable.isBlank()) {
      String value = environment.get(environmentVariable);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return null;
  }
}
