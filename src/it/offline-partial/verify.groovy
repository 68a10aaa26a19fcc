import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
assert log.contains('writing the cached part only')
def counts = new JsonSlurper().parse(new File(basedir, 'target/reflect/manifest.json')).counts
assert counts.targets == 2 && counts.skipped == 2 && counts.reflected == 0
assert new File(basedir, 'target/reflect/sft.jsonl').length() == 0
return true
