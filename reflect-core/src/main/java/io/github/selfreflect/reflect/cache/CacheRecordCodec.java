package io.github.selfreflect.reflect.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One cache line in format v1, both ways.
 *
 * <p>A line is the compact JSON object {@code {"key":..,"template":..,"model":..,"source":..,
 * "conversation":..,"turn":..,"verdict":..,"critique":..,"answer":..,"reply":..,"usage":{"prompt":..,
 * "cached":..,"completion":..},"sum":".."}}, fields always in that order so that a committed cache
 * diffs line by line. {@code sum} is the first 16 hex digits of the SHA-256 of the same line
 * without its {@code sum} field (that is, with {@code ,"sum":"..."} cut out before the closing
 * brace). Because the sum is spliced onto the exact bytes that were hashed, checking it is a byte
 * comparison: nothing is re-serialised, so a different JSON library or escaping style on the
 * reading side can never make a sound record look damaged.
 */
final class CacheRecordCodec {

  /** {@code ,"sum":"} + 16 hex digits + {@code "}} */
  private static final byte[] SUM_PREFIX = ",\"sum\":\"".getBytes(StandardCharsets.US_ASCII);

  private static final int SUM_HEX_DIGITS = 16;
  private static final int SUM_SUFFIX_LENGTH = SUM_PREFIX.length + SUM_HEX_DIGITS + 2;
  private static final HexFormat HEX = HexFormat.of();

  /** {@code {"key":"}: how every line {@link #encode} writes begins. */
  private static final byte[] KEY_PREFIX = "{\"key\":\"".getBytes(StandardCharsets.US_ASCII);

  /** One digest per thread: checking a million sums should not create a million digests. */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(CacheRecordCodec::newSha256);

  /**
   * Characters outside the BMP (emoji) are written as UTF-8, not as escaped surrogate pairs: the
   * file is for people and diffs too. Lone surrogates are still escaped, so every string round-trips.
   */
  private static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder()
                  .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private CacheRecordCodec() {}

  /** The line for {@code entry}, without its terminating newline. */
  static byte[] encode(CacheEntry entry) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 + 2 * entry.reply().length());
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("key", entry.key());
      json.writeStringField("template", entry.template());
      json.writeStringField("model", entry.model());
      json.writeStringField("source", entry.source());
      json.writeStringField("conversation", entry.conversationId());
      json.writeNumberField("turn", entry.turn());
      Reflection reflection = entry.reflection();
      json.writeStringField("verdict", reflection.verdict().wireName());
      json.writeStringField("critique", reflection.critique());
      json.writeStringField("answer", reflection.answer());
      if (!reflection.evidence().isEmpty()) {
        // Only when there is some, so that records of templates without evidence (the seed's)
        // keep the bytes they always had.
        json.writeArrayFieldStart("evidence");
        for (int turn : reflection.evidence()) {
          json.writeNumber(turn);
        }
        json.writeEndArray();
      }
      json.writeStringField("reply", entry.reply());
      json.writeObjectFieldStart("usage");
      json.writeNumberField("prompt", entry.usage().promptTokens());
      json.writeNumberField("cached", entry.usage().cachedPromptTokens());
      json.writeNumberField("completion", entry.usage().completionTokens());
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    byte[] body = out.toByteArray();
    byte[] sum = sumOf(body, body.length).getBytes(StandardCharsets.US_ASCII);
    // body ends with '}': the sum goes in just before it.
    int head = body.length - 1;
    byte[] line = Arrays.copyOf(body, head + SUM_SUFFIX_LENGTH);
    System.arraycopy(SUM_PREFIX, 0, line, head, SUM_PREFIX.length);
    System.arraycopy(sum, 0, line, head + SUM_PREFIX.length, SUM_HEX_DIGITS);
    line[line.length - 2] = '"';
    line[line.length - 1] = '}';
    return line;
  }

  /**
   * Checks and reads one line ({@code length} bytes from {@code offset}, without its newline).
   *
   * @throws InvalidCacheRecordException naming what is wrong, in words fit for a warning
   */
  static CacheEntry decode(byte[] buffer, int offset, int length)
      throws InvalidCacheRecordException {
    verifySum(buffer, offset, length);
    return decodeVerified(buffer, offset, length);
  }

  /**
   * Checks one line's sum and returns its key, without parsing the rest: what indexing a large
   * cache needs. The sum proves that the bytes are the ones {@link #encode} wrote, and encode
   * always writes the key first, so the key is read straight from its place; a line that has
   * another shape (written by hand with a correct sum) is parsed in full instead.
   *
   * @throws InvalidCacheRecordException naming what is wrong, in words fit for a warning
   */
  static String verifiedKey(byte[] buffer, int offset, int length)
      throws InvalidCacheRecordException {
    verifySum(buffer, offset, length);
    int start = offset + KEY_PREFIX.length;
    if (length > KEY_PREFIX.length
        && Arrays.equals(buffer, offset, start, KEY_PREFIX, 0, KEY_PREFIX.length)) {
      int end = offset + length;
      for (int i = start; i < end; i++) {
        byte b = buffer[i];
        if (b == '"') {
          return new String(buffer, start, i - start, StandardCharsets.UTF_8);
        }
        if (b == '\\') {
          break; // an escape: let the parser read it
        }
      }
    }
    return decodeVerified(buffer, offset, length).key();
  }

  /**
   * Reads a line whose sum has been checked already (by {@link #verifiedKey} when indexed). A
   * line laid out as {@link #encode} writes it is read by {@link #decodeAsEncoded}; any other
   * line, and any line that is not a sound record, by {@link #decodeTree}, which says what is
   * wrong with it.
   */
  static CacheEntry decodeVerified(byte[] buffer, int offset, int length)
      throws InvalidCacheRecordException {
    CacheEntry entry = decodeAsEncoded(buffer, offset, length);
    return entry != null ? entry : decodeTree(buffer, offset, length);
  }

  /**
   * Reads a line field by field in the order {@link #encode} writes them, with a streaming parser:
   * a warm build reads every record it uses, and building a tree of each first cost about as much
   * as the rest of the lookup. Returns null, rather than judging, as soon as the line departs
   * from that layout (another order, another field, a number of another kind, bad JSON): {@link
   * #decodeTree} then reads it as before, and words the error if there is one. So both readings
   * accept the same lines and give the same entries.
   */
  static CacheEntry decodeAsEncoded(byte[] buffer, int offset, int length) {
    try (JsonParser json = FACTORY.createParser(buffer, offset, length)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String key = text(json, "key");
      String template = text(json, "template");
      String model = text(json, "model");
      String source = nullableText(json, "source");
      String conversation = nullableText(json, "conversation");
      if (!"turn".equals(json.nextFieldName())
          || json.nextToken() != JsonToken.VALUE_NUMBER_INT
          || json.getNumberType() != JsonParser.NumberType.INT
          || json.getIntValue() < 0) {
        return null;
      }
      int turn = json.getIntValue();
      Verdict verdict = verdict(text(json, "verdict"));
      String critique = text(json, "critique");
      String answer = text(json, "answer");
      List<Integer> evidence = List.of();
      String field = json.nextFieldName();
      if ("evidence".equals(field)) {
        if (json.nextToken() != JsonToken.START_ARRAY) {
          return null;
        }
        List<Integer> turns = new ArrayList<>();
        for (JsonToken t = json.nextToken(); t != JsonToken.END_ARRAY; t = json.nextToken()) {
          if (t != JsonToken.VALUE_NUMBER_INT || json.getNumberType() != JsonParser.NumberType.INT) {
            return null;
          }
          turns.add(json.getIntValue());
        }
        evidence = turns;
        field = json.nextFieldName();
      }
      if (!"reply".equals(field) || json.nextToken() != JsonToken.VALUE_STRING) {
        return null;
      }
      String reply = json.getText();
      if (!"usage".equals(json.nextFieldName()) || json.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      long prompt = count(json, "prompt");
      long cached = count(json, "cached");
      long completion = count(json, "completion");
      if (json.nextToken() != JsonToken.END_OBJECT
          || !"sum".equals(json.nextFieldName())
          || json.nextToken() != JsonToken.VALUE_STRING
          || json.nextToken() != JsonToken.END_OBJECT
          || json.nextToken() != null) {
        return null;
      }
      return new CacheEntry(
          key,
          template,
          model,
          source,
          conversation,
          turn,
          new Reflection(critique, answer, verdict, evidence),
          reply,
          new Usage(prompt, cached, completion));
    } catch (NotAsEncoded | IOException | RuntimeException e) {
      return null; // not as encode writes it, or not sound: the tree reading decides
    }
  }

  /** The line departs from {@link #encode}'s layout; thrown inside {@link #decodeAsEncoded}. */
  private static final class NotAsEncoded extends Exception {
    private static final NotAsEncoded INSTANCE = new NotAsEncoded();

    private NotAsEncoded() {
      super(null, null, false, false);
    }
  }

  private static String text(JsonParser json, String name) throws IOException, NotAsEncoded {
    if (!name.equals(json.nextFieldName()) || json.nextToken() != JsonToken.VALUE_STRING) {
      throw NotAsEncoded.INSTANCE;
    }
    return json.getText();
  }

  private static String nullableText(JsonParser json, String name)
      throws IOException, NotAsEncoded {
    if (!name.equals(json.nextFieldName())) {
      throw NotAsEncoded.INSTANCE;
    }
    JsonToken token = json.nextToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != JsonToken.VALUE_STRING) {
      throw NotAsEncoded.INSTANCE;
    }
    return json.getText();
  }

  private static Verdict verdict(String wireName) throws NotAsEncoded {
    for (Verdict verdict : Verdict.values()) {
      if (verdict.wireName().equals(wireName)) {
        return verdict;
      }
    }
    throw NotAsEncoded.INSTANCE;
  }

  private static long count(JsonParser json, String name) throws IOException, NotAsEncoded {
    if (!name.equals(json.nextFieldName())
        || json.nextToken() != JsonToken.VALUE_NUMBER_INT
        || json.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw NotAsEncoded.INSTANCE;
    }
    return json.getLongValue();
  }

  /** Reads a line through a tree: any layout, and a precise complaint about a bad line. */
  static CacheEntry decodeTree(byte[] buffer, int offset, int length)
      throws InvalidCacheRecordException {
    JsonNode node;
    try {
      node = MAPPER.readTree(buffer, offset, length);
    } catch (JsonProcessingException e) {
      throw new InvalidCacheRecordException("not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    }
    if (node == null || !node.isObject()) {
      throw new InvalidCacheRecordException("not a JSON object");
    }
    JsonNode usage = node.get("usage");
    if (usage == null || !usage.isObject()) {
      throw new InvalidCacheRecordException("missing field \"usage\"");
    }
    try {
      return new CacheEntry(
          text(node, "key"),
          text(node, "template"),
          text(node, "model"),
          nullableText(node, "source"),
          nullableText(node, "conversation"),
          turn(node),
          new Reflection(
              text(node, "critique"), text(node, "answer"), verdict(node), evidence(node)),
          text(node, "reply"),
          new Usage(count(usage, "prompt"), count(usage, "cached"), count(usage, "completion")));
    } catch (RuntimeException e) {
      throw new InvalidCacheRecordException("unreadable record: " + e.getMessage());
    }
  }

  private static void verifySum(byte[] buffer, int offset, int length)
      throws InvalidCacheRecordException {
    int head = length - SUM_SUFFIX_LENGTH;
    if (head < 1
        || buffer[offset] != '{'
        || !Arrays.equals(
            buffer, offset + head, offset + head + SUM_PREFIX.length,
            SUM_PREFIX, 0, SUM_PREFIX.length)
        || buffer[offset + length - 2] != '"'
        || buffer[offset + length - 1] != '}') {
      throw new InvalidCacheRecordException("not a cache record (no checksum at its end)");
    }
    MessageDigest sha256 = SHA256.get();
    sha256.reset();
    sha256.update(buffer, offset, head);
    sha256.update((byte) '}');
    byte[] expected = HEX.formatHex(sha256.digest(), 0, SUM_HEX_DIGITS / 2)
        .getBytes(StandardCharsets.US_ASCII);
    if (!Arrays.equals(
        buffer, offset + head + SUM_PREFIX.length, offset + head + SUM_PREFIX.length + SUM_HEX_DIGITS,
        expected, 0, SUM_HEX_DIGITS)) {
      throw new InvalidCacheRecordException(
          "checksum mismatch: the record was damaged or edited by hand");
    }
  }

  private static String sumOf(byte[] bytes, int length) {
    MessageDigest sha256 = SHA256.get();
    sha256.reset();
    sha256.update(bytes, 0, length);
    return HEX.formatHex(sha256.digest(), 0, SUM_HEX_DIGITS / 2);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static JsonNode field(JsonNode node, String name) throws InvalidCacheRecordException {
    JsonNode value = node.get(name);
    if (value == null) {
      throw new InvalidCacheRecordException("missing field \"" + name + "\"");
    }
    return value;
  }

  private static String text(JsonNode node, String name) throws InvalidCacheRecordException {
    JsonNode value = field(node, name);
    if (!value.isTextual()) {
      throw new InvalidCacheRecordException("field \"" + name + "\" is not a string");
    }
    return value.textValue();
  }

  private static String nullableText(JsonNode node, String name)
      throws InvalidCacheRecordException {
    return field(node, name).isNull() ? null : text(node, name);
  }

  private static int turn(JsonNode node) throws InvalidCacheRecordException {
    JsonNode value = field(node, "turn");
    if (!value.isInt() || value.intValue() < 0) {
      throw new InvalidCacheRecordException("field \"turn\" is not a message index");
    }
    return value.intValue();
  }

  private static long count(JsonNode usage, String name) throws InvalidCacheRecordException {
    JsonNode value = field(usage, name);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new InvalidCacheRecordException("field \"usage." + name + "\" is not a whole number");
    }
    return value.longValue();
  }

  private static List<Integer> evidence(JsonNode node)
      throws InvalidCacheRecordException {
    JsonNode evidence = node.get("evidence");
    if (evidence == null) {
      return List.of();
    }
    List<Integer> turns = new ArrayList<>();
    for (JsonNode turn : evidence) {
      if (!turn.canConvertToExactIntegral()) {
        throw new InvalidCacheRecordException("field \"evidence\" holds " + turn + ", expected turns");
      }
      turns.add(turn.intValue());
    }
    return turns;
  }

  private static Verdict verdict(JsonNode node) throws InvalidCacheRecordException {
    String text = text(node, "verdict");
    for (Verdict verdict : Verdict.values()) {
      if (verdict.wireName().equals(text)) {
        return verdict;
      }
    }
    throw new InvalidCacheRecordException(
        "field \"verdict\" is \"" + text + "\", expected \"revise\" or \"keep\"");
  }
}
