package io.github.selfreflect.reflect.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;

/**
 * JSON that can sit inside an HTML {@code <script type="application/json">} element whatever the
 * chats say. The HTML parser ends a script element at the first {@code </script}, in any case,
 * even inside a JSON string, and {@code <!--} inside a script changes how it looks for that end.
 * So every {@code <}, {@code >} and {@code &} is written as a {@code \\u} escape, which JSON reads
 * back as the same character and HTML never sees. U+2028 and U+2029 are escaped too, for tools
 * that still treat the JSON as JavaScript source.
 */
final class ScriptSafeJson extends CharacterEscapes {

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ScriptSafeJson ESCAPES = new ScriptSafeJson();
  private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");
  private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");

  private final int[] ascii = standardAsciiEscapesForJSON();

  private ScriptSafeJson() {
    ascii['<'] = ESCAPE_STANDARD;
    ascii['>'] = ESCAPE_STANDARD;
    ascii['&'] = ESCAPE_STANDARD;
  }

  /** A generator writing UTF-8 to {@code out}, which it leaves open when it closes. */
  static JsonGenerator generator(OutputStream out) throws IOException {
    JsonGenerator json = FACTORY.createGenerator(out);
    json.setCharacterEscapes(ESCAPES);
    json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    json.setRootValueSeparator(null); // callers place their own commas between records
    return json;
  }

  @Override
  public int[] getEscapeCodesForAscii() {
    return ascii;
  }

  @Override
  public SerializableString getEscapeSequence(int ch) {
    if (ch == 0x2028) {
      return LINE_SEPARATOR;
    }
    if (ch == 0x2029) {
      return PARAGRAPH_SEPARATOR;
    }
    return null; // written as is (UTF-8)
  }
}
