import groovy.json.JsonSlurper
import io.github.selfreflect.reflect.maven.it.ItServers

def server = ItServers.stop(basedir)
// Only the first build sent requests: the broken template failed before any.
def bodies = server.requestJson()
def targets = bodies.collect { it.get('messages').get(1).get('content').asText() }
assert server.requestCount() == bodies.size()
assert !bodies.isEmpty()
bodies.each { body ->
  assert body.get('messages').get(0).get('role').asText() == 'system'
  assert body.get('messages').get(0).get('content').asText().startsWith('You are a strict reviewer.')
  def user = body.get('messages').get(1).get('content').asText()
  assert user.startsWith('Conversation:\n[0] user: "How long') || user.startsWith('Conversation:\n[0] user: "Capital')
  assert !body.has('response_format')
}
def manifest = new JsonSlurper().parse(new File(basedir, 'target/reflect/manifest.json'))
assert manifest.template.id == 'file:review.mustache'
assert manifest.counts.targets == 3 && manifest.counts.reflected == 3

def log = new File(basedir, 'build.log').text
assert log =~ /reflect\.templateFile: \S*broken\.mustache:7: Mismatched start\/end tags: targets != lines/
return true
