package io.github.selfreflect.reflect.prompt.hindsight;

import io.github.selfreflect.reflect.chat.Message;
import java.util.List;

/**
 * How a {@link PromptView} becomes request messages. The built-in layout is {@link
 * BuiltInLayout}; a data repository can bring its own in a file ({@code reflect.templateFile}).
 * Both share the hindsight template's window (what is shown under a budget) and its reply format.
 */
public interface HindsightLayout {

  /** The request messages; a pure function of the view. */
  List<Message> render(PromptView view);

  /** Everything that shapes the rendering, for the template's fingerprint (and so the cache key). */
  String fingerprintText();
}
