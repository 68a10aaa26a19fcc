package io.github.selfreflect.reflect.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.llm.openai.OpenAiChatClient;
import io.github.selfreflect.reflect.pipeline.ReflectListener;
import io.github.selfreflect.reflect.pipeline.ReflectPipeline;
import io.github.selfreflect.reflect.pipeline.ReflectRequest;
import io.github.selfreflect.reflect.prompt.PromptTemplates;
import io.github.selfreflect.reflect.testing.FakeLlmServer;
import io.github.selfreflect.reflect.testing.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a generated {@code report.html} in a real headless Chromium (Debian's {@code chromium};
 * {@code .ci/run} installs it) and checks what a curator sees: the summary figures agree with
 * {@code manifest.json}, the search box narrows the cards, and a chat message holding {@code
 * <script>} shows as text without running. Saves a screenshot to {@code
 * target/report-browser/report.png}.
 *
 * <p>The dataset comes from a real pipeline run against the loopback fake LLM; one of its
 * replies repeats the original answer, so the identical filter fires and shows up.
 */
class ReportBrowserTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SCRIPT_MESSAGE =
      "Why is <script>window.__pwned = 1</script> shown? And <img src=x onerror=\"window.__pwned = 2\">?";
  private static final String ECHO_K = "Say exactly: ok";

  @TempDir static Path work;

  private static Path output;

  @BeforeAll
  static void generateDataset() throws Exception {
    Path chats = Files.createDirectories(work.resolve("chats"));
    Files.writeString(
        chats.resolve("support.json"),
        """
        [
          {"id": "xss", "conversations": [
            {"from": "human", "value": %s},
            {"from": "gpt", "value": "It is just text."},
            {"from": "human", "value": "Good."}]},
          {"id": "kayak", "conversations": [
            {"from": "human", "value": "Which kayak should I buy for a calm lake?"},
            {"from": "gpt", "value": "Any kayak will do."},
            {"from": "human", "value": "It tipped over twice."},
            {"from": "gpt", "value": "Then pick a wider sit-on-top model."},
            {"from": "human", "value": "Thanks."}]}
        ]
        """
            .formatted(MAPPER.writeValueAsString(SCRIPT_MESSAGE)));
    Files.writeString(
        chats.resolve("echo.jsonl"),
        "{\"messages\":[{\"role\":\"user\",\"content\":\"" + ECHO_K + "\"},"
            + "{\"role\":\"assistant\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":\"Thanks.\"}]}\n");

    output = work.resolve("out");
    // The echo target's reply repeats the original answer: the identical filter must catch it.
    try (FakeLlmServer server =
        new FakeLlmServer(
                body -> {
                  Optional<String> k = FakeLlmServer.extractK(body);
                  if (k.isPresent() && k.get().equals(ECHO_K)) {
                    return "{\"K\": \"" + ECHO_K + "\", \"C\": \"Already right.\", \"L\": \"ok\"}";
                  }
                  return FakeLlmServer.seedReply(k.orElseThrow());
                })
            .start()) {
      ReflectRequest request =
          ReflectRequest.builder(
                  chats, output, work.resolve("cache"), PromptTemplates.byId("seed"),
                  FakeLlmServer.DEFAULT_MODEL)
              .concurrency(2)
              .maxReplyAttempts(1)
              .generatorVersion("test")
              .build();
      new ReflectPipeline(
              request,
              gate -> OpenAiChatClient.builder().baseUrl(server.baseUrl()).requestGate(gate).build(),
              ReflectListener.SILENT)
          .run();
    }
  }

  @Test
  void showsTheManifestFiguresSearchesAndShowsScriptAsText() throws Exception {
    JsonNode manifest = MAPPER.readTree(output.resolve("manifest.json").toFile());
    assertEquals(1, manifest.at("/filters/excluded/identical").asLong(), "precondition: one filtered");

    try (HeadlessChromium chromium =
        HeadlessChromium.start(Files.createDirectories(work.resolve("profile")), 1280, 2000)) {
      chromium.open(output.resolve(ReportWriter.FILE_NAME), "document.body.dataset.ready === 'true'");

      // The summary says what the manifest says.
      assertEquals(manifest.at("/counts/targets").asLong(), figure(chromium, "targets"));
      assertEquals(manifest.at("/files/sft.jsonl/records").asLong(), figure(chromium, "sft"));
      assertEquals(manifest.at("/files/preference.jsonl/records").asLong(), figure(chromium, "preference"));
      assertEquals(manifest.at("/filters/excludedTotal").asLong(), figure(chromium, "filtered"));
      assertEquals(manifest.at("/counts/failed").asLong(), figure(chromium, "failed"));
      assertEquals(
          "1",
          chromium.evaluate("document.querySelector('[data-filter=identical] td:last-child').textContent").asText());
      assertEquals(4, chromium.evaluate("document.querySelectorAll('#cards .card').length").asInt());

      // A message with markup is text: shown verbatim, nothing ran, no element was made from it.
      assertTrue(
          chromium.evaluate("document.getElementById('cards').textContent").asText().contains(SCRIPT_MESSAGE));
      assertTrue(chromium.evaluate("typeof window.__pwned === 'undefined'").asBoolean(), "the script ran");
      assertEquals(0, chromium.evaluate("document.querySelectorAll('#cards script, #cards img').length").asInt());

      // Typing into the search box narrows the cards to the kayak conversation's two targets.
      chromium.evaluate("document.getElementById('search').focus(), true");
      chromium.insertText("KAYAK");
      chromium.waitFor("document.getElementById('count').dataset.matches === '2'");
      assertEquals(2, chromium.evaluate("document.querySelectorAll('#cards .card').length").asInt());
      assertTrue(
          chromium
              .evaluate(
                  "[...document.querySelectorAll('#cards .card')].every(c => /kayak/i.test(c.textContent))")
              .asBoolean());
      // The filter menu narrows to the one filtered target, with its reason shown.
      chromium.evaluate(
          "(() => { const s = document.getElementById('search'); s.value = '';"
              + " s.dispatchEvent(new Event('input')); const f = document.getElementById('filter');"
              + " f.value = 'identical'; f.dispatchEvent(new Event('change')); return true; })()");
      chromium.waitFor("document.getElementById('count').dataset.matches === '1'");
      assertTrue(
          chromium
              .evaluate("document.querySelector('#cards .filter-note').textContent")
              .asText()
              .startsWith("Left out of the training files (identical)"));
      // Back to everything, with the first card's context unfolded, for the screenshot.
      chromium.evaluate(
          "(() => { const f = document.getElementById('filter'); f.value = '';"
              + " f.dispatchEvent(new Event('change')); return true; })()");
      chromium.waitFor("document.getElementById('count').dataset.matches === '4'");
      chromium.waitFor("document.querySelectorAll('#cards .card').length === 4");
      chromium.evaluate("document.querySelectorAll('details.context')[0].open = true");
      chromium.screenshot(Path.of("target", "report-browser", "report.png"));
      assertEquals(java.util.List.of(), chromium.consoleErrors(), "the page logged errors");
    }
  }

  private static long figure(HeadlessChromium chromium, String name) throws Exception {
    String text =
        chromium
            .evaluate("document.querySelector('[data-figure=" + name + "] .value').textContent")
            .asText();
    return Long.parseLong(text.replace(",", ""));
  }
}
