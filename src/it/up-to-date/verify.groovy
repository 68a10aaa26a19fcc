import groovy.json.JsonSlurper
import io.github.selfreflect.reflect.maven.it.ItServers

def server = ItServers.stop(basedir)

// build.log holds the five invocations in order; split it at each build's summary.
def log = new File(basedir, 'build.log').text
def builds = log.split(/(?m)^\[INFO\] BUILD SUCCESS/)
assert builds.size() == 6 : "expected five successful builds, found ${builds.size() - 1}"

// 1: nothing recorded yet, so it builds (4 requests: one per conversation with hindsight).
assert builds[0].contains('Building the dataset: no complete build of')
assert builds[0].contains('5 targets: 0 cached, 5 reflected, 0 failed, 0 skipped; 4 requests sent')
assert builds[0].contains('Dataset written to')

// 2: nothing changed: up to date, no request, no file written.
assert builds[1].contains('Dataset up to date: 4 conversations, 5 targets')
assert builds[1].contains('5 targets: 5 cached, 0 reflected, 0 failed, 0 skipped; 0 requests sent')
assert builds[1].contains('Dataset up to date in')
assert !builds[1].contains('Dataset written to')

// 3: reflect.force skips the check and writes the dataset again, from the cache.
assert !builds[2].contains('Dataset up to date')
assert !builds[2].contains('Building the dataset:')
assert builds[2].contains('5 targets: 5 cached, 0 reflected, 0 failed, 0 skipped; 0 requests sent')
assert builds[2].contains('Dataset written to')

// 4: pasta-1's second message was edited in support.json: the build runs and says why, and pays
// for pasta-1's two targets only (one request, both together).
assert builds[3].contains('Building the dataset: support.json changed since the last build')
assert builds[3].contains('5 targets: 3 cached, 2 reflected, 0 failed, 0 skipped; 1 requests sent')

// 5: up to date again, with the edited chats.
assert builds[4].contains('Dataset up to date: 4 conversations, 5 targets')

assert server.requestCount() == 5 : "expected 4 + 0 + 0 + 1 + 0 requests, the fake LLM saw ${server.requestCount()}"

// The record is beside the dataset folder, not in it (the folder is what gets uploaded).
assert new File(basedir, 'target/reflect.build-state.json').isFile()
assert !new File(basedir, 'target/reflect').list().any { it.contains('build-state') }
def manifest = new JsonSlurper().parse(new File(basedir, 'target/reflect/manifest.json'))
assert manifest.counts.reflected == 2 && manifest.counts.cached == 3 : 'the dataset of build 4, left alone by build 5'
return true
