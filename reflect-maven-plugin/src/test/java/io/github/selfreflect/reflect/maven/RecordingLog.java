package io.github.selfreflect.reflect.maven;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.maven.plugin.logging.SystemStreamLog;

/** A Maven log that keeps what was logged at info and warn level, prefixed by the level. */
final class RecordingLog extends SystemStreamLog {
  final List<String> lines = new CopyOnWriteArrayList<>();

  @Override
  public void info(CharSequence content) {
    lines.add("INFO " + content);
  }

  @Override
  public void warn(CharSequence content) {
    lines.add("WARN " + content);
  }
}
