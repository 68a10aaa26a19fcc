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

  /**
   * Where the request pass stands: called about once a second while it runs (from a thread of its
   * own, also while every request waits out a rate limit) and once when it ends. A listener picks
   * its own cadence from these calls.
   */
  default void progress(RunProgress progress) {}
}
