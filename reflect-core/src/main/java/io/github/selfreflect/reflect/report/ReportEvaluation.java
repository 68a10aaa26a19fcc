package io.github.selfreflect.reflect.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.selfreflect.reflect.dataset.AtomicFiles;
import io.github.selfreflect.reflect.dataset.OutputFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;

/**
 * The evaluation inside {@code report.html}: {@code generate} writes the page with an empty
 * evaluation block, and {@code reflect:evaluate} swaps in its results (win rate, confidence
 * interval, the judgment of each sampled pair), leaving every other byte of the page as it was.
 */
public final class ReportEvaluation {

  static final String OPEN = "<script type=\"application/json\" id=\"reflect-evaluation\">";
  static final String CLOSE = "</script>";

  /** The block of a page that has not been evaluated. */
  static final String NONE_BLOCK = OPEN + "null" + CLOSE;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ReportEvaluation() {}

  /**
   * Puts {@code evaluation} into {@code directory/report.html} (atomically) and returns the page
   * as the manifest lists it.
   *
   * @param records the page's record count to report (targets embedded), as the manifest had it
   * @throws IOException if the page is missing or was not written by {@link ReportWriter}
   */
  public static OutputFile update(Path directory, JsonNode evaluation, long records)
      throws IOException {
    Path page = directory.resolve(ReportWriter.FILE_NAME);
    if (!Files.isRegularFile(page)) {
      throw new IOException(page + " is missing: run reflect:generate first");
    }
    String html = Files.readString(page, StandardCharsets.UTF_8);
    int start = html.lastIndexOf(OPEN);
    int end = start < 0 ? -1 : html.indexOf(CLOSE, start + OPEN.length());
    if (end < 0) {
      throw new IOException(page + " has no evaluation block: it was not written by reflect:generate");
    }
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    try (JsonGenerator generator = ScriptSafeJson.generator(json)) {
      MAPPER.writeTree(generator, evaluation);
    }
    byte[] bytes =
        (html.substring(0, start + OPEN.length())
                + json.toString(StandardCharsets.UTF_8)
                + html.substring(end))
            .getBytes(StandardCharsets.UTF_8);
    Path partial = AtomicFiles.partialOf(page);
    try (FileChannel channel =
        FileChannel.open(
            partial,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    AtomicFiles.moveIntoPlace(partial, page);
    return new OutputFile(
        ReportWriter.FILE_NAME,
        bytes.length,
        records,
        HexFormat.of().formatHex(ReportFile.sha256().digest(bytes)));
  }
}
