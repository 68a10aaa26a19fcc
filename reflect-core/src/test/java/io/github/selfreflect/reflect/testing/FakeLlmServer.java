package io.github.selfreflect.reflect.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;

/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1 that plays an LLM for the {@code seed}
 * prompt format, for tests that must not reach a real model.
 *
 * <p>For each {@code POST /v1/chat/completions} it finds the line {@code "K": "'<K>'",} in the
 * instruction (the system message first, then any message), decodes the JSON string literal and
 * strips the single quotes, and answers with a {@code chat.completion} whose content is the pretty
 * JSON object {@code {"K": K, "C": ..., "L": ...}} of {@link #seedReply(String)}: C and L are
 * deterministic and mention K, so a test can predict the dataset it produces. A {@code hindsight}
 * prompt (see {@link HindsightPrompt}) gets one result per turn it names, with the same critique
 * and answer for each target's question; its questions count as K. A request in neither format
 * gets a 400 (use {@link #FakeLlmServer(Function)} for other prompt formats).
 *
 * <p>Faults make the next requests fail in chosen ways ({@link #enqueueFault}, or per K with
 * {@link #enqueueFaultFor}, which stays deterministic when a pipeline runs targets in parallel).
 *
 * <p>It depends on mockwebserver3 and Jackson only, so that the Maven plugin's tests and the
 * Groovy scripts of invoker tests can use it from reflect-core's test-jar; {@link #main} runs it
 * as a process. Thread-safe: requests arrive on the server's threads.
 */
public final class FakeLlmServer implements AutoCloseable {

  /** The model name reported when a request names none. */
  public static final String DEFAULT_MODEL = "fake-model";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** {@code "K": "<JSON string literal>",} on a line of its own, as Python's json.dumps writes. */
  private static final Pattern K_LINE =
      Pattern.compile("(?m)^[ \\t]*\"K\": (\"(?:[^\"\\\\\\r\\n]|\\\\.)*\"),?[ \\t]*$");

  private final Function<JsonNode, String> replier;
  private final MockWebServer server = new MockWebServer();
  private final AtomicInteger requestCount = new AtomicInteger();
  private final AtomicInteger completionIds = new AtomicInteger();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> kCounts = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
  private final Map<String, ConcurrentLinkedQueue<Fault>> faultsByK = new ConcurrentHashMap<>();
  private final AtomicInteger rateLimitedCount = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Duration latency = Duration.ZERO;
  private volatile RequestBucket bucket;

  /** A server that answers every seed prompt with {@link #seedReply(String)}. */
  public FakeLlmServer() {
    this(null);
  }

  /**
   * A server whose reply content is {@code replier.apply(requestBody)} for every chat request,
   * whatever the prompt format. K is still extracted and counted where the prompt has one.
   */
  public FakeLlmServer(Function<JsonNode, String> replier) {
    this.replier = replier;
    server.setDispatcher(new FakeDispatcher());
    server.setServerSocketFactory(new NoDelayServerSockets());
  }

  /** Starts on a free port of 127.0.0.1. */
  public FakeLlmServer start() throws IOException {
    return start(0);
  }

  /** Starts on {@code port} of 127.0.0.1 (0 = any free port). */
  public FakeLlmServer start(int port) throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), port);
    return this;
  }

  @Override
  public void close() {
    server.close();
  }

  public int port() {
    return server.getPort();
  }

  /** The base URL for a client, e.g. {@code http://127.0.0.1:41234/v1} (no trailing slash). */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getPort() + "/v1";
  }

  /** Every HTTP request received so far, faulted ones included. */
  public int requestCount() {
    return requestCount.get();
  }

  /** Every request received so far, in arrival order. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The request bodies received so far, as text, in arrival order. */
  public List<String> requestBodies() {
    List<String> bodies = new ArrayList<>();
    calls.forEach(c -> bodies.add(c.body()));
    return bodies;
  }

  /** The request bodies received so far, parsed (a text node where a body was not JSON). */
  public List<JsonNode> requestJson() {
    List<JsonNode> bodies = new ArrayList<>();
    calls.forEach(c -> bodies.add(c.json()));
    return bodies;
  }

  /** How many requests carried each K, faulted ones included; sorted by K. */
  public Map<String, Integer> countsByK() {
    Map<String, Integer> counts = new TreeMap<>();
    kCounts.forEach((k, n) -> counts.put(k, n.get()));
    return counts;
  }

  /** How many requests carried this K. */
  public int countFor(String k) {
    AtomicInteger n = kCounts.get(k);
    return n == null ? 0 : n.get();
  }

  /**
   * Answers every chat request that is not rate-limited only after {@code latency}, as a model
   * takes time to generate: for throughput tests. Faults and 429s are not delayed.
   */
  public FakeLlmServer latency(Duration latency) {
    this.latency = Objects.requireNonNull(latency, "latency");
    return this;
  }

  /**
   * Limits chat requests to {@code perMinute}, as OpenAI enforces a limit: a bucket holding one
   * second's worth of requests (at least one), refilled continuously. A request that finds it
   * empty gets a 429 with {@code Retry-After} (whole seconds until the bucket holds a request,
   * at least 1). With {@code headers}, every response also carries {@code
   * x-ratelimit-limit-requests} (the bucket's size), {@code x-ratelimit-remaining-requests} and
   * {@code x-ratelimit-reset-requests} (time until the bucket is full, e.g. {@code 250ms}).
   */
  public FakeLlmServer rateLimit(int perMinute, boolean headers) {
    this.bucket = new RequestBucket(perMinute, headers);
    return this;
  }

  /**
   * The most chat requests that were being answered at the same moment (measured while {@link
   * #latency} holds them).
   */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  /** How many requests were answered with a 429 by {@link #rateLimit}. */
  public int rateLimitedCount() {
    return rateLimitedCount.get();
  }

  /** Makes the next chat request that has no per-K fault pending fail with {@code fault}. */
  public FakeLlmServer enqueueFault(Fault fault) {
    faults.add(Objects.requireNonNull(fault, "fault"));
    return this;
  }

  /** Enqueues each fault in order; see {@link #enqueueFault}. */
  public FakeLlmServer enqueueFaults(Fault... faults) {
    for (Fault fault : faults) {
      enqueueFault(fault);
    }
    return this;
  }

  /** Makes the next request for this K fail with {@code fault}, before any general fault. */
  public FakeLlmServer enqueueFaultFor(String k, Fault fault) {
    faultsByK
        .computeIfAbsent(Objects.requireNonNull(k, "k"), key -> new ConcurrentLinkedQueue<>())
        .add(Objects.requireNonNull(fault, "fault"));
    return this;
  }

  /** Faults not yet used, general and per K together. */
  public int pendingFaults() {
    int n = faults.size();
    for (ConcurrentLinkedQueue<Fault> q : faultsByK.values()) {
      n += q.size();
    }
    return n;
  }

  /**
   * The K of a seed-format request body: from the system message if it has the K line, else from
   * the first message that has one.
   */
  public static Optional<String> extractK(JsonNode requestBody) {
    JsonNode messages = requestBody == null ? null : requestBody.get("messages");
    if (messages == null || !messages.isArray()) {
      return Optional.empty();
    }
    List<JsonNode> ordered = new ArrayList<>();
    messages.forEach(m -> {
      if ("system".equals(m.path("role").asText())) {
        ordered.add(m);
      }
    });
    messages.forEach(ordered::add);
    for (JsonNode m : ordered) {
      Optional<String> k = extractK(m.path("content").asText(""));
      if (k.isPresent()) {
        return k;
      }
    }
    return Optional.empty();
  }

  /** The K of a seed instruction text, or empty when it has no K line. */
  public static Optional<String> extractK(String instruction) {
    Matcher m = K_LINE.matcher(instruction);
    if (!m.find()) {
      return Optional.empty();
    }
    String k;
    try {
      k = MAPPER.readValue(m.group(1), String.class);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    if (k.length() >= 2 && k.startsWith("'") && k.endsWith("'")) {
      k = k.substring(1, k.length() - 1);
    }
    return Optional.of(k);
  }

  /** The critique the default reply gives for K. */
  public static String critiqueFor(String k) {
    return "The reply to \"" + k + "\" was too brief; the later turns show what was missing.";
  }

  /** The new answer the default reply gives for K. */
  public static String answerFor(String k) {
    return "A better answer to \"" + k + "\", with what the later turns asked for.";
  }

  /**
   * The default reply content for K: {@code {"K", "C", "L"}} indented by four spaces, as GPT-4
   * answered the seed prompt.
   */
  public static String seedReply(String k) {
    return "{\n    \"K\": " + quote(k) + ",\n    \"C\": " + quote(critiqueFor(k))
        + ",\n    \"L\": " + quote(answerFor(k)) + "\n}";
  }

  /**
   * Runs the server until the process is killed. Arguments: {@code [port] [--url-file FILE]};
   * port 0 (the default) picks a free one. Prints the base URL as the first line of standard
   * output, and writes it to FILE too when given, so a build script can wait for it.
   */
  public static void main(String[] args) throws Exception {
    int port = 0;
    Path urlFile = null;
    for (int i = 0; i < args.length; i++) {
      if ("--url-file".equals(args[i]) && i + 1 < args.length) {
        urlFile = Path.of(args[++i]);
      } else {
        port = Integer.parseInt(args[i]);
      }
    }
    FakeLlmServer fake = new FakeLlmServer().start(port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      fake.close();
      stopped.countDown();
    }));
    if (urlFile != null) {
      Path tmp = urlFile.resolveSibling(urlFile.getFileName() + ".tmp");
      Files.writeString(tmp, fake.baseUrl() + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, urlFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    System.out.println(fake.baseUrl());
    System.out.flush();
    stopped.await();
  }

  private static String quote(String s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode parse(String body) {
    try {
      return MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      return MAPPER.getNodeFactory().textNode(body);
    }
  }

  private final class FakeDispatcher extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      requestCount.incrementAndGet();
      String body = request.getBody() == null ? "" : request.getBody().utf8();
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 0; i < request.getHeaders().size(); i++) {
        headers.put(request.getHeaders().name(i).toLowerCase(Locale.ROOT),
            request.getHeaders().value(i));
      }
      String path = request.getUrl().encodedPath();
      Call call = new Call(request.getMethod(), path, Collections.unmodifiableMap(headers), body);
      calls.add(call);

      if ("GET".equals(request.getMethod()) && path.equals("/v1/models")) {
        return json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"" + DEFAULT_MODEL
            + "\",\"object\":\"model\",\"owned_by\":\"fake\"}]}");
      }
      if (!"POST".equals(request.getMethod()) || !path.equals("/v1/chat/completions")) {
        return error(404, "Unknown request URL: " + request.getMethod() + " " + path,
            "invalid_request_error", "unknown_url");
      }
      JsonNode json = call.json();
      Optional<String> k = extractK(json);
      k.ifPresent(key -> kCounts.computeIfAbsent(key, x -> new AtomicInteger()).incrementAndGet());
      HindsightPrompt hindsight = k.isPresent() ? null : HindsightPrompt.of(json);
      if (hindsight != null) {
        for (int target : hindsight.targets()) {
          kCounts.computeIfAbsent(hindsight.question(target), x -> new AtomicInteger())
              .incrementAndGet();
        }
        k = Optional.of(hindsight.question(hindsight.targets().get(0)));
      }

      Fault fault = k.map(faultsByK::get).map(ConcurrentLinkedQueue::poll).orElse(null);
      if (fault == null) {
        fault = faults.poll();
      }
      String content;
      if (replier != null) {
        content = replier.apply(json);
      } else if (hindsight != null) {
        content = hindsight.reply();
      } else if (k.isPresent()) {
        content = seedReply(k.get());
      } else {
        content = null;
      }
      RequestBucket limit = bucket;
      RequestBucket.Decision decision = limit == null ? null : limit.take(System.nanoTime());
      if (decision != null && !decision.allowed()) {
        rateLimitedCount.incrementAndGet();
        MockResponse.Builder tooMany = Fault.status(429).respond(null).newBuilder()
            .setHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
        decision.headers().forEach(tooMany::setHeader);
        return tooMany.build();
      }
      Exchange exchange = new Exchange(call, json, content);
      if (fault != null) {
        MockResponse spoiled = fault.respond(exchange);
        if (decision == null || decision.headers().isEmpty()) {
          return spoiled;
        }
        MockResponse.Builder withHeaders = spoiled.newBuilder();
        decision.headers().forEach(withHeaders::setHeader);
        return withHeaders.build();
      }
      if (content == null) {
        return error(400, "FakeLlmServer: no line \"K\": \"'...'\", in any message",
            "invalid_request_error", null);
      }
      MockResponse.Builder reply = exchange.completion(content, "stop").newBuilder();
      if (decision != null) {
        decision.headers().forEach(reply::setHeader);
      }
      // Sleeping here rather than with a response delay keeps the request counted as in flight
      // for its whole latency; each connection has its own thread, so others are not held up.
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      try {
        Duration delay = latency;
        if (!delay.isZero()) {
          Thread.sleep(delay.toMillis(), (int) (delay.toNanos() % 1_000_000));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inFlight.decrementAndGet();
      }
      return reply.build();
    }
  }

  /** The bucket of {@link #rateLimit}: one second's worth of requests, refilled continuously. */
  private static final class RequestBucket {
    record Decision(boolean allowed, long retryAfterSeconds, Map<String, String> headers) {}

    private final double perSecond;
    private final double capacity;
    private final boolean headers;
    private double tokens;
    private long updatedAt;

    RequestBucket(int perMinute, boolean headers) {
      if (perMinute < 1) {
        throw new IllegalArgumentException("perMinute must be at least 1");
      }
      this.perSecond = perMinute / 60.0;
      this.capacity = Math.max(1, Math.floor(perSecond));
      this.headers = headers;
      this.tokens = capacity;
      this.updatedAt = System.nanoTime();
    }

    synchronized Decision take(long now) {
      tokens = Math.min(capacity, tokens + (now - updatedAt) / 1e9 * perSecond);
      updatedAt = now;
      boolean allowed = tokens >= 1;
      if (allowed) {
        tokens -= 1;
      }
      Map<String, String> h = new LinkedHashMap<>();
      if (headers) {
        h.put("x-ratelimit-limit-requests", Long.toString((long) capacity));
        h.put("x-ratelimit-remaining-requests", Long.toString((long) Math.floor(tokens)));
        long resetMs = (long) Math.ceil((capacity - tokens) / perSecond * 1000);
        h.put("x-ratelimit-reset-requests", resetMs + "ms");
      }
      long retryAfter = (long) Math.max(1, Math.ceil((1 - tokens) / perSecond));
      return new Decision(allowed, retryAfter, h);
    }
  }

  /**
   * One request as received.
   *
   * @param method the HTTP method
   * @param path the encoded path, e.g. {@code /v1/chat/completions}
   * @param headers the headers, names lower-cased
   * @param body the body text
   */
  public record Call(String method, String path, Map<String, String> headers, String body) {

    /** A header's value by name, any case, or null. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body parsed as JSON (a text node if it is not JSON). */
    public JsonNode json() {
      return parse(body);
    }

    /** The hindsight prompt of the body, or null when it is not one. */
    public HindsightPrompt hindsight() {
      return HindsightPrompt.of(json());
    }

    /** The K of the body, if it is a seed prompt. */
    public Optional<String> k() {
      return extractK(json());
    }
  }

  /** What a fault sees of the request it spoils. */
  private final class Exchange {
    final Call call;
    final JsonNode request;
    final String content;

    Exchange(Call call, JsonNode request, String content) {
      this.call = call;
      this.request = request;
      this.content = content;
    }

    String contentOrPlaceholder() {
      return content != null ? content : "{\"K\": \"\", \"C\": \"\", \"L\": \"\"}";
    }

    MockResponse completion(String text, String finishReason) {
      return json(200, completionBody(text, finishReason, true).toString());
    }

    ObjectNode completionBody(String text, String finishReason, boolean withChoice) {
      ObjectNode root = MAPPER.createObjectNode();
      root.put("id", "chatcmpl-fake-" + completionIds.incrementAndGet());
      root.put("object", "chat.completion");
      root.put("created", 1_700_000_000L);
      String model = request.path("model").asText("");
      root.put("model", model.isEmpty() ? DEFAULT_MODEL : model);
      var choices = root.putArray("choices");
      if (withChoice) {
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", text);
        choice.put("finish_reason", finishReason);
      }
      long promptChars = 0;
      for (JsonNode m : request.path("messages")) {
        promptChars += m.path("content").asText("").length();
      }
      long promptTokens = (promptChars + 3) / 4;
      long completionTokens = withChoice ? (text.length() + 3) / 4 : 0;
      ObjectNode usage = root.putObject("usage");
      usage.put("prompt_tokens", promptTokens);
      usage.put("completion_tokens", completionTokens);
      usage.put("total_tokens", promptTokens + completionTokens);
      usage.putObject("prompt_tokens_details").put("cached_tokens", 0);
      return root;
    }
  }

  private static MockResponse json(int status, String body) {
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private static MockResponse error(int status, String message, String type, String code) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", type);
    error.putNull("param");
    if (code == null) {
      error.putNull("code");
    } else {
      error.put("code", code);
    }
    return json(status, root.toString());
  }

  /**
   * A way to spoil one response. Built by the static factories; {@link #withHeader} adds a
   * response header (e.g. {@code Retry-After}) to any of them.
   */
  public static final class Fault {

    private final String description;
    private final Function<Exchange, MockResponse.Builder> responder;
    private final Map<String, String> extraHeaders;

    private Fault(String description, Function<Exchange, MockResponse.Builder> responder,
        Map<String, String> extraHeaders) {
      this.description = description;
      this.responder = responder;
      this.extraHeaders = extraHeaders;
    }

    private static Fault of(String description, Function<Exchange, MockResponse.Builder> r) {
      return new Fault(description, r, Map.of());
    }

    /** This fault with one more response header. */
    public Fault withHeader(String name, String value) {
      Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
      headers.put(name, value);
      return new Fault(description + " +" + name, responder, Collections.unmodifiableMap(headers));
    }

    MockResponse respond(Exchange exchange) {
      MockResponse.Builder builder = responder.apply(exchange);
      extraHeaders.forEach(builder::setHeader);
      return builder.build();
    }

    /**
     * An error status with an OpenAI error body: 429 rate limit, 500/503 server errors and 401
     * invalid key as OpenAI words them, 502 as a proxy's HTML page, anything else generic.
     */
    public static Fault status(int code) {
      return of("status " + code, exchange -> statusResponse(code));
    }

    /** A 429 without {@code Retry-After}. */
    public static Fault rateLimited() {
      return status(429);
    }

    /** A 429 with {@code Retry-After: seconds}. */
    public static Fault rateLimited(int retryAfterSeconds) {
      return status(429).withHeader("Retry-After", Integer.toString(retryAfterSeconds));
    }

    /** A 401 with OpenAI's invalid-key error body. */
    public static Fault unauthorized() {
      return status(401);
    }

    /**
     * An error whose message quotes the request's {@code Authorization} header back, as a careless
     * gateway might: for testing that clients redact the key.
     */
    public static Fault echoAuthorization(int code) {
      return of("echo Authorization " + code, exchange -> errorBuilder(code,
          "Incorrect API key provided: " + exchange.call.header("Authorization"),
          "invalid_request_error", "invalid_api_key"));
    }

    /** The response is cut off halfway through its body, then the connection closes. */
    public static Fault disconnectMidBody() {
      return of("disconnect mid-body", exchange ->
          completionBuilder(exchange, exchange.contentOrPlaceholder(), "stop")
              .onResponseBody(new SocketEffect.CloseSocket()));
    }

    /** The connection closes before any response byte: the client sees it reset. */
    public static Fault connectionReset() {
      return of("connection reset", exchange ->
          completionBuilder(exchange, exchange.contentOrPlaceholder(), "stop")
              .onResponseStart(new SocketEffect.CloseSocket()));
    }

    /**
     * A 200 whose JSON body stops halfway, with a {@code Content-Length} that matches what is
     * sent: the HTTP exchange is complete, the JSON is not (a proxy that cut the upstream reply).
     */
    public static Fault truncatedBody() {
      return of("truncated body", exchange -> {
        String full = exchange.completionBody(exchange.contentOrPlaceholder(), "stop", true)
            .toString();
        return new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .body(full.substring(0, full.length() / 2));
      });
    }

    /** A 200 whose body is an HTML page, as an overloaded gateway sends. */
    public static Fault bodyNotJson() {
      return of("body not JSON", exchange -> new MockResponse.Builder()
          .code(200)
          .setHeader("Content-Type", "text/html")
          .body("<html><body><h1>Service warming up</h1></body></html>"));
    }

    /** A well-formed completion whose content is prose, not the JSON object asked for. */
    public static Fault contentNotJson() {
      return of("content not JSON", exchange -> completionBuilder(exchange,
          "Sure! Here is my critique: the answer was fine.", "stop"));
    }

    /** The normal content cut in half, with {@code finish_reason: "length"}. */
    public static Fault finishLength() {
      return of("finish_reason length", exchange -> {
        String full = exchange.contentOrPlaceholder();
        return completionBuilder(exchange, full.substring(0, full.length() / 2), "length");
      });
    }

    /** A 200 completion with an empty {@code choices} array. */
    public static Fault emptyChoices() {
      return of("empty choices", exchange -> new MockResponse.Builder()
          .code(200)
          .setHeader("Content-Type", "application/json")
          .body(exchange.completionBody("", null, false).toString()));
    }

    /** The normal reply, but only after {@code delay}: longer than a client's read timeout. */
    public static Fault slow(Duration delay) {
      return of("slow " + delay, exchange ->
          completionBuilder(exchange, exchange.contentOrPlaceholder(), "stop")
              .headersDelay(delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * The normal reply, its headers at once and its body in {@value #TRICKLE_PIECES} pieces spread
     * evenly over {@code total}: never silent for long, so a read timeout (the longest silence)
     * does not cut it off; only a bound on the whole attempt does.
     */
    public static Fault trickle(Duration total) {
      return of("trickle over " + total, exchange -> {
        String body = exchange.completionBody(exchange.contentOrPlaceholder(), "stop", true)
            .toString();
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        return new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .body(body)
            .throttleBody(
                (bytes + TRICKLE_PIECES - 1) / TRICKLE_PIECES,
                total.toNanos() / TRICKLE_PIECES,
                TimeUnit.NANOSECONDS);
      });
    }

    /** Pieces of a {@link #trickle} body. */
    static final int TRICKLE_PIECES = 10;

    /** A completion with this content and finish reason instead of the normal one. */
    public static Fault reply(String content, String finishReason) {
      return of("reply", exchange -> completionBuilder(exchange, content, finishReason));
    }

    /** Any status, content type and body. */
    public static Fault raw(int code, String contentType, String body) {
      return of("raw " + code, exchange -> new MockResponse.Builder()
          .code(code)
          .setHeader("Content-Type", contentType)
          .body(body));
    }

    @Override
    public String toString() {
      return "Fault[" + description + "]";
    }

    private static MockResponse.Builder completionBuilder(
        Exchange exchange, String content, String finishReason) {
      return exchange.completion(content, finishReason).newBuilder();
    }

    private static MockResponse.Builder statusResponse(int code) {
      switch (code) {
        case 401:
          return errorBuilder(401,
              "Incorrect API key provided: sk-fake***. You can find your API key at"
                  + " https://platform.openai.com/account/api-keys.",
              "invalid_request_error", "invalid_api_key");
        case 429:
          return errorBuilder(429,
              "Rate limit reached for fake-model on requests per min (RPM): Limit 3, Used 3,"
                  + " Requested 1. Please try again in 20s.",
              "requests", "rate_limit_exceeded");
        case 500:
          return errorBuilder(500,
              "The server had an error while processing your request. Sorry about that!",
              "server_error", null);
        case 502:
          return new MockResponse.Builder()
              .code(502)
              .setHeader("Content-Type", "text/html")
              .body("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                  + "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n");
        case 503:
          return errorBuilder(503,
              "The engine is currently overloaded, please try again later.",
              "server_error", null);
        default:
          return errorBuilder(code, "FakeLlmServer fault: status " + code,
              code >= 500 ? "server_error" : "invalid_request_error", null);
      }
    }

    private static MockResponse.Builder errorBuilder(
        int status, String message, String type, String code) {
      return error(status, message, type, code).newBuilder();
    }
  }
}
