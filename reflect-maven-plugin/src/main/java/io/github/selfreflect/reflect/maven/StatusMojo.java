package io.github.selfreflect.reflect.maven;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.github.selfreflect.reflect.llm.TokenEstimator;
import io.github.selfreflect.reflect.pipeline.ReflectListener;
import io.github.selfreflect.reflect.pipeline.ReflectStatus;
import io.github.selfreflect.reflect.pipeline.StatusReport;
import io.github.selfreflect.reflect.pipeline.TargetRef;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Tells what {@code reflect:generate} would do, and what it would cost, without sending a request
 * or writing a file: conversations, targets, how many are cached, how many it would reflect, how
 * many it would skip as too long for {@code reflect.maxPromptTokens}, unreadable chat records and
 * cache lines, and the estimated prompt tokens of the missing targets (counted with OpenAI's
 * tokenizer for OpenAI models, approximated as 4 characters a token for others). Unreadable
 * chat records are counted, not fatal. The missing targets are grouped per request as {@code
 * generate} groups them ({@code reflect.targetsPerRequest}), so the estimate is of the requests it
 * would really send. It sends nothing, so it has no endpoint parameters.
 *
 * @since 0.1.0
 */
@Mojo(name = "status", requiresProject = true, threadSafe = true)
public final class StatusMojo extends AbstractCorpusMojo {

  /**
   * {@code text} logs the figures; {@code json} prints one JSON object on standard output, for
   * scripts: {@code mvn -q reflect:status -Dreflect.format=json > status.json}.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.format", defaultValue = "text")
  private String format;

  @Override
  String goal() {
    return "status";
  }

  @Override
  void run() throws MojoExecutionException, MojoFailureException {
    boolean json;
    switch (format.trim().toLowerCase(Locale.ROOT)) {
      case "text" -> json = false;
      case "json" -> json = true;
      default -> throw new MojoFailureException(
          "reflect.format: expected text or json, found '" + format + "'");
    }
    StatusReport report;
    try {
      report =
          ReflectStatus.of(
              corpus(),
              targetsPerRequest,
              TokenEstimator.forModel(model),
              json ? quietListener() : new MavenReflectListener(getLog(), System::nanoTime, MavenReflectListener.CADENCE));
    } catch (UncheckedIOException | IOException e) {
      throw new MojoExecutionException("reflect:status failed: " + e.getMessage(), e);
    }
    if (json) {
      System.out.println(json(report));
      System.out.flush();
    } else {
      log(report);
    }
  }

  /** Warnings go to the log (standard error with -q stays clean of them); stdout stays JSON. */
  private ReflectListener quietListener() {
    return new ReflectListener() {
      @Override
      public void info(String message) {}

      @Override
      public void warn(String message) {
        getLog().warn(message);
      }
    };
  }

  private void log(StatusReport r) {
    text(r).forEach(getLog()::info);
  }

  /** The figures as log lines, in the order and with the names of the JSON fields. */
  static List<String> text(StatusReport r) {
    List<String> lines = new ArrayList<>();
    lines.add("Conversations:       " + r.conversations());
    lines.add("Targets:             " + r.targets());
    lines.add("Cached:              " + r.cached());
    lines.add("To reflect:          " + r.toReflect());
    lines.add(
        "Too long:            "
            + r.tooLong()
            + (r.tooLong() > 0 ? " (over reflect.maxPromptTokens: skipped, not paid for)" : ""));
    lines.add("Invalid records:     " + r.invalidRecords());
    lines.add(
        "Invalid cache lines: "
            + r.invalidCacheLines()
            + (r.duplicateCacheLines() > 0
                ? " (and " + r.duplicateCacheLines() + " duplicates: reflect:compact removes them)"
                : ""));
    lines.add(
        "Prompt tokens to pay: "
            + r.promptTokens()
            + (r.exactTokens() ? " (tokenizer " : " (estimate, ")
            + r.tokenizer()
            + ")");
    for (TargetRef ref : r.missing()) {
      lines.add("  missing: " + ref);
    }
    if (r.toReflect() > r.missing().size()) {
      lines.add("  ... and " + (r.toReflect() - r.missing().size()) + " more");
    }
    return lines;
  }

  static String json(StatusReport r) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeNumberField("conversations", r.conversations());
      json.writeNumberField("targets", r.targets());
      json.writeNumberField("cached", r.cached());
      json.writeNumberField("toReflect", r.toReflect());
      json.writeNumberField("tooLong", r.tooLong());
      json.writeNumberField("invalidRecords", r.invalidRecords());
      json.writeNumberField("invalidCacheLines", r.invalidCacheLines());
      json.writeNumberField("duplicateCacheLines", r.duplicateCacheLines());
      json.writeObjectFieldStart("promptTokens");
      json.writeNumberField("estimate", r.promptTokens());
      json.writeStringField("tokenizer", r.tokenizer());
      json.writeBooleanField("exact", r.exactTokens());
      json.writeEndObject();
      json.writeArrayFieldStart("missing");
      for (TargetRef ref : r.missing()) {
        json.writeStartObject();
        json.writeStringField("source", ref.source());
        json.writeNumberField("line", ref.line());
        json.writeStringField("conversation", ref.conversationId());
        json.writeNumberField("turn", ref.turn());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toString();
  }
}
