package io.github.selfreflect.reflect.report;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.selfreflect.reflect.cache.CacheEntry;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Target;
import io.github.selfreflect.reflect.dataset.Manifest;
import io.github.selfreflect.reflect.dataset.OutputFile;
import io.github.selfreflect.reflect.dataset.SftSelection;
import io.github.selfreflect.reflect.filter.Exclusion;
import io.github.selfreflect.reflect.filter.FilterReason;
import io.github.selfreflect.reflect.llm.Usage;
import io.github.selfreflect.reflect.prompt.Verdict;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Writes {@code report.html}: one self-contained page (no network, opens from disk) for a curator
 * to read the reflections before publishing. A summary at the top, then one card per target with
 * its context, K, the original and the new answer side by side with a word-level diff, the
 * critique, the verdict and any filter reason; search and filters by verdict, filter reason and
 * source file. {@code reflect:evaluate} later fills in the win rate (see {@link
 * ReportEvaluation}).
 *
 * <p><b>Size.</b> The page embeds its data as JSON and renders one page of cards at a time, so a
 * browser stays quick; to keep the file bounded, at most {@code maxTargets} targets are embedded,
 * spread evenly over the corpus (every n-th, n a power of two; see {@link EmbeddedTargets}: the
 * writer need not know the corpus's size in advance), and the page says so. Each text is cut at {@value
 * #MAX_TEXT} characters and the context at its last {@value #MAX_CONTEXT_MESSAGES} messages of at
 * most {@value #MAX_CONTEXT_TEXT} characters, again saying so. The summary figures (counts,
 * verdicts, filters, lengths, tokens) always cover every target.
 *
 * <p><b>Safety.</b> Chat text is data, never markup: it is embedded as {@link ScriptSafeJson} and
 * the page's script only ever puts it into the document as text.
 *
 * <p><b>Reproducible.</b> No timestamps or paths; the same calls give the same bytes.
 *
 * <p>Call {@link #reflected} and {@link #failed} in corpus order, then {@link #finish}; not
 * thread-safe.
 */
public final class ReportWriter implements Closeable {

  public static final String FILE_NAME = "report.html";

  /** Targets embedded by default; about 5 to 20 MB of page for typical chats. */
  public static final int DEFAULT_MAX_TARGETS = 2000;

  static final int MAX_TEXT = 20_000;
  static final int MAX_CONTEXT_TEXT = 4_000;
  static final int MAX_CONTEXT_MESSAGES = 40;

  /** Source files listed in the page's source filter; more are still searchable by name. */
  static final int MAX_SOURCES = 1000;

  private final ReportFile file;
  private final EmbeddedTargets embedded;
  private final int maxTargets;
  private final SftSelection sftSelection;

  private long seen;
  private long revise;
  private long keep;
  private long failedTargets;
  private long sft;
  private long preference;
  private Usage usage = Usage.NONE;
  private final LengthHistogram originalLengths = new LengthHistogram();
  private final LengthHistogram revisedLengths = new LengthHistogram();
  private final TreeSet<String> sources = new TreeSet<>();
  private boolean moreSources;

  private ReportWriter(
      ReportFile file, EmbeddedTargets embedded, int maxTargets, SftSelection sftSelection)
      throws IOException {
    this.file = file;
    this.embedded = embedded;
    this.maxTargets = maxTargets;
    this.sftSelection = sftSelection;
    file.write(ReportTemplate.head());
    file.write("<script type=\"application/json\" id=\"reflect-targets\">[");
  }

  /**
   * Starts {@code directory/report.html} (written under a partial name until {@link #finish}).
   * The corpus's size need not be known: the embedded targets are chosen as they come.
   *
   * @param maxTargets the most targets embedded in the page
   */
  public static ReportWriter open(Path directory, int maxTargets) throws IOException {
    return open(directory, maxTargets, SftSelection.ALL);
  }

  /**
   * As {@link #open(Path, int)}, counting SFT records as the dataset writer writes them.
   *
   * @param sftSelection whether a kept original is an SFT record ({@link SftSelection#ALL}) or only
   *     revised answers are
   */
  public static ReportWriter open(Path directory, int maxTargets, SftSelection sftSelection)
      throws IOException {
    Objects.requireNonNull(sftSelection, "sftSelection");
    if (maxTargets < 1) {
      throw new IllegalArgumentException("maxTargets must be at least 1, found " + maxTargets);
    }
    Path page = directory.resolve(FILE_NAME);
    ReportFile file = ReportFile.create(page);
    EmbeddedTargets embedded = null;
    try {
      embedded =
          EmbeddedTargets.create(page.resolveSibling("." + FILE_NAME + ".targets"), maxTargets);
      return new ReportWriter(file, embedded, maxTargets, sftSelection);
    } catch (IOException | RuntimeException e) {
      if (embedded != null) {
        embedded.close();
      }
      file.abort();
      throw e;
    }
  }

  /** Adds a reflected target; {@code exclusion} is the quality filter that left it out, or null. */
  public void reflected(Target target, CacheEntry entry, Exclusion exclusion) throws IOException {
    Verdict verdict = entry.reflection().verdict();
    boolean revised = verdict == Verdict.REVISE;
    if (revised) {
      revise++;
      originalLengths.add(target.originalAnswer().content().length());
      revisedLengths.add(entry.reflection().answer().length());
    } else {
      keep++;
    }
    if (exclusion == null) {
      if (revised || sftSelection == SftSelection.ALL) {
        sft++;
      }
      if (revised) {
        preference++;
      }
    }
    usage = usage.plus(entry.usage());
    JsonGenerator json = embedNext(target);
    if (json != null) {
      json.writeStartObject();
      location(json, target);
      json.writeStringField("v", verdict.wireName());
      json.writeStringField("cr", cut(entry.reflection().critique(), MAX_TEXT));
      json.writeStringField("n", cut(entry.reflection().answer(), MAX_TEXT));
      if (exclusion != null) {
        json.writeStringField("f", exclusion.reason().wireName());
        json.writeStringField("fd", exclusion.detail());
      }
      json.writeEndObject();
      embedded.end();
    }
  }

  /** Adds a target that has no reflection, with the reason. */
  public void failed(Target target, String reason) throws IOException {
    failedTargets++;
    JsonGenerator json = embedNext(target);
    if (json != null) {
      json.writeStartObject();
      location(json, target);
      json.writeStringField("v", "failed");
      json.writeStringField("err", cut(reason, MAX_TEXT));
      json.writeEndObject();
      embedded.end();
    }
  }

  /**
   * Writes the summary and puts the page in place.
   *
   * @param manifest the dataset's manifest, for the counts, filters, model and template (its file
   *     list is not shown)
   * @return the page as the manifest lists it ({@code records} = targets embedded)
   */
  public OutputFile finish(Manifest manifest) throws IOException {
    embedded.copyTo(file.stream());
    file.write("]</script>\n<script type=\"application/json\" id=\"reflect-summary\">");
    JsonGenerator summary = ScriptSafeJson.generator(file.stream());
    writeSummary(summary, manifest);
    summary.close();
    file.write("</script>\n" + ReportEvaluation.NONE_BLOCK + "\n");
    file.write(ReportTemplate.tail());
    OutputFile page = file.commit(embedded.size());
    embedded.close();
    return page;
  }

  /** Without {@link #finish}: deletes the partial files. Idempotent. */
  @Override
  public void close() throws IOException {
    try {
      embedded.close();
    } finally {
      file.abort();
    }
  }

  /**
   * The generator to write the next target to, or null when it is not embedded: all targets up to
   * {@code maxTargets}, else an even spread, so that a huge corpus shows itself rather than its
   * first files only.
   */
  private JsonGenerator embedNext(Target target) throws IOException {
    seen++;
    String source = target.conversation().sourceFile();
    if (!sources.contains(source)) {
      if (sources.size() < MAX_SOURCES) {
        sources.add(source);
      } else {
        moreSources = true;
      }
    }
    return embedded.begin();
  }

  private static void location(JsonGenerator json, Target target) throws IOException {
    json.writeStringField("s", target.conversation().sourceFile());
    json.writeStringField("c", target.conversation().id());
    json.writeNumberField("t", target.index());
    List<Message> history = target.history();
    int from = Math.max(0, history.size() - MAX_CONTEXT_MESSAGES);
    if (from > 0) {
      json.writeNumberField("ctxCut", from);
    }
    json.writeArrayFieldStart("ctx");
    for (Message m : history.subList(from, history.size())) {
      json.writeStartObject();
      json.writeStringField("r", m.role().wireName());
      json.writeStringField("x", cut(text(m), MAX_CONTEXT_TEXT));
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeStringField("k", cut(target.question().content(), MAX_TEXT));
    json.writeStringField("o", cut(target.originalAnswer().content(), MAX_TEXT));
  }

  /** A message's text, with its tool calls spelled out (they are the content of a call). */
  private static String text(Message m) {
    String text = m.content();
    if (m.isToolCall()) {
      text = (text.isEmpty() ? "" : text + "\n") + "[tool calls] " + m.toolCalls();
    }
    if (m.name() != null) {
      text = "[" + m.name() + "] " + text;
    }
    return text;
  }

  static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end)
        + "\u2026 [cut here for the report: "
        + (text.length() - end)
        + " more characters in reflections.jsonl]";
  }

  private void writeSummary(JsonGenerator out, Manifest manifest) throws IOException {
    out.writeStartObject();
    out.writeStringField("generator", manifest.generatorVersion());
    out.writeStringField("model", manifest.model());
    out.writeStringField("template", manifest.template().id());
    // Not which targets were cached and which reflected in this build: the page describes the
    // data, and stays the same bytes whether its reflections came from the cache or a model.
    Manifest.Counts counts = manifest.counts();
    out.writeObjectFieldStart("counts");
    out.writeNumberField("conversations", counts.conversations());
    out.writeNumberField("targets", counts.targets());
    out.writeNumberField("failed", counts.failed());
    out.writeNumberField("skipped", counts.skipped());
    out.writeNumberField("invalidRecords", counts.invalidRecords());
    out.writeEndObject();
    out.writeObjectFieldStart("verdicts");
    out.writeNumberField("revise", revise);
    out.writeNumberField("keep", keep);
    out.writeEndObject();
    out.writeObjectFieldStart("training");
    out.writeNumberField("sft", sft);
    out.writeNumberField("preference", preference);
    out.writeEndObject();
    Manifest.Filters filters = manifest.filters();
    out.writeObjectFieldStart("filters");
    out.writeArrayFieldStart("enabled");
    for (FilterReason reason : filters.settings().enabled()) {
      out.writeString(reason.wireName());
    }
    out.writeEndArray();
    out.writeObjectFieldStart("excluded");
    for (Map.Entry<FilterReason, Long> e : filters.excluded().entrySet()) {
      out.writeNumberField(e.getKey().wireName(), e.getValue());
    }
    out.writeEndObject();
    out.writeNumberField("excludedTotal", filters.total());
    out.writeEndObject();
    out.writeObjectFieldStart("usage");
    out.writeNumberField("prompt", usage.promptTokens());
    out.writeNumberField("cached", usage.cachedPromptTokens());
    out.writeNumberField("completion", usage.completionTokens());
    out.writeEndObject();
    out.writeObjectFieldStart("lengths");
    out.writeArrayFieldStart("buckets");
    for (String label : LengthHistogram.labels()) {
      out.writeString(label);
    }
    out.writeEndArray();
    out.writeFieldName("original");
    out.writeArray(originalLengths.counts(), 0, LengthHistogram.BUCKETS);
    out.writeFieldName("revised");
    out.writeArray(revisedLengths.counts(), 0, LengthHistogram.BUCKETS);
    out.writeNumberField("meanOriginal", Math.round(originalLengths.mean()));
    out.writeNumberField("meanRevised", Math.round(revisedLengths.mean()));
    out.writeEndObject();
    out.writeArrayFieldStart("sources");
    for (String source : sources) {
      out.writeString(source);
    }
    out.writeEndArray();
    out.writeBooleanField("moreSources", moreSources);
    out.writeNumberField("items", seen);
    out.writeNumberField("embedded", embedded.size());
    out.writeNumberField("maxTargets", maxTargets);
    out.writeEndObject();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
