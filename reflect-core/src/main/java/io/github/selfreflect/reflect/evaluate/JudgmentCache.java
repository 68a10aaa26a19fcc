package io.github.selfreflect.reflect.evaluate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.cache.CacheKeys;
import io.github.selfreflect.reflect.llm.Usage;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Paid-for judgments, kept like reflections are: {@code <cacheDir>/v1/judgments.jsonl}, next to
 * {@code reflections.jsonl}, one compact JSON object a line, fields in a fixed order, each line
 * ending in {@code "sum"}: the first 16 hex digits of the SHA-256 of the line without its sum.
 *
 * <pre>{@code
 * {"key":"<sha256>","template":"pairwise-v1","model":"gpt-4o","source":"a.jsonl","conversation":"c1",
 *  "turn":3,"order":"original-first","better":"B","reason":"...","reply":"<raw reply>",
 *  "usage":{"prompt":900,"cached":0,"completion":40},"sum":"<16 hex>"}
 * }</pre>
 *
 * <p><b>Durability</b>, as for reflections: {@link #put} appends one whole line with one write
 * and forces it to the device before it returns; a torn last line (a killed build) or any line
 * that fails its sum or does not parse is reported with its file and line number and skipped,
 * never fatal, and the next put starts on a fresh line. The same key twice (a union merge of two
 * branches): the first wins. {@code .gitattributes} in the folder gets {@value #GIT_ATTRIBUTES},
 * so that git keeps line ends and merges two branches' judgments without a conflict.
 *
 * <p><b>Memory.</b> Judgments are held in memory: an evaluation judges a bounded sample (two
 * judgments a pair), so even a cache of many evaluations is small next to the reflections.
 *
 * <p>Safe for the threads of one process.
 */
public final class JudgmentCache implements Closeable {

  public static final String FILE_NAME = "judgments.jsonl";
  static final String GIT_ATTRIBUTES = FILE_NAME + " text eol=lf merge=union";

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build());
  private static final byte[] SUM_PREFIX = ",\"sum\":\"".getBytes(StandardCharsets.US_ASCII);

  private final Path file;
  private final Map<String, Judgment> byKey = new HashMap<>();
  private FileChannel writer;
  private boolean needsNewline;
  private int droppedLines;

  private JudgmentCache(Path file) {
    this.file = file;
  }

  /**
   * Opens the judgments under {@code cacheDir} (the reflection cache's root), reading what is
   * there; nothing is created until the first {@link #put}.
   *
   * @param warnings receives one {@code file:line: problem} message per unusable line
   */
  public static JudgmentCache open(Path cacheDir, Consumer<String> warnings) throws IOException {
    JudgmentCache cache = new JudgmentCache(cacheDir.resolve("v1").resolve(FILE_NAME));
    cache.load(warnings);
    return cache;
  }

  public Path file() {
    return file;
  }

  /** Lines {@link #open} reported and skipped. */
  public int droppedLines() {
    return droppedLines;
  }

  public synchronized Optional<Judgment> get(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  public synchronized int size() {
    return byKey.size();
  }

  /** Stores a judgment durably; a key already present changes nothing. */
  public synchronized void put(Judgment judgment) throws IOException {
    if (byKey.containsKey(judgment.key())) {
      return;
    }
    byte[] line = encode(judgment);
    openForWriting();
    ByteBuffer buffer = ByteBuffer.allocate(line.length + 2);
    if (needsNewline) {
      buffer.put((byte) '\n');
    }
    buffer.put(line).put((byte) '\n').flip();
    try {
      while (buffer.hasRemaining()) {
        writer.write(buffer);
      }
      writer.force(true);
    } catch (IOException e) {
      needsNewline = true; // part of the line may be on disk: start the next one afresh
      throw e;
    }
    needsNewline = false;
    byKey.put(judgment.key(), judgment);
  }

  @Override
  public synchronized void close() throws IOException {
    if (writer != null) {
      writer.close();
    }
  }

  private void load(Consumer<String> warnings) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    byte[] bytes = Files.readAllBytes(file);
    needsNewline = bytes.length > 0 && bytes[bytes.length - 1] != '\n';
    int start = 0;
    int number = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      number++;
      boolean terminated = end < bytes.length;
      if (end > start) {
        String problem = read(bytes, start, end);
        if (problem != null) {
          droppedLines++;
          warnings.accept(
              file
                  + ":"
                  + number
                  + ": "
                  + (terminated ? "" : "incomplete last line (a write was cut off, e.g. a killed build): ")
                  + problem
                  + "; line skipped");
        }
      }
      start = end + 1;
    }
  }

  /** Reads one line into the map; returns why it cannot be used, or null. */
  private String read(byte[] bytes, int start, int end) {
    int sumAt = lastIndexOf(bytes, start, end, SUM_PREFIX);
    if (sumAt < 0 || end - sumAt != SUM_PREFIX.length + 16 + 2) {
      return "not a judgment record (no checksum)";
    }
    String expected = new String(bytes, sumAt + SUM_PREFIX.length, 16, StandardCharsets.US_ASCII);
    byte[] body = new byte[sumAt - start + 1];
    System.arraycopy(bytes, start, body, 0, sumAt - start);
    body[body.length - 1] = '}';
    if (!sum(body).equals(expected)) {
      return "checksum mismatch (the line was changed or damaged)";
    }
    try {
      JsonNode json = MAPPER.readTree(body);
      JudgeOrder order = JudgeOrder.byWireName(json.path("order").asText());
      Preference preference = Preference.parse(json.path("better").asText(null));
      if (order == null || preference == null) {
        return "unknown order or preference";
      }
      JsonNode usage = json.path("usage");
      Judgment judgment =
          new Judgment(
              json.get("key").asText(),
              json.get("template").asText(),
              json.get("model").asText(),
              json.path("source").asText(null),
              json.path("conversation").asText(null),
              json.path("turn").asInt(),
              order,
              preference,
              json.get("reason").asText(),
              json.get("reply").asText(),
              new Usage(
                  usage.path("prompt").asLong(),
                  usage.path("cached").asLong(),
                  usage.path("completion").asLong()));
      byKey.putIfAbsent(judgment.key(), judgment);
      return null;
    } catch (IOException | RuntimeException e) {
      return "not a judgment record: " + e.getMessage();
    }
  }

  static byte[] encode(Judgment j) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 + 2 * j.reply().length());
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("key", j.key());
      json.writeStringField("template", j.template());
      json.writeStringField("model", j.model());
      json.writeStringField("source", j.source());
      json.writeStringField("conversation", j.conversation());
      json.writeNumberField("turn", j.turn());
      json.writeStringField("order", j.order().wireName());
      json.writeStringField("better", j.preference().wireName());
      json.writeStringField("reason", j.reason());
      json.writeStringField("reply", j.reply());
      json.writeObjectFieldStart("usage");
      json.writeNumberField("prompt", j.usage().promptTokens());
      json.writeNumberField("cached", j.usage().cachedPromptTokens());
      json.writeNumberField("completion", j.usage().completionTokens());
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] body = out.toByteArray();
    byte[] sum = ("," + "\"sum\":\"" + sum(body) + "\"}").getBytes(StandardCharsets.US_ASCII);
    byte[] line = new byte[body.length - 1 + sum.length];
    System.arraycopy(body, 0, line, 0, body.length - 1);
    System.arraycopy(sum, 0, line, body.length - 1, sum.length);
    return line;
  }

  private static String sum(byte[] body) {
    return CacheKeys.sha256Hex(new String(body, StandardCharsets.UTF_8)).substring(0, 16);
  }

  private static int lastIndexOf(byte[] bytes, int start, int end, byte[] needle) {
    outer:
    for (int i = end - needle.length; i >= start; i--) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private void openForWriting() throws IOException {
    if (writer != null && writer.isOpen()) {
      return;
    }
    Path folder = file.getParent();
    Files.createDirectories(folder);
    Path attributes = folder.resolve(".gitattributes");
    String existing = Files.exists(attributes) ? Files.readString(attributes) : "";
    if (!existing.lines().toList().contains(GIT_ATTRIBUTES)) {
      Files.writeString(
          attributes,
          (existing.isEmpty() || existing.endsWith("\n") ? "" : "\n") + GIT_ATTRIBUTES + "\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    }
    writer =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }
}
