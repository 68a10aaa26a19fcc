import groovy.json.JsonSlurper
import io.github.selfreflect.reflect.maven.it.ItServers

def server = ItServers.stop(basedir)
def manifest = { run -> new JsonSlurper().parse(new File(basedir, "target/${run}/manifest.json")) }

def first = manifest('first').counts
def second = manifest('second').counts
def edited = manifest('edited').counts

// 4 conversations; targets: pasta-1 turns 1 and 3, sql-1 turn 2, trip-1 turn 1, the haiku turn 2.
assert first.conversations == 4
assert first.targets == 5
assert first.reflected == 5 && first.cached == 0

assert second.reflected == 0 && second.cached == 5

// The edited message (pasta-1, message 2) is in the prompts of pasta-1's two targets only.
assert edited.reflected == 2 && edited.cached == 3

// The default template (hindsight) asks about all targets of a conversation in one request:
// 4 conversations, then nothing, then pasta-1's two targets together.
assert server.requestCount() == 5 : "expected 4 + 0 + 1 requests, the fake LLM saw ${server.requestCount()}"
assert server.countFor('How long should I boil spaghetti?') == 2

// build.log holds the three invocations in order.
def log = new File(basedir, 'build.log').text
assert log.contains('5 targets: 0 cached, 5 reflected, 0 failed, 0 skipped; 4 requests sent')
assert log.contains('5 targets: 5 cached, 0 reflected, 0 failed, 0 skipped; 0 requests sent')
assert log.contains('5 targets: 3 cached, 2 reflected, 0 failed, 0 skipped; 1 requests sent')

// The same inputs give the same bytes, whichever run paid for the replies.
assert new File(basedir, 'target/first/sft.jsonl').bytes == new File(basedir, 'target/second/sft.jsonl').bytes

// Corpus order: logs.jsonl (trip-1, the haiku) before support.json (pasta-1 twice, sql-1).
def sft = new File(basedir, 'target/first/sft.jsonl').readLines().collect { new JsonSlurper().parseText(it) }
assert sft.size() == 5
assert sft[1].messages[0] == [role: 'assistant', content: 'Hi! What can I do for you?', weight: 0]
assert sft[3].messages*.content.take(3) == ['How long should I boil spaghetti?', 'Boil it for about 15 minutes.', 'It came out mushy. The pack said 9 minutes.']
// pasta-1's first answer is the history of its second target, as logged, but it is the answer
// the first target's reflection replaced: context (weight 0), not training data.
assert sft[3].messages[1].weight == 0 && sft[3].messages[-1].weight == 1
// Every assistant message has a weight (the same fields in every record), no other message has one.
sft.each { record -> record.messages.each { m -> assert (m.role == 'assistant') == m.containsKey('weight') : m } }
assert sft.every { it.messages[-1].weight == 1 }
assert sft[4].messages[0] == [role: 'system', content: 'You are a helpful SQL tutor.']
assert sft[4].messages[-1].role == 'assistant' && sft[4].messages[-1].content.contains('Count the orders per customer.')
return true
