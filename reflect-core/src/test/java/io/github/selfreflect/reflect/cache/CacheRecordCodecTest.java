package io.github.selfreflect.reflect.cache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming reading of a cache line ({@code decodeAsEncoded}) and the tree reading it stands
 * in for ({@code decodeTree}) must accept the same lines and give the same entries; a line the
 * first cannot take goes to the second, whose complaint the build reports.
 */
class CacheRecordCodecTest {

  private static final String[] PIECES = {
    "a", " ", "\"", "\\", "\n", "\u0000", "\u001F", "\u00E9", "\u4E2D", "\u2028", "\uD83D\uDE00",
    "\uD800", "\uDFFF", "word "
  };

  private static String randomText(Random random) {
    StringBuilder text = new StringBuilder();
    int pieces = random.nextInt(8) == 0 ? 2000 : random.nextInt(20);
    for (int i = 0; i < pieces; i++) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return text.toString();
  }

  @Test
  void everyEncodedEntryIsReadBackByTheStreamingReading() throws Exception {
    Random random = new Random(31);
    long[] counts = {0, 1, 1L << 40, Long.MAX_VALUE};
    for (int n = 0; n < 3000; n++) {
      CacheEntry entry =
          new CacheEntry(
              randomText(random),
              randomText(random),
              randomText(random),
              random.nextBoolean() ? null : randomText(random),
              random.nextBoolean() ? null : randomText(random),
              random.nextInt(Integer.MAX_VALUE),
              new Reflection(
                  randomText(random),
                  randomText(random),
                  random.nextBoolean() ? Verdict.REVISE : Verdict.KEEP,
                  random.nextBoolean() ? List.of() : List.of(random.nextInt(9), Integer.MAX_VALUE)),
              randomText(random),
              new Usage(
                  counts[random.nextInt(4)], counts[random.nextInt(4)], counts[random.nextInt(4)]));
      byte[] line = CacheRecordCodec.encode(entry);
      CacheEntry streamed = CacheRecordCodec.decodeAsEncoded(line, 0, line.length);
      assertNotNull(streamed, () -> new String(line, UTF_8));
      assertEquals(entry, streamed);
      assertEquals(CacheRecordCodec.decodeTree(line, 0, line.length), streamed);
    }
  }

  private static final String GOOD =
      "{\"key\":\"k\",\"template\":\"seed\",\"model\":\"m\",\"source\":\"a.jsonl\","
          + "\"conversation\":\"c\",\"turn\":1,\"verdict\":\"revise\",\"critique\":\"cr\","
          + "\"answer\":\"an\",%s\"reply\":\"r\",\"usage\":{\"prompt\":10,\"cached\":0,"
          + "\"completion\":5},\"sum\":\"0123456789abcdef\"}";

  /** What the build makes of a line: the entry, or the complaint it reports. */
  private static String reading(String line) {
    byte[] bytes = line.getBytes(UTF_8);
    try {
      return "entry " + CacheRecordCodec.decodeVerified(bytes, 0, bytes.length);
    } catch (InvalidCacheRecordException e) {
      return "invalid: " + e.getMessage();
    }
  }

  private static String treeReading(String line) {
    byte[] bytes = line.getBytes(UTF_8);
    try {
      return "entry " + CacheRecordCodec.decodeTree(bytes, 0, bytes.length);
    } catch (InvalidCacheRecordException e) {
      return "invalid: " + e.getMessage();
    }
  }

  @Test
  void linesLaidOutOtherwiseAreReadAsTheTreeReadsThem() {
    String good = String.format(GOOD, "");
    String[] lines = {
      good,
      String.format(GOOD, "\"evidence\":[2,4],"),
      String.format(GOOD, "\"evidence\":[],"),
      String.format(GOOD, "\"evidence\":[2.0],"),
      String.format(GOOD, "\"evidence\":[3000000000],"),
      String.format(GOOD, "\"evidence\":[\"2\"],"),
      String.format(GOOD, "\"evidence\":{\"a\":1},"),
      String.format(GOOD, "\"extra\":true,"),
      good.replace("\"turn\":1", "\"turn\":1.0"),
      good.replace("\"turn\":1", "\"turn\":3000000000"),
      good.replace("\"turn\":1", "\"turn\":-1"),
      good.replace("\"prompt\":10", "\"prompt\":99999999999999999999"),
      good.replace("\"prompt\":10", "\"prompt\":10.5"),
      good.replace("\"completion\":5}", "\"completion\":5,\"more\":1}"),
      good.replace("\"verdict\":\"revise\"", "\"verdict\":\"maybe\""),
      good.replace("\"source\":\"a.jsonl\"", "\"source\":null"),
      good.replace("\"key\":\"k\"", "\"key\":null"),
      good.replace("\"model\":\"m\",", ""),
      good.replace("\"model\":\"m\",", "\"model\":\"m\",\"model\":\"m\","),
      good.replace("{\"key\":\"k\",\"template\":\"seed\",", "{\"template\":\"seed\",\"key\":\"k\","),
      good.replace(",\"sum\":\"0123456789abcdef\"", ""),
      good + " {}",
      good.substring(0, good.length() - 1),
      "[1,2]",
    };
    for (String line : lines) {
      assertEquals(treeReading(line), reading(line), line);
    }
    assertNotNull(CacheRecordCodec.decodeAsEncoded(good.getBytes(UTF_8), 0, good.length()));
    String reordered = lines[19];
    assertNull(CacheRecordCodec.decodeAsEncoded(reordered.getBytes(UTF_8), 0, reordered.length()));
  }
}
