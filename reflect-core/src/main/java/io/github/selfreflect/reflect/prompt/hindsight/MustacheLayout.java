package io.github.selfreflect.reflect.prompt.hindsight;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheFactory;
import io.github.selfreflect.reflect.chat.Message;
import io.github.selfreflect.reflect.chat.Role;
import io.github.selfreflect.reflect.prompt.InvalidTemplateException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A data repository's own prompt layout ({@code reflect.templateFile}): a <a
 * href="https://mustache.github.io/mustache.5.html">Mustache</a> file, rendered by mustache.java.
 *
 * <p><b>The file.</b> Lines that read exactly {@code ### system} or {@code ### user} start a
 * message of that role; each message's text is a Mustache template over these names:
 *
 * <ul>
 *   <li>{@code lines}: the conversation as shown, each with {@code turn}, {@code role}, {@code
 *       content}, {@code json} (the turn as one JSON line, as the built-in layout writes it),
 *       {@code elided} (true for the marker that stands for turns left out for length, which has
 *       {@code from} and {@code to} instead);
 *   <li>{@code targets}: the turns to review, each with {@code turn} and {@code question} (the
 *       user turn it answers), and {@code targetList} ("3, 5 and 7");
 *   <li>{@code schema}: the JSON Schema the reply must follow (the reply format is the hindsight
 *       template's: {@code {"results": [{"turn", "critique", "verdict", "answer",
 *       "evidence"}]}}).
 * </ul>
 *
 * <p><b>Content is data here too.</b> {@code {{name}}} writes a value escaped as the inside of a
 * JSON string (quotes, backslashes and line breaks escaped), not as HTML, so a message cannot start
 * a line of its own; {@code {{{name}}}} writes it raw, for values that are already safe such as
 * {@code json} and {@code schema}. Message boundaries are taken from the file, never from the
 * rendered text, so no content can open a message.
 *
 * <p><b>Checked on load.</b> Syntax errors, unknown names, partials and delimiter changes, a file
 * without a user message and a file that never names the targets fail with {@code file:line:
 * reason} before any request. The file's bytes are part of the template's fingerprint, so
 * editing it re-reflects what it renders.
 */
public final class MustacheLayout implements HindsightLayout {

  private static final Pattern SECTION = Pattern.compile("### (system|user)");
  private static final Pattern TAG = Pattern.compile("\\{\\{(\\{?)([#^/&!>=]?)\\s*([^}]*?)\\s*\\}?\\}\\}");
  private static final Pattern ERROR_LINE = Pattern.compile("@\\[[^\\]]*:(\\d+)\\]");
  private static final Set<String> NAMES =
      Set.of(
          "lines", "turn", "role", "content", "json", "elided", "from", "to", "targets",
          "question", "targetList", "schema", ".");

  private final String text;
  private final List<Section> sections;

  private record Section(Role role, Mustache mustache, String padding) {}

  private MustacheLayout(String text, List<Section> sections) {
    this.text = text;
    this.sections = sections;
  }

  /**
   * Reads and checks a template file.
   *
   * @throws InvalidTemplateException naming the file, the line and what is wrong
   * @throws IOException when the file cannot be read
   */
  public static MustacheLayout load(Path file) throws IOException, InvalidTemplateException {
    String text = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
    // The line break before a header and the file's last one end a line; they are not content.
    String[] lines = (text.endsWith("\n") ? text.substring(0, text.length() - 1) : text).split("\n", -1);
    checkTags(file, lines);
    List<Section> sections = new ArrayList<>();
    Role role = null;
    int start = 0;
    boolean namesTargets = false;
    for (int i = 0; i <= lines.length; i++) {
      Matcher header = i < lines.length ? SECTION.matcher(lines[i].strip()) : null;
      boolean isHeader = header != null && header.matches();
      if (i == lines.length || isHeader) {
        if (role == null) {
          for (int j = 0; j < i; j++) {
            if (!lines[j].isBlank() && !lines[j].strip().matches("\\{\\{!.*\\}\\}")) {
              throw new InvalidTemplateException(
                  file, j + 1, "expected '### system' or '### user' before any text");
            }
          }
        } else {
          String body = String.join("\n", List.of(lines).subList(start, i));
          sections.add(compile(file, role, body, start));
          namesTargets |= role == Role.USER && body.matches("(?s).*\\{\\{\\s*[#^]?\\s*(targets|targetList)\\b.*");
        }
        if (isHeader) {
          role = header.group(1).equals("system") ? Role.SYSTEM : Role.USER;
          start = i + 1;
        }
      }
    }
    if (sections.stream().noneMatch(s -> s.role() == Role.USER)) {
      throw new InvalidTemplateException(file, lines.length, "expected a '### user' message");
    }
    if (!namesTargets) {
      throw new InvalidTemplateException(
          file, lines.length,
          "no user message names the turns to review: use {{targetList}} or {{#targets}}...{{/targets}}");
    }
    return new MustacheLayout(text, List.copyOf(sections));
  }

  /** Unknown names, partials and delimiter changes, each with its line. */
  private static void checkTags(Path file, String[] lines) throws InvalidTemplateException {
    for (int i = 0; i < lines.length; i++) {
      Matcher tag = TAG.matcher(lines[i]);
      while (tag.find()) {
        String kind = tag.group(2);
        String name = tag.group(3);
        if (kind.equals("!")) {
          continue;
        }
        if (kind.equals(">")) {
          throw new InvalidTemplateException(file, i + 1, "partials ({{>" + name + "}}) are not supported: keep the template in one file");
        }
        if (kind.equals("=")) {
          throw new InvalidTemplateException(file, i + 1, "changing delimiters is not supported");
        }
        if (!NAMES.contains(name)) {
          throw new InvalidTemplateException(
              file, i + 1, "unknown name '" + name + "'; known: " + String.join(", ", new TreeSet<>(NAMES)));
        }
      }
    }
  }

  /**
   * Compiles one message's text. It is preceded by as many newlines as lines come before it in
   * the file, so that Mustache's errors name the file's line; those newlines are cut from the
   * output again.
   */
  private static Section compile(Path file, Role role, String body, int firstLine)
      throws InvalidTemplateException {
    String padding = "\n".repeat(firstLine);
    try {
      Mustache mustache = factory().compile(new StringReader(padding + body), file.getFileName().toString());
      return new Section(role, mustache, padding);
    } catch (MustacheException e) {
      String message = String.valueOf(e.getMessage());
      Matcher line = ERROR_LINE.matcher(message);
      int at = line.find() ? Integer.parseInt(line.group(1)) : firstLine + 1;
      String reason = message.replaceAll("\\s*(in \\S+:\\d+(@\\d+)?)?\\s*@\\[[^\\]]*\\]\\s*$", "");
      throw new InvalidTemplateException(file, at, reason);
    }
  }

  /** A factory that escapes {@code {{name}}} as JSON string content instead of HTML. */
  private static MustacheFactory factory() {
    return new DefaultMustacheFactory() {
      @Override
      public void encode(String value, Writer writer) {
        try {
          String quoted = TurnJson.quote(value);
          writer.write(quoted, 1, quoted.length() - 2);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  @Override
  public List<Message> render(PromptView view) {
    Map<String, Object> scope = scope(view);
    List<Message> messages = new ArrayList<>(sections.size());
    for (Section section : sections) {
      StringWriter out = new StringWriter();
      section.mustache().execute(out, scope);
      String rendered = out.toString().substring(section.padding().length());
      messages.add(Message.of(section.role(), rendered));
    }
    return messages;
  }

  @Override
  public String fingerprintText() {
    return "mustache\n" + text;
  }

  private static Map<String, Object> scope(PromptView view) {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (PromptView.Line line : view.lines()) {
      Map<String, Object> values = new LinkedHashMap<>();
      values.put("json", line.json());
      if (line instanceof PromptView.Turn turn) {
        values.put("elided", false);
        values.put("turn", turn.turn());
        values.put("role", turn.role());
        values.put("content", turn.content());
      } else if (line instanceof PromptView.Elided elided) {
        values.put("elided", true);
        values.put("from", elided.from());
        values.put("to", elided.to());
      }
      lines.add(values);
    }
    List<Map<String, Object>> targets = new ArrayList<>();
    for (int target : view.targets()) {
      targets.add(Map.of("turn", target, "question", target - 1));
    }
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("lines", lines);
    scope.put("targets", targets);
    scope.put("targetList", Markers.list(view.targets()));
    // Compact: a pretty printer would use the platform's line separator, and the prompt is a cache key.
    scope.put("schema", ReplySchema.schema().toString());
    return scope;
  }

  /** The id a template from this file gets: {@code file:} and the file name in lower case. */
  static String idFor(Path file) {
    return "file:" + file.getFileName().toString().toLowerCase(Locale.ROOT);
  }
}
