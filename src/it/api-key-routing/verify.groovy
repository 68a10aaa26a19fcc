import io.github.selfreflect.reflect.maven.it.ItServers

def reflector = ItServers.stop(basedir)
def judge = ItServers.stopSecond(basedir, 'it.judgeUrl')

def shellKey = 'sk-it-shell-openai-3f9d1c'
def localKey = 'sk-it-local-llm-8e2a07'
def serverKey = 'sk-it-server-key-a41f09'
def judgeKey = 'sk-it-judge-5c1b44'

def isJudging = { call -> call.json().at('/messages/0/content').asText().startsWith('You are an impartial judge') }
// The Authorization headers one server saw from one build (its run names the model).
def headers = { server, run, judging ->
  def calls = server.calls().findAll { it.json().path('model').asText() == run && isJudging(it) == judging }
  assert !calls.isEmpty() : "no ${judging ? 'judging' : 'reflecting'} requests of ${run}"
  calls.collect { it.header('Authorization') } as Set
}

// 1: the shell's OPENAI_API_KEY is for api.openai.com, not for this endpoint.
assert headers(reflector, 'default-variable', false) == [null] as Set
// 2: a variable named on purpose is sent.
assert headers(reflector, 'named-variable', false) == ["Bearer ${localKey}".toString()] as Set
// 3: the reflector's key stays with the reflector's endpoint.
assert headers(reflector, 'judge-elsewhere', false) == ["Bearer ${serverKey}".toString()] as Set
assert headers(judge, 'judge-elsewhere', true) == [null] as Set
// 4: the judge's own key goes to the judge.
assert headers(reflector, 'judge-own-key', false) == ["Bearer ${serverKey}".toString()] as Set
assert headers(judge, 'judge-own-key', true) == ["Bearer ${judgeKey}".toString()] as Set
// 5: a judge sharing the reflector's endpoint shares its key.
assert headers(reflector, 'judge-same-endpoint', false) == ["Bearer ${serverKey}".toString()] as Set
assert headers(reflector, 'judge-same-endpoint', true) == ["Bearer ${serverKey}".toString()] as Set
assert judge.calls().every { it.json().path('model').asText() in ['judge-elsewhere', 'judge-own-key'] }
// 6: refused before any request, naming what to change.
assert reflector.calls().every { it.json().path('model').asText() != 'cleartext' }

def log = new File(basedir, 'build.log').text
assert log.contains('OPENAI_API_KEY is set but not sent to 127.0.0.1: unasked it goes to api.openai.com only.')
assert log.contains('reflect.baseUrl is http://gpu-box.invalid:11434/v1: plain http to gpu-box.invalid,'
    + ' which is not this machine, would carry the API key (environment variable LOCAL_LLM_KEY, named by'
    + ' reflect.apiKeyEnvironmentVariable) in cleartext. Use an https URL in reflect.baseUrl, or, if the'
    + ' server needs no key, leave reflect.apiKeyEnvironmentVariable unset (on a network you trust that'
    + ' offers no https, -Dreflect.allowPlainHttpKey=true)')
assert !new File(basedir, 'target/cleartext/manifest.json').exists()

// No key appears in the log or in anything the builds wrote.
def leaks = []
def keys = [shellKey, localKey, serverKey, judgeKey]
keys.each { key -> if (log.contains(key)) leaks << "build.log: ${key}" }
[new File(basedir, 'reflect-cache'), new File(basedir, 'target')].each { dir ->
  assert dir.isDirectory() : "${dir} was written"
  dir.eachFileRecurse(groovy.io.FileType.FILES) { file ->
    def text = file.getText('UTF-8')
    keys.each { key -> if (text.contains(key)) leaks << "${file}: ${key}" }
  }
}
assert leaks.isEmpty() : "keys leaked: ${leaks}"
return true
