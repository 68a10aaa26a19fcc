import groovy.json.JsonSlurper
import io.github.selfreflect.reflect.maven.it.ItServers
import java.util.concurrent.TimeUnit

// Runs the builds of this test as real Maven processes of the Maven running the invoker, on the
// invoker's local repository (where the plugin under test is installed), in front of the user's.
def server = System.getProperties().get('reflect.it.server:' + basedir.canonicalPath)
def mvn = new File(System.getProperty('maven.home'), 'bin/mvn').path
def goal = 'io.github.selfreflect:reflect-maven-plugin:' + pluginVersion + ':generate'

def maven = { String name, List<String> args ->
  def command = [mvn, '-B', '-Dmaven.repo.local=' + localRepositoryPath,
                 '-Dmaven.repo.local.tail=' + userRepository, goal] + args
  def log = new File(basedir, name + '.log')
  def pb = new ProcessBuilder(command).directory(basedir).redirectErrorStream(true)
      .redirectOutput(log)
  pb.environment().remove('OPENAI_API_KEY')
  return [pb.start(), log]
}
def finish = { Process p, File log ->
  assert p.waitFor(300, TimeUnit.SECONDS) : 'build still running'
  assert p.exitValue() == 0 : log.text
}
def cacheLines = { String cache ->
  def f = new File(basedir, cache + '/v1/reflections.jsonl')
  f.exists() ? f.readLines().count { it.endsWith('}') } : 0
}

try {
  // 1. The reference: an uninterrupted build on a cache of its own.
  def (ref, refLog) = maven('reference', ['-Dreflect.cacheDirectory=reference-cache',
                                          '-Dreflect.outputDirectory=target/reference'])
  finish(ref, refLog)
  int targets = server.requestCount()
  assert targets == 10

  // 2. The same build on the real cache, killed with SIGKILL once three replies are cached.
  def (killed, killedLog) = maven('killed', ['-Dreflect.outputDirectory=target/killed'])
  long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120)
  while (cacheLines('reflect-cache') < 3) {
    assert killed.alive : 'the build ended before it could be killed:\n' + killedLog.text
    assert System.nanoTime() < deadline : 'no reply was cached in time'
    Thread.sleep(10)
  }
  killed.toHandle().descendants().each { it.destroyForcibly() }
  killed.destroyForcibly() // SIGKILL on POSIX: no shutdown hook, no finally block runs
  assert killed.waitFor(30, TimeUnit.SECONDS)
  assert killed.exitValue() == 137 : 'expected death by SIGKILL, exit ' + killed.exitValue()
  Thread.sleep(1500) // let the requests still in flight reach the server (and be lost)

  int kept = cacheLines('reflect-cache')
  int sentByKilled = server.requestCount() - targets
  assert kept >= 3 && kept < targets : "kept ${kept} of ${targets}"
  assert sentByKilled >= kept
  assert !new File(basedir, 'target/killed/manifest.json').exists() : 'a killed build leaves no manifest'

  // 3. The rerun pays only for what the cache lacks, and writes the reference's bytes.
  def (rerun, rerunLog) = maven('rerun', ['-Dreflect.outputDirectory=target/rerun'])
  finish(rerun, rerunLog)
  int sentByRerun = server.requestCount() - targets - sentByKilled
  assert sentByRerun == targets - kept : "rerun sent ${sentByRerun}, missing were ${targets - kept}"
  assert rerunLog.text.contains("${kept} cached, ${targets - kept} to reflect")
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
