import groovy.json.JsonSlurper
import io.github.selfreflect.reflect.maven.it.ItMaven
import io.github.selfreflect.reflect.maven.it.ItServers
import java.time.Duration
import java.util.concurrent.TimeUnit

// The builds of this test are real Maven processes, started (and one killed) from here.
def server = System.getProperties().get('reflect.it.server:' + basedir.canonicalPath)
def goal = 'io.github.selfreflect:reflect-maven-plugin:' + pluginVersion + ':generate'
def mvn = new ItMaven(basedir, localRepositoryPath, userRepository)
def maven = { String name, List<String> args -> mvn.start(name, [goal] + args) }
def cacheLines = { String cache ->
  def f = new File(basedir, cache + '/v1/reflections.jsonl')
  f.exists() ? f.readLines().count { it.endsWith('}') } : 0
}

try {
  // 1. The reference: an uninterrupted build on a cache of its own.
  maven('reference', ['-Dreflect.cacheDirectory=reference-cache',
                       '-Dreflect.outputDirectory=target/reference']).finish(Duration.ofMinutes(5))
  int targets = server.requestCount()
  assert targets == 10

  // 2. The same build on the real cache, killed with SIGKILL once three replies are cached.
  def killed = maven('killed', ['-Dreflect.outputDirectory=target/killed'])
  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120)
  while (cacheLines('reflect-cache') < 3) {
    assert killed.alive : 'the build ended before it could be killed:\n' + killed.output()
    assert System.nanoTime() < deadline : 'no reply was cached in time'
    Thread.sleep(10)
  }
  int exit = killed.kill() // SIGKILL on POSIX: no shutdown hook, no finally block runs
  assert exit == 137 : 'expected death by SIGKILL, exit ' + exit
  Thread.sleep(1500) // let the requests still in flight reach the server (and be lost)

  int kept = cacheLines('reflect-cache')
  int sentByKilled = server.requestCount() - targets
  assert kept >= 3 && kept < targets : "kept ${kept} of ${targets}"
  assert sentByKilled >= kept
  assert !new File(basedir, 'target/killed/manifest.json').exists() : 'a killed build leaves no manifest'

  // 3. The rerun pays only for what the cache lacks, and writes the reference's bytes.
  def rerun = maven('rerun', ['-Dreflect.outputDirectory=target/rerun'])
  rerun.finish(Duration.ofMinutes(5))
  int sentByRerun = server.requestCount() - targets - sentByKilled
  assert sentByRerun == targets - kept : "rerun sent ${sentByRerun}, missing were ${targets - kept}"
  assert rerun.output().contains("${kept} cached, ${targets - kept} to reflect")
  ['sft.jsonl', 'preference.jsonl', 'reflections.jsonl', 'failures.jsonl'].each { name ->
    assert new File(basedir, 'target/rerun/' + name).bytes == new File(basedir, 'target/reference/' + name).bytes : name
  }
  def manifest = { run -> new JsonSlurper().parse(new File(basedir, "target/${run}/manifest.json")) }
  assert manifest('rerun').files == manifest('reference').files
  assert cacheLines('reflect-cache') == targets
} finally {
  ItServers.stop(basedir)
}
return true
