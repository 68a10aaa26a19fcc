import groovy.json.JsonSlurper

def server = io.github.selfreflect.reflect.maven.it.ItServers.stop(basedir)
// 3 reflections and 3 pairs x 2 orders in the first build; nothing in the offline second one,
// nor in the fully cached third one.
assert server.requestCount() == 9

def first = new File(basedir, 'target/first')
def evaluation = new JsonSlurper().parse(new File(first, 'evaluation.json'))
assert evaluation.pairs == 3 && evaluation.wins == 3 && evaluation.ties == 0 && evaluation.losses == 0
assert evaluation.judge.model == 'fake-model'
assert evaluation.sample.seed == 1
def manifest = new JsonSlurper().parse(new File(first, 'manifest.json'))
// On the default template, hindsight: each conversation has one target, so one request each,
// as with seed; the report and the evaluation read hindsight's results.
assert manifest.template.id == 'hindsight'
assert manifest.evaluation.headline == 'revised answers preferred in 100.0% (95% CI 43.9% to 100.0%) of 3 pairs, judged by fake-model'
assert manifest.files['evaluation.json'].bytes == new File(first, 'evaluation.json').length()
assert manifest.files['report.html'].bytes == new File(first, 'report.html').length()
def report = new File(first, 'report.html').text
assert report.contains('id="reflect-evaluation">{"formatVersion":1,')
assert !report.contains('<script>alert(1)')
assert new File(basedir, 'reflect-cache/v1/judgments.jsonl').readLines().size() == 6
// The dataset card, written by generate, gets the headline from evaluate.
def card = new File(first, 'README.md').text
assert card.contains('\n## Evaluation\n') && card.contains(manifest.evaluation.headline)

// The offline build, from the cache alone, writes the same bytes (the manifest differs only in
// its counts of cached and reflected targets).
['evaluation.json', 'report.html', 'sft.jsonl'].each {
  assert new File(first, it).bytes == new File(basedir, "target/second/$it").bytes : it
}
assert new JsonSlurper().parse(new File(basedir, 'target/second/manifest.json')).evaluation == manifest.evaluation
def secondCard = new File(basedir, 'target/second/README.md').text
assert secondCard.substring(secondCard.indexOf('\n## Evaluation\n')) == card.substring(card.indexOf('\n## Evaluation\n'))

// The third build is online, finds every reflection and judgment cached, and names a server
// settings.xml does not have, with no key in the environment: it needs no key, so it must not
// look one up. It writes the same bytes as the first.
['evaluation.json', 'report.html', 'sft.jsonl'].each {
  assert new File(first, it).bytes == new File(basedir, "target/third/$it").bytes : it
}
def log = new File(basedir, 'build.log').text
assert log.contains('Evaluation: revised answers preferred in 100.0%')
assert !log.contains("settings.xml has no <server> with that <id>")
return true
