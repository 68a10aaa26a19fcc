import groovy.json.JsonSlurper
import io.github.selfreflect.reflect.maven.it.ItServers

def server = ItServers.stop(basedir)
def log = new File(basedir, 'build.log').text

// generate paid for the 5 targets in 4 requests (the default template asks about pasta-1's two
// targets at once, caching each under its own key); status and compact sent nothing, so the keys
// status computes are the ones generate wrote.
assert server.requestCount() == 4

// status, text: the edit (pasta-1, message 2) touches pasta-1's two targets.
assert log.contains('[INFO] Conversations:       4')
assert log.contains('[INFO] Targets:             5')
assert log.contains('[INFO] Cached:              3')
assert log.contains('[INFO] To reflect:          2')
assert log.contains('[INFO] Too long:            0')
assert log.contains('[INFO] Invalid records:     0')
def approx = (log =~ /Prompt tokens to pay: (\d+) \(estimate, approximate \(4 characters a token\)\)/)
assert approx.find() : 'no approximate token estimate for fake-model'
long approximateTokens = approx.group(1) as long
assert approximateTokens > 200
assert log.contains('missing: support.json:')

// status, JSON: one object on standard output, between the log lines.
def start = log.indexOf('\n{\n')
def end = log.indexOf('\n}\n', start)
assert start >= 0 && end > start : 'no JSON object in the log'
def json = new JsonSlurper().parseText(log.substring(start + 1, end + 2))
assert json.conversations == 4 && json.targets == 5 && json.cached == 3 && json.toReflect == 2
assert json.tooLong == 0
assert json.invalidRecords == 0 && json.invalidCacheLines == 0
assert json.promptTokens.estimate == approximateTokens
assert json.promptTokens.exact == false
assert json.missing.size() == 2 && json.missing.every { it.source == 'support.json' && it.conversation == 'pasta-1' }

// status for an OpenAI model counts with its tokenizer (and every key changes with the model).
def exact = (log =~ /Prompt tokens to pay: (\d+) \(tokenizer o200k_base\)/)
assert exact.find() : 'no o200k_base count for gpt-4o'
assert log.contains('[INFO] To reflect:          5')

// compact: canonical order, nothing dropped; then prune the two reflections the edit replaced.
assert log.contains('5 records kept, 0 pruned, 0 duplicates and 0 invalid lines dropped')
assert log.contains('3 records kept, 2 pruned, 0 duplicates and 0 invalid lines dropped')
def lines = new File(basedir, 'reflect-cache/v1/reflections.jsonl').readLines()
assert lines.size() == 3
def keys = lines.collect { new JsonSlurper().parseText(it).key }
assert keys == keys.sort(false)
assert lines.every { !it.contains('"conversation":"pasta-1"') }

// status, JSON, with a prompt budget no target fits: every target is counted as too long (and
// warned about), none is cached under a budgeted key or left to pay for.
def budgetedStart = log.indexOf('\n{\n', end)
def budgetedEnd = log.indexOf('\n}\n', budgetedStart)
assert budgetedStart >= 0 && budgetedEnd > budgetedStart : 'no second JSON object in the log'
def budgeted = new JsonSlurper().parseText(log.substring(budgetedStart + 1, budgetedEnd + 2))
assert budgeted.targets == 5 && budgeted.tooLong == 5 : budgeted
assert budgeted.cached == 0 && budgeted.toReflect == 0 && budgeted.promptTokens.estimate == 0 : budgeted
assert budgeted.missing.isEmpty()
assert (log =~ /\[WARNING\] Skipping support\.json:\d+ conversation \S+ turn \d+: .*reflect\.maxPromptTokens=100/).find()
return true
