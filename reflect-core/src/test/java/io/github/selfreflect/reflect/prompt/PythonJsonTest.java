package io.github.selfreflect.reflect.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every expected string here was produced by CPython 3.11's {@code json.dumps} ({@code
 * json.dumps(value)} for single strings, {@code json.dumps(value, indent=4)} for the nested
 * value), run on this machine, then pasted as a Java literal. They are not derived from the code
 * under test.
 */
class PythonJsonTest {

  @Test
  void plainAsciiIsOnlyQuoted() {
    assertEquals("\"Flip a 3-sided coin\"", PythonJson.quote("Flip a 3-sided coin"));
  }

  @Test
  void nonAsciiIsEscapedWithLowercaseHex() {
    assertEquals(
        "\"caf\\u00e9 na\\u00efve \\u00dcn\\u00efc\\u00f6d\\u00e9 \\u65e5\\u672c\\u8a9e\"",
        PythonJson.quote("caf\u00e9 na\u00efve \u00dcn\u00efc\u00f6d\u00e9 \u65e5\u672c\u8a9e"));
  }

  @Test
  void astralCharactersBecomeSurrogatePairs() {
    String text =
        "ok " + new String(Character.toChars(0x1F600)) + " "
            + new String(Character.toChars(0x1F44D)) + new String(Character.toChars(0x1F3FD));
    assertEquals("\"ok \\ud83d\\ude00 \\ud83d\\udc4d\\ud83c\\udffd\"", PythonJson.quote(text));
  }

  @Test
  void controlCharactersUseShortEscapesWherePythonDoesAndUnicodeEscapesElsewhere() {
    assertEquals(
        "\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001b\\u001f\\u007f\\u0080\\u009f\"",
        PythonJson.quote("\u0000\u0001\b\t\n\u000b\f\r\u001b\u001f\u007f\u0080\u009f"));
  }

  @Test
  void quotesAndBackslashesAreEscapedButSingleQuotesAndSlashesAreNot() {
    assertEquals(
        "\"say \\\"hi\\\" \\\\ path C:\\\\new\\\\table 'single' /slash\"",
        PythonJson.quote("say \"hi\" \\ path C:\\new\\table 'single' /slash"));
  }

  @Test
  void lineSeparatorsBomAndLoneSurrogatesAreEscaped() {
    assertEquals("\"\\u2028\\u2029\\ufeff\\uffff\"", PythonJson.quote("\u2028\u2029\ufeff\uffff"));
    assertEquals("\"\\ud800x\"", PythonJson.quote("\ud800x"));
  }

  @Test
  void nestedValuesAreIndentedLikeIndent4() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("\u00e9", List.of("a"));
    List<Object> list = new ArrayList<>(Arrays.asList(1, -2L, true, false, null));
    list.add(List.of());
    list.add(Map.of());
    list.add(inner);
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("K", "'x'");
    value.put("list", list);
    value.put("empty", "");

    assertEquals(
        "{\n    \"K\": \"'x'\",\n    \"list\": [\n        1,\n        -2,\n        true,\n"
            + "        false,\n        null,\n        [],\n        {},\n        {\n"
            + "            \"\\u00e9\": [\n                \"a\"\n            ]\n        }\n"
            + "    ],\n    \"empty\": \"\"\n}",
        PythonJson.dumps(value));
  }

  @Test
  void topLevelScalarsAndEmptyContainers() {
    assertEquals("{}", PythonJson.dumps(Map.of()));
    assertEquals("[]", PythonJson.dumps(List.of()));
    assertEquals("null", PythonJson.dumps(null));
    assertEquals("\"\"", PythonJson.dumps(""));
  }

  @Test
  void floatsAndNonStringKeysAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> PythonJson.dumps(1.5));
    assertThrows(IllegalArgumentException.class, () -> PythonJson.dumps(Map.of(1, "a")));
  }

  /**
   * Every character, alone and between plain text, escapes as Python's rule says: the quoting
   * copies runs of plain characters in one go, and this pins that it still treats each character
   * exactly as the rule does. The expected text is built here from the rule, character by
   * character.
   */
  @Test
  void everyCharacterEscapesByTheRule() {
    for (int code = 0; code <= Character.MAX_VALUE; code++) {
      char c = (char) code;
      String expected = "\"ab" + escapedByTheRule(c) + "cd" + escapedByTheRule(c) + "\"";
      assertEquals(expected, PythonJson.quote("ab" + c + "cd" + c));
    }
  }

  private static String escapedByTheRule(char c) {
    switch (c) {
      case '"':
        return "\\\"";
      case '\\':
        return "\\\\";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      case '\b':
        return "\\b";
      case '\f':
        return "\\f";
      default:
        return c >= 0x20 && c <= 0x7E ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
  }
}
