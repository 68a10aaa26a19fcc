import groovy.json.JsonSlurper
import io.github.selfreflect.reflect.cache.JsonlReflectionCache
import io.github.selfreflect.reflect.maven.it.ItMaven
import io.github.selfreflect.reflect.maven.it.ItServers
import io.github.selfreflect.reflect.testing.FakeLlmServer
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import java.util.function.Consumer
import java.util.function.Function

// Two builds of this project, A and B, run `reflect:generate` at the same time as two Maven
// processes: the same chats, the same cache folder (reflect-cache), an output folder each. Each
// talks to a fake LLM of its own, so that the requests of one are told from the other's.
//
// The timing is made, not hoped for:
// - A starts first. After its first HELD_BACK replies are stored, A's server holds A's next
//   requests until B's first request arrives, so the builds overlap however long B takes to start,
//   and the cache holds exactly HELD_BACK records when B starts.
// - A's model answers in 200 ms, B's in 2 s: A runs ahead, so while B's read-ahead targets wait
//   in B's queue, A stores them. That is when a build could pay for a reply the other already
//   holds, and must not.

final int TARGETS = 16
final int HELD_BACK = 4
final Duration LATENCY_A = Duration.ofMillis(200)
final Duration LATENCY_B = Duration.ofSeconds(2)
// A build looks in the cache right before a request leaves. A request of B that reached its
// server this long after A's record of the same target was in the file was sent although the
// reply was held: a double payment. Within it, B may have looked just before A stored (a moment's
// race, or the same target in flight in both builds at once), and sending twice is then
// legitimate. Far above the milliseconds between a look and the request's arrival; far below the
// second or more a target that waited in the queue (B's reply time) would show.
final long MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(800)

def gate = new CountDownLatch(1) // opened by B's first request
def gateTimedOut = new AtomicBoolean()
def arrivalsAtA = new AtomicInteger()
def requestedByB = new ConcurrentHashMap() // K -> System.nanoTime() of B's request's arrival

def serverA = ItServers.start(basedir, { body ->
  String k = FakeLlmServer.extractK(body).get()
  if (arrivalsAtA.incrementAndGet() > HELD_BACK && !gate.await(120, TimeUnit.SECONDS)) {
    gateTimedOut.set(true)
  }
  return FakeLlmServer.seedReply(k)
} as Function).latency(LATENCY_A)
def serverB = new FakeLlmServer({ body ->
  String k = FakeLlmServer.extractK(body).get()
  requestedByB.putIfAbsent(k, System.nanoTime())
  gate.countDown()
  return FakeLlmServer.seedReply(k)
} as Function).latency(LATENCY_B).start()

// When each target's record was first seen in the cache file: read the file every 10 ms and
// take the time after reading, so that a record's time is never earlier than its write.
def cacheFile = new File(basedir, 'reflect-cache/v1/reflections.jsonl')
def seen = new ConcurrentHashMap() // K -> System.nanoTime()
def json = new JsonSlurper()
def readCache = {
  if (!cacheFile.exists()) {
    return
  }
  String text = cacheFile.getText('UTF-8')
  long now = System.nanoTime()
  // Only whole lines: the last one may be a write under way.
  text.substring(0, text.lastIndexOf('\n') + 1).readLines().each { line ->
    seen.putIfAbsent(json.parseText(json.parseText(line).reply).K, now)
  }
}
def polling = new AtomicBoolean(true)
def poller = Thread.start('cache-poller') {
  while (polling.get()) {
    readCache()
    Thread.sleep(10)
  }
}

def goal = 'io.github.selfreflect:reflect-maven-plugin:' + pluginVersion + ':generate'
def mvn = new ItMaven(basedir, localRepositoryPath, userRepository)
// .mvn/maven.config (written by ItServers) names A's server; the command line wins over it.
def generate = { String name, server ->
  mvn.start(name, [goal, '-Dreflect.baseUrl=' + server.baseUrl(),
                   '-Dreflect.outputDirectory=target/' + name])
}
def a = null
def b = null
long started = System.nanoTime()
try {
  a = generate('a', serverA)
  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120)
  while (seen.size() < HELD_BACK) {
    assert a.alive : 'build a ended before b could start:\n' + a.output()
    assert System.nanoTime() < deadline : 'build a stored no reply in time:\n' + a.output()
    Thread.sleep(10)
  }
  Set inCacheWhenBStarted = new HashSet(seen.keySet())
  b = generate('b', serverB)
  a.finish(Duration.ofMinutes(3))
  b.finish(Duration.ofMinutes(3))
  polling.set(false)
  poller.join()
  readCache()
  double seconds = (System.nanoTime() - started) / 1e9

  // The overlap was real: A was held until B sent, not released by the time-out.
  assert !gateTimedOut.get() : 'b sent no request while a was waiting:\n' + b.output()
  assert inCacheWhenBStarted.size() == HELD_BACK
  assert a.output().contains('8 conversations, 16 targets: 0 cached, 16 to reflect')
  assert b.output().contains("8 conversations, 16 targets: ${HELD_BACK} cached, ${TARGETS - HELD_BACK} to reflect")

  // 1. The shared cache is whole: every line a sound record, one per target, none twice.
  List<String> lines = cacheFile.getText('UTF-8').with { text ->
    assert text.endsWith('\n') : 'the last line is torn'
    text.readLines()
  }
  def keys = lines.collect { json.parseText(it).key }
  assert keys.size() == TARGETS : "${keys.size()} lines for ${TARGETS} targets"
  assert keys.toSet().size() == TARGETS : 'a target is stored twice'
  List<String> warnings = []
  def cache = JsonlReflectionCache.open(new File(basedir, 'reflect-cache').toPath(),
                                        { warnings << it } as Consumer)
  try {
    assert cache.size() == TARGETS
    assert cache.droppedLines() == 0 && cache.duplicateLines() == 0
    keys.each { assert cache.get(it).present }
  } finally {
    cache.close()
  }
  assert warnings == [] // no torn, damaged or unreadable line

  // 2. Nobody paid for a reply that was already stored.
  Map<String, Integer> byA = serverA.countsByK()
  Map<String, Integer> byB = serverB.countsByK()
  def ks = new File(basedir, 'src/main/chats/logs.jsonl').readLines().collectMany { record ->
    json.parseText(record).messages.findAll { it.role == 'user' }.take(2)*.content
  } as Set
  assert ks.size() == TARGETS && seen.keySet() == ks
  assert byA.keySet() + byB.keySet() == ks
  assert byA.values().every { it == 1 } && byB.values().every { it == 1 } : 'a build asked twice'
  def paidAgain = byB.keySet().intersect(inCacheWhenBStarted)
  assert paidAgain.isEmpty() : "b asked for targets that were cached when it started: ${paidAgain}"
  requestedByB.each { k, arrived ->
    long heldFor = arrived - seen[k]
    assert heldFor < MARGIN_NANOS :
        "b asked for '${k}' ${heldFor.intdiv(1_000_000)} ms after a had stored its reply"
  }
  int sentByA = byA.values().sum() ?: 0
  int sentByB = byB.values().sum() ?: 0
  // Only the targets in flight in both builds at once are paid twice.
  assert sentByA + sentByB < 2 * TARGETS
  // Each build reports what it paid for; what the other stored first counts as cached.
  [[a, sentByA], [b, sentByB]].each { build, sent ->
    assert build.output().contains("16 targets: ${TARGETS - sent} cached, ${sent} reflected, 0 failed, 0 skipped; ${sent} requests sent")
  }

  // 3. Both builds wrote the same dataset, whichever of them paid for each reply.
  ['sft.jsonl', 'preference.jsonl', 'reflections.jsonl', 'failures.jsonl'].each { name ->
    assert new File(basedir, 'target/a/' + name).bytes == new File(basedir, 'target/b/' + name).bytes : name
  }
  assert new File(basedir, 'target/a/sft.jsonl').readLines().size() == TARGETS
  assert new File(basedir, 'target/a/reflections.jsonl').readLines().size() == TARGETS

  def figures = "concurrent-builds: ${String.format('%.1f', seconds)} s for both builds;" +
      " ${TARGETS} targets, ${HELD_BACK} cached when b started;" +
      " requests: a ${sentByA}, b ${sentByB} (${byB.keySet().sort()});" +
      " b's requests came ${requestedByB.collect { k, t -> (t - seen[k]).intdiv(1_000_000) }.sort()} ms" +
      " after the record was seen (negative: before)"
  new File(basedir, 'figures.txt').text = figures + '\n'
  println figures
} finally {
  polling.set(false)
  gate.countDown()
  [a, b].each { if (it != null && it.alive) it.kill() }
  ItServers.stop(basedir)
  serverB.close()
}
return true
