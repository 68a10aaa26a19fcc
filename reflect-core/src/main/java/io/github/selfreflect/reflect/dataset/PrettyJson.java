package io.github.selfreflect.reflect.dataset;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The layout of the dataset's human-readable JSON files ({@code manifest.json}, {@code
 * evaluation.json}): two-space indents, {@code "key": value}, {@code \n} line ends on every
 * platform and a final newline, so that they read well, diff well and are byte-identical for
 * identical builds. Keys keep the order of the tree.
 */
public final class PrettyJson {

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build());

  private PrettyJson() {}

  static DefaultPrettyPrinter printer() {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    return new DefaultPrettyPrinter(
            Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""))
        .withObjectIndenter(indenter)
        .withArrayIndenter(indenter);
  }

  public static String render(JsonNode tree) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(text)) {
      json.setPrettyPrinter(printer());
      MAPPER.writeTree(json, tree);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return text + "\n";
  }
}
