package io.github.selfreflect.reflect.cache;

import io.github.selfreflect.reflect.llm.ChatRequest;
import io.github.selfreflect.reflect.llm.ChatRequestJson;
import io.github.selfreflect.reflect.prompt.PromptTemplate;
import java.nio.charset.StandardCharsets;
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

  public static String of(PromptTemplate template, ChatRequest request) {
    return sha256Hex(
        template.id() + "\n" + template.fingerprint() + "\n" + ChatRequestJson.toJsonString(request));
  }

  public static String sha256Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
