package io.github.selfreflect.reflect.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.chat.Conversation;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.dataset.Manifest;
import io.github.selfreflect.reflect.dataset.OutputFile;
import io.github.selfreflect.reflect.filter.Exclusion;
import io.github.selfreflect.reflect.filter.FilterReason;
import io.github.selfreflect.reflect.filter.FilterSettings;
import io.github.selfreflect.reflect.llm.SamplingParameters;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.Reflection;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String HOSTILE =
      "Why does <script>window.pwned = 1</script> not run? Also </SCRIPT > and <!-- and & and \u2028.";

  @TempDir Path dir;

  private static Target target(String id, String question, String original) {
    return new Target(
        new Conversation(
            id,
            "chats/" + id + ".jsonl",
            1,
            List.of(
                Message.of(Role.SYSTEM, "Be brief."),
                Message.of(Role.USER, question),
                Message.of(Role.ASSISTANT, original),
                Message.of(Role.USER, "Wrong."))),
        2);
  }

  private static CacheEntry entry(Target target, String answer, Verdict verdict) {
    return new CacheEntry(
        "k-" + target.conversation().id(),
        "seed",
        "m",
        target.conversation().sourceFile(),
        target.conversation().id(),
        target.index(),
        new Reflection("critique of " + target.conversation().id(), answer, verdict),
        "{}",
        new Usage(100, 10, 50));
  }

  private static Manifest manifest(long targets, long failed) {
    return new Manifest(
        "0.1.0",
        new Manifest.Template("seed", "f"),
        "m",
        SamplingParameters.DEFAULTS,
        new Manifest.Counts(targets, targets, targets, 0, failed, 0, 0),
        new Manifest.Filters(FilterSettings.DEFAULTS, Map.of(FilterReason.IDENTICAL, 1L)),
        List.of());
  }

  private static JsonNode block(String html, String id) throws IOException {
    Matcher m =
        Pattern.compile("<script type=\"application/json\" id=\"" + id + "\">(.*?)</script>", Pattern.DOTALL)
            .matcher(html);
    assertTrue(m.find(), "no " + id + " block");
    return MAPPER.readTree(m.group(1));
  }

  private OutputFile writeSmallReport() throws IOException {
    try (ReportWriter report = ReportWriter.open(dir, ReportWriter.DEFAULT_MAX_TARGETS)) {
      Target hostile = target("a", HOSTILE, "It runs.");
      report.reflected(hostile, entry(hostile, "It is text: " + HOSTILE, Verdict.REVISE), null);
      Target same = target("b", "Capital of France?", "Paris.");
      report.reflected(
          same,
          entry(same, "Paris.", Verdict.REVISE),
          new Exclusion(FilterReason.IDENTICAL, "the new answer equals the original"));
      report.failed(target("c", "Q?", "A."), "reply was not JSON");
      return report.finish(manifest(3, 1));
    }
  }

  @Test
  void chatTextCannotEndTheScriptElementAndReadsBackUnchanged() throws IOException {
    writeSmallReport();
    String html = Files.readString(dir.resolve(ReportWriter.FILE_NAME), UTF_8);

    int scriptEnds = html.split("(?i)</script", -1).length - 1;
    assertEquals(4, scriptEnds, "targets, summary, evaluation and the page's own script, nothing else");
    assertFalse(html.contains("<!-- and"), "a comment opener inside a script changes how HTML parses it");
    assertTrue(html.contains("\\u003Cscript\\u003Ewindow.pwned"));
    JsonNode targets = block(html, "reflect-targets");
    assertEquals(HOSTILE, targets.get(0).get("k").asText());
    assertEquals("It is text: " + HOSTILE, targets.get(0).get("n").asText());
  }

  @Test
  void embedsEveryTargetWithVerdictFilterAndContextAndSummarisesThem() throws IOException {
    OutputFile page = writeSmallReport();
    String html = Files.readString(dir.resolve(ReportWriter.FILE_NAME), UTF_8);

    JsonNode targets = block(html, "reflect-targets");
    assertEquals(3, targets.size());
    assertEquals("revise", targets.get(0).get("v").asText());
    assertEquals(
        List.of("system", "user"),
        List.of(targets.get(0).get("ctx").get(0).get("r").asText(), "user"));
    assertEquals("Be brief.", targets.get(0).get("ctx").get(0).get("x").asText());
    assertEquals("identical", targets.get(1).get("f").asText());
    assertEquals("failed", targets.get(2).get("v").asText());
    assertEquals("reply was not JSON", targets.get(2).get("err").asText());

    JsonNode summary = block(html, "reflect-summary");
    assertEquals(2, summary.get("verdicts").get("revise").asLong());
    assertEquals(1, summary.get("training").get("sft").asLong(), "the filtered target is not trained on");
    assertEquals(1, summary.get("training").get("preference").asLong());
    assertEquals(200, summary.get("usage").get("prompt").asLong());
    assertEquals(1, summary.get("filters").get("excluded").get("identical").asLong());
    assertEquals(3, summary.get("items").asLong());
    assertEquals(3, summary.get("embedded").asLong());
    assertTrue(block(html, "reflect-evaluation").isNull());

    byte[] bytes = Files.readAllBytes(dir.resolve(ReportWriter.FILE_NAME));
    assertEquals(bytes.length, page.bytes());
    assertEquals(3, page.records());
    assertEquals(sha256(bytes), page.sha256());
    assertFalse(html.contains("http://") && html.contains("<link"), "no external resources");
    assertFalse(Pattern.compile("(?i)<(script|link|img)[^>]+(src|href)=").matcher(html).find());
  }

  @Test
  void sameInputsGiveTheSameBytes() throws IOException {
    writeSmallReport();
    byte[] first = Files.readAllBytes(dir.resolve(ReportWriter.FILE_NAME));
    writeSmallReport();
    assertArrayEquals(first, Files.readAllBytes(dir.resolve(ReportWriter.FILE_NAME)));
  }

  @Test
  void aLargeCorpusEmbedsAnEvenSpreadUpToTheCapAndCountsEverything() throws IOException {
    try (ReportWriter report = ReportWriter.open(dir, 10)) {
      for (int i = 0; i < 1000; i++) {
        Target t = target("c" + i, "Q" + i + "?", "A.");
        report.reflected(t, entry(t, "Answer " + i + ".", Verdict.REVISE), null);
      }
      report.finish(manifest(1000, 0));
    }
    String html = Files.readString(dir.resolve(ReportWriter.FILE_NAME), UTF_8);

    // Every 128th: the smallest power-of-two stride that keeps 1000 targets within 10.
    JsonNode targets = block(html, "reflect-targets");
    assertEquals(8, targets.size());
    for (int k = 0; k < 8; k++) {
      assertEquals("c" + (128 * k), targets.get(k).get("c").asText());
    }
    JsonNode summary = block(html, "reflect-summary");
    assertEquals(1000, summary.get("items").asLong());
    assertEquals(8, summary.get("embedded").asLong());
    try (var files = Files.list(dir)) { // the kept targets' hidden file is gone
      assertEquals(List.of(dir.resolve(ReportWriter.FILE_NAME)), files.toList());
    }
    assertEquals(1000, summary.get("verdicts").get("revise").asLong());
    assertEquals(1000, summary.get("sources").size());
  }

  @Test
  void longTextsAreCutAndSaySo() {
    String cut = ReportWriter.cut("x".repeat(30), 10);
    assertEquals("x".repeat(10) + "\u2026 [cut here for the report: 20 more characters in reflections.jsonl]", cut);
    assertEquals("short", ReportWriter.cut("short", 10));
  }

  @Test
  void anAbortedReportLeavesNoFile() throws IOException {
    try (ReportWriter report = ReportWriter.open(dir, 10)) {
      Target t = target("a", "Q?", "A.");
      report.reflected(t, entry(t, "B.", Verdict.REVISE), null);
    }
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void evaluationIsSwappedInAndTheRestOfThePageStays() throws IOException {
    writeSmallReport();
    Path page = dir.resolve(ReportWriter.FILE_NAME);
    String before = Files.readString(page, UTF_8);
    JsonNode evaluation = MAPPER.readTree("{\"winRate\":0.5,\"note\":\"</script><b>x</b>\"}");

    OutputFile updated = ReportEvaluation.update(dir, evaluation, 3);
    String after = Files.readString(page, UTF_8);

    assertEquals(evaluation, block(after, "reflect-evaluation"));
    assertEquals(
        before.replace(ReportEvaluation.NONE_BLOCK, ""),
        after.replaceFirst(
            Pattern.quote(ReportEvaluation.OPEN) + ".*?" + Pattern.quote(ReportEvaluation.CLOSE), ""));
    assertEquals(sha256(Files.readAllBytes(page)), updated.sha256());
    assertEquals(Files.size(page), updated.bytes());

    ReportEvaluation.update(dir, MAPPER.readTree("{\"winRate\":0.75}"), 3);
    assertEquals(0.75, block(Files.readString(page, UTF_8), "reflect-evaluation").get("winRate").asDouble());
  }

  @Test
  void updatingAMissingReportSaysToGenerateFirst() {
    IOException e =
        assertThrows(IOException.class, () -> ReportEvaluation.update(dir, MAPPER.nullNode(), 0));
    assertTrue(e.getMessage().endsWith("report.html is missing: run reflect:generate first"), e.getMessage());
  }

  private static String sha256(byte[] bytes) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
  }
}
