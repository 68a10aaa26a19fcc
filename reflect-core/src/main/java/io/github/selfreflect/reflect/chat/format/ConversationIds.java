package io.github.selfreflect.reflect.chat.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Gives each conversation of one file an id that is stable across runs and unique in the file.
 *
 * <p>Ids key the reflection cache and order the dataset, so they must not depend on when or how
 * often a file is read. A record's own {@code id} (string or number) is used as it is. A record
 * without one gets the first 16 hex digits of the SHA-256 of the file's relative name and the
 * record's canonical JSON (compact, keys sorted): re-indenting a file or reordering keys keeps the
 * ids, editing a record gives that record a new one. Moving records around keeps them too, as the
 * line number is not part of the hash.
 *
 * <p>A second record with the same id (two identical records, or a repeated {@code id}) gets {@code
 * -2}, the third {@code -3}, and so on, in file order. To know which ids were taken this remembers
 * every id of the file as a fingerprint ({@link TakenIds}): 8 to 16 bytes per record, the one thing
 * in a reader that grows with the file.
 */
final class ConversationIds {

  private static final int DERIVED_HEX_DIGITS = 16;

  private final String sourceFile;
  private final TakenIds taken = new TakenIds();

  /** The next suffix to try per duplicated id, so that many duplicates stay linear. */
  private final Map<String, Integer> nextSuffix = new HashMap<>();

  ConversationIds(String sourceFile) {
    this.sourceFile = sourceFile;
  }

  /** The record's id: its own, or derived; made unique among the ids given out so far. */
  String assign(JsonNode record) {
    return unique(own(record.get("id")).orElseGet(() -> derived(sourceFile, record)));
  }

  static String derived(String sourceFile, JsonNode record) {
    String text = sourceFile + "\n" + ChatJson.canonical(record);
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, DERIVED_HEX_DIGITS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static Optional<String> own(JsonNode id) {
    if (id == null || id.isNull() || (id.isTextual() && id.textValue().isEmpty())) {
      return Optional.empty();
    }
    if (id.isTextual()) {
      return Optional.of(id.textValue());
    }
    if (id.isNumber()) {
      return Optional.of(id.asText());
    }
    throw new RecordProblem(
        "expected 'id' to be a string or a number, found " + ChatJson.describe(id));
  }

  private String unique(String id) {
    if (taken.add(id)) {
      return id;
    }
    int suffix = nextSuffix.getOrDefault(id, 2);
    String candidate = id + "-" + suffix;
    while (!taken.add(candidate)) {
      suffix++;
      candidate = id + "-" + suffix;
    }
    nextSuffix.put(id, suffix + 1);
    return candidate;
  }
}
