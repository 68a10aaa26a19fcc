package io.github.selfreflect.reflect.cache;

import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatRequestJson;
import io.github.selfreflect.reflect.llm.Provider;
import io.github.selfreflect.reflect.llm.openai.OpenAiProvider;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content-addressed cache keys. A key is the SHA-256 of the template id, the template's
 * fingerprint and the canonical request body (which holds the rendered messages, the model and
 * the sampling options). So the same inputs always give the same key, and changing the model, the
 * template or a parameter gives a new one; an edited message changes exactly the keys of the
 * requests that contain it.
 */
public final class CacheKeys {

  private CacheKeys() {}

  /** The key of a request to an OpenAI-compatible endpoint: the keys every cache held before providers. */
  public static String of(PromptTemplate template, ChatRequest request) {
    return of(OpenAiProvider.INSTANCE, template, request);
  }

  /**
   * The key of a request to {@code provider}: its {@link Provider#cacheKeyPrefix()} (empty for
   * OpenAI), then as above. A Claude reply is never taken for a GPT reply to the same prompt.
   */
  public static String of(Provider provider, PromptTemplate template, ChatRequest request) {
    MessageDigest digest = sha256();
    digest.update(provider.cacheKeyPrefix().getBytes(StandardCharsets.UTF_8));
    digest.update(
        (template.id() + "\n" + template.fingerprint() + "\n").getBytes(StandardCharsets.UTF_8));
    // The body goes into the digest as it is written: no tree, no string, no copy.
    try (OutputStream body = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
      ChatRequestJson.writeUtf8(request, body);
    } catch (IOException e) {
      throw new UncheckedIOException("hashing cannot fail", e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  public static String sha256Hex(String text) {
    return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
