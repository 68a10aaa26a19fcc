package io.github.selfreflect.reflect.prompt.seed;

import io.github.selfreflect.reflect.prompt.PythonJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed prompt's system message, exactly as SelfReflectionGPT builds it, quirks included: the
 * space before each {@code \n} of "described below \n" and "Response Format: \n", the space
 * after the format, and "beparsed" (the original joins two string literals, {@code "...can be"}
 * and {@code "parsed by..."}, without a space). Changing any of these changes what the model
 * reads and so is no longer the seed.
 *
 * <p>The {@code <format>} is Python's {@code json.dumps(..., indent=4)} of {@code {"K": "'<K>'",
 * "C": ..., "L": ...}}: K is the target's user message wrapped in single quotes, raw (not bracket
 * escaped: this message has no blocks to break).
 */
final class SeedInstruction {

  static final String LEAVE_K_UNCHANGED = "You should leave K unchanged and implement C and L.\n";
  static final String PRETEND_NEW_CHAT = "Pretend you are having a new chat and answering K.\n";
  static final String ONLY_JSON = "You should only respond in JSON format as described below \n";
  static final String FORMAT_HEADING = "Response Format: \n";
  static final String AFTER_FORMAT = " \nEnsure the response can be" + "parsed by Python json.loads";

  static final String K_FIELD = "K";
  static final String C_FIELD = "C";
  static final String L_FIELD = "L";
  static final String C_DESCRIPTION = "Criticism on L according to consequent chats";
  static final String L_DESCRIPTION = "A response str answers K.";
  static final String K_QUOTE = "'";

  /** Every string that shapes the instruction, for the template's fingerprint. */
  static final List<String> PIECES =
      List.of(
          LEAVE_K_UNCHANGED,
          PRETEND_NEW_CHAT,
          ONLY_JSON,
          FORMAT_HEADING,
          AFTER_FORMAT,
          K_FIELD,
          C_FIELD,
          L_FIELD,
          C_DESCRIPTION,
          L_DESCRIPTION,
          K_QUOTE);

  private SeedInstruction() {}

  /** The system message for a target whose user message reads {@code question}. */
  static String render(String question) {
    return LEAVE_K_UNCHANGED + PRETEND_NEW_CHAT + ONLY_JSON + FORMAT_HEADING + format(question)
        + AFTER_FORMAT;
  }

  static String format(String question) {
    Map<String, Object> format = new LinkedHashMap<>();
    format.put(K_FIELD, K_QUOTE + question + K_QUOTE);
    format.put(C_FIELD, C_DESCRIPTION);
    format.put(L_FIELD, L_DESCRIPTION);
    return PythonJson.dumps(format);
  }
}
