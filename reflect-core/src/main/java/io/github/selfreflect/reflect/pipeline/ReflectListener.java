package io.github.selfreflect.reflect.pipeline;

/**
 * What a run tells its front end while it works. The Maven plugin maps these onto its log; the
 * core never prints.
 */
public interface ReflectListener {

  ReflectListener SILENT =
      new ReflectListener() {
        @Override
        public void info(String message) {}

        @Override
        public void warn(String message) {}
      };

  void info(String message);

  void warn(String message);

  /** Called after each target is settled (cached, reflected or failed) during the request phase. */
  default void progress(long settled, long toReflect) {}
}
