package io.github.selfreflect.reflect.maven.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real Maven processes started by an invoker hook script, for tests whose builds must run at a
 * moment the script chooses: killed half-way ({@code killed-build}), or two at once on one cache
 * ({@code concurrent-builds}). The invoker runs a project's goals one after another, so such
 * builds are started from {@code verify.groovy} instead.
 *
 * <p>Each build is the Maven that runs the invoker ({@code maven.home}), in the project's folder,
 * on the invoker's local repository (where the plugin under test is installed) in front of the
 * user's, with its output in {@code <name>.log} and without {@code OPENAI_API_KEY}: a key in the
 * developer's shell must never reach a fake server's log.
 */
public final class ItMaven {

  private final File basedir;
  private final String localRepository;
  private final String userRepository;

  /**
   * @param basedir the project's folder (the script's {@code basedir})
   * @param localRepository the invoker's local repository (the script's {@code
   *     localRepositoryPath})
   * @param userRepository the user's local repository, read behind it (the script variable {@code
   *     userRepository})
   */
  public ItMaven(File basedir, Object localRepository, Object userRepository) {
    this.basedir = basedir;
    this.localRepository = String.valueOf(localRepository);
    this.userRepository = String.valueOf(userRepository);
  }

  /**
   * Starts {@code mvn -B <args>} and returns at once. Arguments are turned into strings, so a
   * Groovy script may pass GStrings.
   */
  public Build start(String name, List<?> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(new File(System.getProperty("maven.home"), "bin/mvn").getPath());
    command.add("-B");
    command.add("-Dmaven.repo.local=" + localRepository);
    command.add("-Dmaven.repo.local.tail=" + userRepository);
    args.forEach(arg -> command.add(String.valueOf(arg)));
    File log = new File(basedir, name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(basedir)
            .redirectErrorStream(true)
            .redirectOutput(log);
    builder.environment().remove("OPENAI_API_KEY");
    return new Build(name, builder.start(), log);
  }

  /** One Maven process and its log. */
  public static final class Build {
    private final String name;
    private final Process process;
    private final File log;

    private Build(String name, Process process, File log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    public Process process() {
      return process;
    }

    public File log() {
      return log;
    }

    /** What the build has printed so far. */
    public String output() throws IOException {
      return Files.readString(log.toPath(), StandardCharsets.UTF_8);
    }

    public boolean isAlive() {
      return process.isAlive();
    }

    /** Waits for the build; fails with its log unless it ends, successfully, within {@code timeout}. */
    public void finish(Duration timeout) throws IOException, InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
        throw new AssertionError("build " + name + " still running after " + timeout + ":\n" + output());
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(
            "build " + name + " failed with exit code " + process.exitValue() + ":\n" + output());
      }
    }

    /**
     * Kills the build and whatever it started with SIGKILL on POSIX (no shutdown hook, no {@code
     * finally} block runs), waits for it and returns its exit code: 137 for a build killed so.
     */
    public int kill() throws InterruptedException {
      process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("build " + name + " survived SIGKILL for 30 s");
      }
      return process.exitValue();
    }
  }
}
