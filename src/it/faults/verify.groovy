import groovy.json.JsonSlurper
import io.github.selfreflect.reflect.maven.it.ItServers

def server = ItServers.stop(basedir)
assert server.pendingFaults() == 0 : "every fault was met"

def manifest = { run -> new JsonSlurper().parse(new File(basedir, "target/${run}/manifest.json")) }
assert manifest('faulty').counts.reflected == 5 && manifest('faulty').counts.failed == 0
assert manifest('clean').counts.reflected == 5

// 14 faults, each one counted retry; 5 + 14 requests for the faulty build, 5 for the clean one.
assert server.requestCount() == 5 + 14 + 5
def log = new File(basedir, 'build.log').text
assert log.contains('5 targets: 0 cached, 5 reflected, 0 failed, 0 skipped; 19 requests sent')
assert log.contains('this run: 14 retries (2 rate-limited)')
assert log.contains('5 targets: 0 cached, 5 reflected, 0 failed, 0 skipped; 5 requests sent')

// The faults change nothing in the dataset.
['sft.jsonl', 'preference.jsonl', 'reflections.jsonl', 'failures.jsonl', 'manifest.json'].each {
  assert new File(basedir, "target/faulty/${it}").bytes == new File(basedir, "target/clean/${it}").bytes : "${it} differs"
}
return true
