package io.github.selfreflect.reflect.maven;

import java.io.File;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The base of every {@code reflect} goal that works on a cache: where the cache is, {@code
 * reflect.skip}, and how a goal names itself. The goals that read the chats add the cache-key
 * parameters ({@link AbstractCorpusMojo}); those that send requests add how they reach the model
 * ({@link AbstractLlmMojo}).
 */
abstract class AbstractReflectMojo extends AbstractMojo {

  /**
   * Where paid-for reflections are kept, and the judgments of {@code reflect:evaluate} beside them
   * ({@code v1/judgments.jsonl}). Outside {@code target/} so that {@code mvn clean} keeps it;
   * commit it to make releases and evaluations reproducible without a key. Several builds may
   * share it at once: appends are locked across processes.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.cacheDirectory", defaultValue = "${project.basedir}/reflect-cache")
  protected File cacheDirectory;

  /**
   * Skips the goal; {@code -Dreflect.skip} skips every {@code reflect} goal of the build.
   *
   * @since 0.1.0
   */
  @Parameter(property = "reflect.skip", defaultValue = "false")
  protected boolean skip;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  protected MavenSession session;

  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipping reflect:" + goal() + " (reflect.skip)");
      return;
    }
    run();
  }

  /** The goal's name, for messages. */
  abstract String goal();

  /** The goal's work, once {@code reflect.skip} has been checked. */
  abstract void run() throws MojoExecutionException, MojoFailureException;

  /** Fails naming the property, rather than leaving a bad number to fail deep in the core. */
  static void requireAtLeast(String property, int value, int least) throws MojoFailureException {
    if (value < least) {
      throw new MojoFailureException(property + " must be at least " + least + ", found " + value);
    }
  }
  /** Parses a property's value, failing with a message that names the property. */
  static <T> T parse(String property, java.util.function.Supplier<T> parser) throws MojoFailureException {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException(property + ": " + e.getMessage(), e);
    }
  }

}
