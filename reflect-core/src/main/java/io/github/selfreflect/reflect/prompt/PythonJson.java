package io.github.selfreflect.reflect.prompt;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON exactly as CPython's {@code json.dumps(obj, indent=4)} does with its defaults
 * ({@code ensure_ascii=True}), character for character.
 *
 * <p>Why not Jackson: a prompt that reproduces a Python project's request must match it to the
 * byte, and Jackson differs from Python in layout ({@code " : "} vs {@code ": "}, indent style)
 * and in escaping (Jackson keeps non-ASCII as is; Python writes a backslash-u escape with lowercase
 * hex). Matching bytes matter: the rendered prompt is part of the cache key and of what the model
 * sees.
 *
 * <p>The rules reproduced here:
 *
 * <ul>
 *   <li>Objects and arrays with members: an opening bracket, one member per line indented by four
 *       spaces per level, members separated by {@code ",\n"}, keys and values by {@code ": "}, the
 *       closing bracket on its own line at the outer level. Empty ones are {@code {}} and {@code
 *       []}.
 *   <li>Strings: {@code \"}, {@code \\}, {@code \n}, {@code \r}, {@code \t}, {@code \b}, {@code
 *       \f} as two-character escapes; every other character outside {@code 0x20..0x7E} (so also
 *       DEL, {@code 0x7F}) as {@code \}{@code uXXXX} with lowercase hex. Characters outside the
 *       Basic Multilingual Plane come out as their UTF-16 surrogate pair, which is exactly how
 *       Java already stores them, so escaping {@code char} by {@code char} is right.
 * </ul>
 *
 * <p>Supported values: {@link Map} (keys must be strings, written in the map's iteration order,
 * so pass a {@link java.util.LinkedHashMap} to keep insertion order like a Python dict), {@link
 * List}, {@link String}, {@link Boolean}, null, and integral numbers ({@link Integer}, {@link
 * Long}, {@link Short}, {@link Byte}, {@link BigInteger}). Floating point is rejected on purpose:
 * Python's {@code repr} of floats differs from Java's {@code toString}, and no template needs it.
 */
public final class PythonJson {

  private static final String INDENT = "    ";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private PythonJson() {}

  /** {@code json.dumps(value, indent=4)}. */
  public static String dumps(Object value) {
    StringBuilder out = new StringBuilder(256);
    write(value, 0, out);
    return out.toString();
  }

  /**
   * {@code json.dumps(text)}: the string as a JSON string literal, quotes included, escaped as
   * Python escapes with {@code ensure_ascii=True}.
   */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2);
    writeString(text, out);
    return out.toString();
  }

  private static void write(Object value, int level, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      writeString(s, out);
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      writeObject(map, level, out);
    } else if (value instanceof List<?> list) {
      writeArray(list, level, out);
    } else {
      throw new IllegalArgumentException(
          "PythonJson cannot write a " + value.getClass().getName()
              + " (supported: Map, List, String, Boolean, null, integral numbers)");
    }
  }

  private static void writeObject(Map<?, ?> map, int level, StringBuilder out) {
    if (map.isEmpty()) {
      out.append("{}");
      return;
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw new IllegalArgumentException("PythonJson object keys must be strings: " + entry.getKey());
      }
      out.append(first ? "\n" : ",\n");
      first = false;
      indent(level + 1, out);
      writeString(key, out);
      out.append(": ");
      write(entry.getValue(), level + 1, out);
    }
    out.append('\n');
    indent(level, out);
    out.append('}');
  }

  private static void writeArray(List<?> list, int level, StringBuilder out) {
    if (list.isEmpty()) {
      out.append("[]");
      return;
    }
    out.append('[');
    boolean first = true;
    for (Object item : list) {
      out.append(first ? "\n" : ",\n");
      first = false;
      indent(level + 1, out);
      write(item, level + 1, out);
    }
    out.append('\n');
    indent(level, out);
    out.append(']');
  }

  private static void indent(int level, StringBuilder out) {
    for (int i = 0; i < level; i++) {
      out.append(INDENT);
    }
  }

  private static void writeString(String text, StringBuilder out) {
    out.append('"');
    int plain = 0; // start of the run of characters that need no escape, copied in one go
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c <= 0x7E && c != '"' && c != '\\') {
        continue;
      }
      out.append(text, plain, i);
      plain = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> out.append("\\u")
            .append(HEX[(c >> 12) & 0xF])
            .append(HEX[(c >> 8) & 0xF])
            .append(HEX[(c >> 4) & 0xF])
            .append(HEX[c & 0xF]);
      }
    }
    out.append(text, plain, text.length()).append('"');
  }
}
