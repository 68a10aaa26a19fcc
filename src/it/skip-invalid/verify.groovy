import groovy.json.JsonSlurper

def server = io.github.selfreflect.reflect.maven.it.ItServers.stop(basedir)
def log = new File(basedir, 'build.log').text
assert log.contains('Skipping invalid record: chats.jsonl:3:')
assert log.contains('Skipping invalid record: chats.jsonl:4:')
assert log.contains('wizard')
def counts = new JsonSlurper().parse(new File(basedir, 'target/reflect/manifest.json')).counts
assert counts.invalidRecords == 2
assert counts.conversations == 1 && counts.targets == 1 && counts.reflected == 1
assert server.requestCount() == 1
return true
