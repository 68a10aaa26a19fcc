package io.github.selfreflect.reflect.maven.it;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Maven repository server for invoker integration projects: Debian's nginx with its WebDAV
 * module, on a free loopback port, with its own configuration, logs and repository folder under
 * the project's {@code target/}. Maven deploys to it with HTTP PUTs and resolves from it with GETs,
 * exactly as from a repository manager.
 *
 * <p>{@link #start} appends {@code -DaltDeploymentRepository=loopback::URL} to the project's {@code
 * .mvn/maven.config} (after {@link ItServers#start}, which creates that file), so every build of
 * the project deploys there; a consuming POM gets the returned URL written into it (Maven 4 takes
 * no property in a repository URL).
 *
 * <p>The server stops by itself: it runs under {@code timeout}, so a build that dies before its
 * verify script stops it still leaves no server behind; {@link #stop} ends it at once. nginx must
 * be installed ({@code apt-get install -y nginx}; {@code .ci/run} does it).
 */
public final class LoopbackRepository {

  private static final String PREFIX = "reflect.it.nginx:";

  /** The longest an IT's server may live, whatever happens to the build. */
  private static final Duration LIFETIME = Duration.ofMinutes(15);

  private LoopbackRepository() {}

  /** Starts the server for the project; returns its URL, ending in {@code /}. */
  public static String start(File basedir) throws IOException, InterruptedException {
    Path nginx = findNginx();
    Path prefix = basedir.toPath().resolve("target/nginx").toAbsolutePath();
    Path root = prefix.resolve("repo");
    Files.createDirectories(root);
    Files.createDirectories(prefix.resolve("tmp"));
    Files.createDirectories(prefix.resolve("logs"));
    int port = freePort();
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    String config =
        String.join(
            "\n",
            "# Written by LoopbackRepository for one integration test: loopback only.",
            "daemon off;",
            "worker_processes 1;",
            // Started as root, workers would otherwise run as nobody and every PUT would be a 500.
            asRoot ? "user root;" : "",
            "pid " + prefix.resolve("nginx.pid") + ";",
            "error_log " + prefix.resolve("logs/error.log") + " info;",
            "events { worker_connections 64; }",
            "http {",
            "  access_log " + prefix.resolve("logs/access.log") + ";",
            "  client_body_temp_path " + prefix.resolve("tmp/body") + ";",
            "  proxy_temp_path " + prefix.resolve("tmp/proxy") + ";",
            "  fastcgi_temp_path " + prefix.resolve("tmp/fastcgi") + ";",
            "  uwsgi_temp_path " + prefix.resolve("tmp/uwsgi") + ";",
            "  scgi_temp_path " + prefix.resolve("tmp/scgi") + ";",
            "  client_max_body_size 0;",
            "  server {",
            "    listen 127.0.0.1:" + port + ";",
            "    root " + root + ";",
            "    location / {",
            "      dav_methods PUT DELETE MKCOL;",
            "      create_full_put_path on;",
            "      dav_access user:rw group:r all:r;",
            "    }",
            "  }",
            "}",
            "");
    Path conf = prefix.resolve("nginx.conf");
    Files.writeString(conf, config, StandardCharsets.UTF_8);
    Process process =
        new ProcessBuilder(
                List.of(
                    "timeout",
                    String.valueOf(LIFETIME.toSeconds()),
                    nginx.toString(),
                    "-p",
                    prefix.toString(),
                    "-c",
                    conf.toString()))
            .redirectErrorStream(true)
            .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    awaitListening(port, process, prefix);
    String url = "http://127.0.0.1:" + port + "/";
    Path mavenConfig = basedir.toPath().resolve(".mvn/maven.config");
    Files.createDirectories(mavenConfig.getParent());
    Files.writeString(
        mavenConfig,
        "-DaltDeploymentRepository=loopback::" + url + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    System.getProperties().put(PREFIX + basedir.getCanonicalPath(), process);
    return url;
  }

  /** Stops the project's server and returns its repository folder, to compare with what was built. */
  public static File stop(File basedir) throws IOException, InterruptedException {
    Object process = System.getProperties().remove(PREFIX + basedir.getCanonicalPath());
    if (!(process instanceof Process)) {
      throw new IllegalStateException("no loopback repository was started for " + basedir);
    }
    Process p = (Process) process;
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return basedir.toPath().resolve("target/nginx/repo").toFile();
  }

  /** The server's access log: which artifacts were PUT and GET. */
  public static String accessLog(File basedir) throws IOException {
    return Files.readString(basedir.toPath().resolve("target/nginx/logs/access.log"));
  }

  private static Path findNginx() {
    for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
      Path path = Path.of(candidate);
      if (Files.isExecutable(path)) {
        return path;
      }
    }
    throw new IllegalStateException(
        "nginx is not installed: this integration test deploys to a real repository server on"
            + " loopback. Install it with: apt-get install -y nginx (.ci/run does)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void awaitListening(int port, Process process, Path prefix)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "nginx exited at start with "
                + process.exitValue()
                + ":\n"
                + Files.readString(prefix.resolve("logs/stdout.log"))
                + readIfExists(prefix.resolve("logs/error.log")));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    process.destroy();
    throw new IllegalStateException("nginx did not listen on 127.0.0.1:" + port + " within 20 s");
  }

  private static String readIfExists(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
