package io.github.selfreflect.reflect.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The page around the data: {@code report-template.html}, a resource holding the styles, the
 * layout and the script, split at the {@value #DATA_MARKER} comment where {@link ReportWriter}
 * puts the data. Kept as one HTML file so that it can be opened and styled on its own.
 */
final class ReportTemplate {

  static final String DATA_MARKER = "<!-- reflect:data -->";

  private static final String[] PARTS = load();

  private ReportTemplate() {}

  static String head() {
    return PARTS[0];
  }

  static String tail() {
    return PARTS[1];
  }

  private static String[] load() {
    try (InputStream in = ReportTemplate.class.getResourceAsStream("report-template.html")) {
      if (in == null) {
        throw new IllegalStateException("report-template.html is missing from the reflect-core jar");
      }
      String page = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
      int at = page.indexOf(DATA_MARKER);
      if (at < 0 || page.indexOf(DATA_MARKER, at + 1) >= 0) {
        throw new IllegalStateException("report-template.html must hold " + DATA_MARKER + " once");
      }
      return new String[] {page.substring(0, at), page.substring(at + DATA_MARKER.length())};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
