package io.github.selfreflect.reflect.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;

/**
 * The API key from the environment or a settings.xml {@code <server>}, decrypted by Maven's own
 * decrypter (as Maven 3.9 wires it: a {@link DefaultSecDispatcher} reading a settings-security.xml
 * whose master password unlocks the server passwords).
 */
class ApiKeysTest {

  private static final String KEY = "sk-settings-0123456789abcdef";
  private static final String MASTER = "the master password";

  @TempDir Path home;

  private final DefaultPlexusCipher cipher = new DefaultPlexusCipher();
  private SettingsDecrypter decrypter;

  @BeforeEach
  void writeSettingsSecurity() throws Exception {
    // What `mvn --encrypt-master-password` prints goes into settings-security.xml.
    Path security = home.resolve("settings-security.xml");
    Files.writeString(
        security,
        "<settingsSecurity><master>"
            + cipher.encryptAndDecorate(MASTER, DefaultSecDispatcher.SYSTEM_PROPERTY_SEC_LOCATION)
            + "</master></settingsSecurity>\n");
    decrypter =
        new DefaultSettingsDecrypter(
            new DefaultSecDispatcher(cipher, Map.of(), security.toString()));
  }

  @Test
  void theEnvironmentVariableGivesTheKeyWhenNoServerIsNamed() throws Exception {
    assertEquals(
        KEY,
        ApiKeys.find(null, "OPENAI_API_KEY", new Settings(), decrypter, Map.of("OPENAI_API_KEY", KEY + "\n")));
    assertEquals(
        KEY, ApiKeys.find("", "MY_KEY", null, decrypter, Map.of("MY_KEY", KEY)));
  }

  @Test
  void noKeyAnywhereIsNullForServersThatNeedNone() throws Exception {
    assertNull(ApiKeys.find(null, "OPENAI_API_KEY", new Settings(), decrypter, Map.of()));
    assertNull(ApiKeys.find(null, "OPENAI_API_KEY", null, decrypter, Map.of("OPENAI_API_KEY", " ")));
  }

  @Test
  void aServerWithAPlainPasswordGivesTheKey() throws Exception {
    Settings settings = settingsWith(server("openai", KEY));

    assertEquals(
        KEY,
        ApiKeys.find("openai", "OPENAI_API_KEY", settings, decrypter, Map.of("OPENAI_API_KEY", "sk-other")),
        "the named server wins over the environment");
  }

  @Test
  void aServerWithAnEncryptedPasswordGivesTheDecryptedKey() throws Exception {
    String encrypted = cipher.encryptAndDecorate(KEY, MASTER);
    assertTrue(encrypted.startsWith("{") && !encrypted.contains(KEY));

    assertEquals(
        KEY, ApiKeys.find("openai", null, settingsWith(server("openai", encrypted)), decrypter, Map.of()));
  }

  @Test
  void anUnknownServerIdNamesTheProperty() {
    MojoFailureException e =
        assertThrows(
            MojoFailureException.class,
            () -> ApiKeys.find("openia", null, settingsWith(server("openai", KEY)), decrypter, Map.of()));

    assertTrue(e.getMessage().contains("reflect.serverId is 'openia'"), e.getMessage());
    assertTrue(e.getMessage().contains("no <server> with that <id>"), e.getMessage());
  }

  @Test
  void aServerWithoutPasswordSaysSo() {
    MojoFailureException e =
        assertThrows(
            MojoFailureException.class,
            () -> ApiKeys.find("openai", null, settingsWith(server("openai", null)), decrypter, Map.of()));

    assertTrue(e.getMessage().contains("<server> 'openai'"), e.getMessage());
    assertTrue(e.getMessage().contains("has no <password>"), e.getMessage());
  }

  @Test
  void aPasswordThatCannotBeDecryptedFailsWithAClearMessage() throws Exception {
    // Not a ciphertext under any master password: six bytes, shorter than the cipher's salt.
    // (A value encrypted under another master password is no good here: its salt is random, and
    // about one time in 256 the wrong key still yields valid padding and "decrypts".)
    String encrypted = "{AAAAAAAA}";

    MojoFailureException e =
        assertThrows(
            MojoFailureException.class,
            () -> ApiKeys.find("openai", null, settingsWith(server("openai", encrypted)), decrypter, Map.of()));

    assertTrue(
        e.getMessage().startsWith("Cannot decrypt the password of <server> 'openai'"), e.getMessage());
    assertTrue(e.getMessage().contains("settings-security.xml"), e.getMessage());
    assertFalse(e.getMessage().contains(KEY));
  }

  private static Server server(String id, String password) {
    Server server = new Server();
    server.setId(id);
    server.setPassword(password);
    return server;
  }

  private static Settings settingsWith(Server server) {
    Settings settings = new Settings();
    settings.addServer(server);
    return settings;
  }
}
