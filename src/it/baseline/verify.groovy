import groovy.json.JsonSlurper
import io.github.selfreflect.reflect.maven.it.ItServers
import io.github.selfreflect.reflect.maven.it.LoopbackRepository

def llm = ItServers.stop(basedir)
LoopbackRepository.stop(basedir)
def access = LoopbackRepository.accessLog(basedir)

// The Ks of the targets: A has 5 (trip-1, the haiku, pasta-1 twice, sql-1), B has 2 (bike-1).
def bKs = ['How often should I oil my bike chain?', 'It squeaks after every rainy ride.']
def counts = llm.countsByK()
println "requests by K: ${counts}"
println "requests in all: ${llm.requestCount()}"
assert counts.size() == 7
assert counts.values().every { it == 1 } : "a target was paid for twice: ${counts}"
assert bKs.every { counts[it] == 1 }

def manifest = { dir -> new JsonSlurper().parse(new File(basedir, "${dir}/target/reflect/manifest.json")).counts }
def first = manifest('.')
def second = manifest('next')
println "1.0: ${first}"
println "1.1: ${second}"
assert first.targets == 5 && first.reflected == 5 && first.cached == 0
// 1.1 sent requests for B's targets only: A's came from the 1.0 release's cache.
assert second.targets == 7 && second.cached == 5 && second.reflected == 2
assert llm.requestCount() == 5 + 2

// The baseline was downloaded from the server, not found in a local copy. (LATEST was read from
// the version metadata the deploy of 1.0 left in the local repository for that server.)
assert access =~ /"GET \/io\/github\/selfreflect\/it\/baseline\/1.0\/baseline-1.0-reflect-cache.zip HTTP\/1.1" 200/
def log = new File(basedir, 'build.log').text
assert log.contains('Baseline io.github.selfreflect.it:baseline:zip:reflect-cache:1.0: 5 reflections, 5 added to the cache')

// 1.1 releases its own cache, now with all 7 reflections, for the release after it.
def next = new File(basedir, 'next/target/baseline-1.1-reflect-cache.zip')
new java.util.zip.ZipFile(next).withCloseable { z ->
  assert z.getInputStream(z.getEntry('v1/reflections.jsonl')).text.readLines().size() == 7
}
return true
