package io.github.selfreflect.reflect.maven;

import io.github.selfreflect.reflect.llm.providers.Providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
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
 * whose master password unlocks the server passwords). OPENAI_API_KEY, read unasked, goes to
 * OpenAI's API only.
 */
class ApiKeysTest {

  private static final String KEY = "sk-settings-0123456789abcdef";
  private static final String MASTER = "the master password";
  private static final HttpUrl OPENAI = HttpUrl.get("https://api.openai.com/v1");
  private static final HttpUrl OLLAMA = HttpUrl.get("http://gpu-box:11434/v1");
  private static final HttpUrl GATEWAY = HttpUrl.get("https://llm.example.com/v1");

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

  private static ApiKeys.Source source(String serverId, String variable) {
    return new ApiKeys.Source(
        "reflect.serverId", serverId, "reflect.apiKeyEnvironmentVariable", variable);
  }

  private String find(String serverId, String variable, HttpUrl endpoint, Settings settings,
      Map<String, String> environment) throws MojoFailureException {
    ApiKeys.ApiKey key = ApiKeys.find(source(serverId, variable), endpoint, Providers.DEFAULT, settings, decrypter, environment);
    return key == null ? null : key.value();
  }

  @Test
  void aVariableNamedExplicitlyGivesTheKeyToAnyEndpoint() throws Exception {
    for (HttpUrl endpoint : List.of(OPENAI, OLLAMA, GATEWAY)) {
      assertEquals(KEY, find("", "MY_KEY", endpoint, null, Map.of("MY_KEY", KEY + "\n")));
      assertEquals(
          KEY,
          find(null, "OPENAI_API_KEY", endpoint, new Settings(), Map.of("OPENAI_API_KEY", KEY)),
          "named on purpose, the default variable goes anywhere too");
    }
  }

  @Test
  void unaskedOpenAiApiKeyGoesToOpenAiOnly() throws Exception {
    Map<String, String> shell = Map.of("OPENAI_API_KEY", KEY);

    ApiKeys.ApiKey key = ApiKeys.find(source(null, null), OPENAI, Providers.DEFAULT, null, decrypter, shell);
    assertEquals(KEY, key.value());
    assertEquals("environment variable OPENAI_API_KEY", key.origin());
    assertFalse(key.toString().contains(KEY), key.toString());
    assertNull(find(null, "", OLLAMA, null, shell));
    assertNull(find(null, " ", GATEWAY, null, shell));
    assertNull(find(null, null, HttpUrl.get("http://api.openai.com/v1"), null, shell), "not over http");
    assertNull(find(null, null, HttpUrl.get("https://api.openai.com.evil.example/v1"), null, shell));

    assertTrue(ApiKeys.defaultKeyWithheld(source(null, null), OLLAMA, Providers.DEFAULT, shell));
    assertFalse(ApiKeys.defaultKeyWithheld(source(null, null), OPENAI, Providers.DEFAULT, shell));
    assertFalse(ApiKeys.defaultKeyWithheld(source(null, null), OLLAMA, Providers.DEFAULT, Map.of()));
    assertFalse(ApiKeys.defaultKeyWithheld(source(null, "MY_KEY"), OLLAMA, Providers.DEFAULT, shell));
  }

  @Test
  void noKeyAnywhereIsNullForServersThatNeedNone() throws Exception {
    assertNull(find(null, "OPENAI_API_KEY", OPENAI, new Settings(), Map.of()));
    assertNull(find(null, "OPENAI_API_KEY", OPENAI, null, Map.of("OPENAI_API_KEY", " ")));
    assertNull(find(null, null, OPENAI, null, Map.of()));
  }

  @Test
  void aServerWithAPlainPasswordGivesTheKey() throws Exception {
    Settings settings = settingsWith(server("openai", KEY));

    assertEquals(
        KEY,
        find("openai", "OPENAI_API_KEY", OPENAI, settings, Map.of("OPENAI_API_KEY", "sk-other")),
        "the named server wins over the environment");
    assertEquals(KEY, find("openai", null, OLLAMA, settings, Map.of()), "named, it goes anywhere");
  }

  @Test
  void aServerWithAnEncryptedPasswordGivesTheDecryptedKey() throws Exception {
    String encrypted = cipher.encryptAndDecorate(KEY, MASTER);
    assertTrue(encrypted.startsWith("{") && !encrypted.contains(KEY));

    assertEquals(
        KEY, find("openai", null, OPENAI, settingsWith(server("openai", encrypted)), Map.of()));
  }

  @Test
  void anUnknownServerIdNamesTheProperty() {
    MojoFailureException e =
        assertThrows(
            MojoFailureException.class,
            () -> find("openia", null, OPENAI, settingsWith(server("openai", KEY)), Map.of()));

    assertTrue(e.getMessage().contains("reflect.serverId is 'openia'"), e.getMessage());
    assertTrue(e.getMessage().contains("no <server> with that <id>"), e.getMessage());
  }

  @Test
  void theJudgesServerIdIsNamedAsSuch() {
    MojoFailureException e =
        assertThrows(
            MojoFailureException.class,
            () -> ApiKeys.find(
                new ApiKeys.Source("reflect.evaluate.serverId", "judge", "reflect.evaluate.apiKeyEnvironmentVariable", null),
                OPENAI, Providers.DEFAULT, new Settings(), decrypter, Map.of()));

    assertTrue(e.getMessage().startsWith("reflect.evaluate.serverId is 'judge'"), e.getMessage());
  }

  @Test
  void aServerWithoutPasswordSaysSo() {
    MojoFailureException e =
        assertThrows(
            MojoFailureException.class,
            () -> find("openai", null, OPENAI, settingsWith(server("openai", null)), Map.of()));

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
            () -> find("openai", null, OPENAI, settingsWith(server("openai", encrypted)), Map.of()));

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
