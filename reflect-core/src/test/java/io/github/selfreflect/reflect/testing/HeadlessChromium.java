package io.github.selfreflect.reflect.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * Debian's Chromium, headless, driven over the Chrome DevTools Protocol with OkHttp's WebSocket
 * client: no browser download, no driver binary, no Node. It listens for DevTools on a free
 * loopback port ({@code --remote-debugging-port=0}, the port read from its stderr) and keeps its
 * profile in a fresh folder, so that nothing from the machine's own profile leaks into a test.
 * Tests drive one page: {@link #open}, {@link #evaluate}, {@link #insertText}, {@link
 * #screenshot}.
 */
public final class HeadlessChromium implements AutoCloseable {

  /** Where Debian installs it; {@code -Dreflect.chromium=PATH} points elsewhere. */
  public static final String DEFAULT_PATH = "/usr/bin/chromium";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profileDir;
  private final OkHttpClient http;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> consoleErrors = new ArrayList<>();

  private HeadlessChromium(Process process, Path profileDir, String pageSocketUrl) {
    this.process = process;
    this.profileDir = profileDir;
    this.http = new OkHttpClient.Builder().readTimeout(Duration.ZERO).build();
    CompletableFuture<Void> opened = new CompletableFuture<>();
    this.socket =
        http.newWebSocket(
            new Request.Builder().url(pageSocketUrl).build(),
            new WebSocketListener() {
              @Override
              public void onOpen(WebSocket webSocket, Response response) {
                opened.complete(null);
              }

              @Override
              public void onMessage(WebSocket webSocket, String text) {
                received(text);
              }

              @Override
              public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                opened.completeExceptionally(t);
                pending.values().forEach(f -> f.completeExceptionally(t));
              }
            });
    await(opened, "the DevTools WebSocket to open");
  }

  /** The browser binary: {@code -Dreflect.chromium}, else {@link #DEFAULT_PATH}. */
  public static Path binary() {
    return Path.of(System.getProperty("reflect.chromium", DEFAULT_PATH));
  }

  /**
   * Starts Chromium with a new profile in {@code profileDir}.
   *
   * @throws IllegalStateException naming how to install Chromium, when it is not there
   */
  public static HeadlessChromium start(Path profileDir, int width, int height) throws IOException {
    Path binary = binary();
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "Chromium is needed for the browser tests of report.html but was not found at "
              + binary
              + ". Install Debian's package with: apt-get update && apt-get install -y chromium"
              + " (or point -Dreflect.chromium=/path/to/chromium at another build).");
    }
    Process process =
        new ProcessBuilder(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--user-data-dir=" + profileDir,
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=" + width + "," + height,
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      String browserSocket = devToolsUrl(process);
      Matcher port = Pattern.compile("ws://([^/]+)/").matcher(browserSocket);
      if (!port.find()) {
        throw new IOException("unexpected DevTools address " + browserSocket);
      }
      return new HeadlessChromium(process, profileDir, pageSocket(port.group(1)));
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Reads stderr until Chromium says where DevTools listens; keeps draining it afterwards. */
  private static String devToolsUrl(Process process) throws IOException {
    BufferedReader err =
        new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> url = new CompletableFuture<>();
    StringBuilder seen = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try {
                for (String line; (line = err.readLine()) != null; ) {
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    url.complete(m.group(1));
                  } else if (!url.isDone() && seen.length() < 4000) {
                    seen.append(line).append('\n');
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
              url.completeExceptionally(
                  new IOException("Chromium exited before DevTools started:\n" + seen));
            },
            "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    try {
      return url.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException | InterruptedException e) {
      throw new IOException("Chromium did not start DevTools within " + TIMEOUT + ":\n" + seen, e);
    }
  }

  /** The WebSocket of the browser's one page, from the DevTools HTTP endpoint. */
  private static String pageSocket(String hostPort) throws IOException {
    OkHttpClient client = new OkHttpClient();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      try (Response response =
          client.newCall(new Request.Builder().url("http://" + hostPort + "/json/list").build()).execute()) {
        for (JsonNode target : MAPPER.readTree(response.body().string())) {
          if ("page".equals(target.path("type").asText())) {
            return target.get("webSocketDebuggerUrl").asText();
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("Chromium opened no page");
      }
      sleep(100);
    }
  }

  /** Navigates to {@code file} and waits until {@code readyExpression} is true. */
  public void open(Path file, String readyExpression) throws IOException {
    call("Runtime.enable", MAPPER.createObjectNode());
    call("Page.enable", MAPPER.createObjectNode());
    call("Page.navigate", MAPPER.createObjectNode().put("url", file.toUri().toString()));
    waitFor(readyExpression);
  }

  /** Polls {@code expression} until it is true; while the page loads it may throw. */
  public void waitFor(String expression) throws IOException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    String guarded = "(() => { try { return " + expression + "; } catch (e) { return false; } })()";
    while (!Boolean.TRUE.equals(evaluateOrNull(guarded))) {
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "timed out waiting for " + expression + "; console errors: " + consoleErrors);
      }
      sleep(50);
    }
  }

  /** Evaluates a JavaScript expression in the page and returns its value as JSON. */
  public JsonNode evaluate(String expression) throws IOException {
    JsonNode result =
        call(
            "Runtime.evaluate",
            MAPPER.createObjectNode()
                .put("expression", expression)
                .put("returnByValue", true)
                .put("awaitPromise", true));
    if (result.has("exceptionDetails")) {
      throw new IOException("page threw on " + expression + ": " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  private Object evaluateOrNull(String expression) throws IOException {
    JsonNode value = evaluate(expression);
    return value.isBoolean() ? value.booleanValue() : null;
  }

  /** Types {@code text} into the focused element, as a keyboard's text input would. */
  public void insertText(String text) throws IOException {
    call("Input.insertText", MAPPER.createObjectNode().put("text", text));
  }

  /** A PNG of the whole page (beyond the window), saved to {@code file}. */
  public void screenshot(Path file) throws IOException {
    JsonNode shot =
        call(
            "Page.captureScreenshot",
            MAPPER.createObjectNode().put("format", "png").put("captureBeyondViewport", false));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
  }

  /** Errors the page logged or threw so far. */
  public synchronized List<String> consoleErrors() {
    return List.copyOf(consoleErrors);
  }

  private JsonNode call(String method, ObjectNode params) throws IOException {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    ObjectNode message = MAPPER.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    if (!socket.send(message.toString())) {
      throw new IOException("the DevTools connection is closed");
    }
    JsonNode response = await(reply, method);
    if (response.has("error")) {
      throw new IOException(method + " failed: " + response.get("error"));
    }
    return response.path("result");
  }

  private void received(String text) {
    JsonNode message;
    try {
      message = MAPPER.readTree(text);
    } catch (IOException e) {
      return;
    }
    if (message.has("id")) {
      CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
      if (reply != null) {
        reply.complete(message);
      }
      return;
    }
    String method = message.path("method").asText();
    if (method.equals("Runtime.exceptionThrown")) {
      synchronized (this) {
        consoleErrors.add(message.path("params").path("exceptionDetails").toString());
      }
    } else if (method.equals("Runtime.consoleAPICalled")
        && message.path("params").path("type").asText().equals("error")) {
      synchronized (this) {
        consoleErrors.add(message.path("params").path("args").toString());
      }
    }
  }

  private static <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out waiting for " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + what, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Closes the connection and ends the browser with all its helper processes. */
  @Override
  public void close() {
    socket.close(1000, null);
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Chromium's profile lock links point outside the profile; remove them with the browser.
    for (String lock : List.of("SingletonSocket", "SingletonLock", "SingletonCookie")) {
      try {
        Files.deleteIfExists(profileDir.resolve(lock));
      } catch (IOException e) {
        // the folder is a temporary one; its owner deletes the rest
      }
    }
  }
}
