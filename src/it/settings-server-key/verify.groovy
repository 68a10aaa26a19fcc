import io.github.selfreflect.reflect.maven.it.ItServers

def key = 'sk-it-settings-key-5f3a9c2e71'
def server = ItServers.stop(basedir)

assert server.requestCount() == 2 : "one request per target, saw ${server.requestCount()}"
server.calls().each { call ->
  assert call.header('Authorization') == "Bearer ${key}" : 'the decrypted server password is the bearer token'
}

// The key appears nowhere the build wrote: not the log, not the cache, not the dataset.
def leaks = []
if (new File(basedir, 'build.log').text.contains(key)) {
  leaks << 'build.log'
}
[new File(basedir, 'reflect-cache'), new File(basedir, 'target/reflect')].each { dir ->
  assert dir.isDirectory() : "${dir} was written"
  dir.eachFileRecurse(groovy.io.FileType.FILES) { file ->
    if (file.getText('UTF-8').contains(key)) {
      leaks << file.path
    }
  }
}
assert leaks.isEmpty() : "the API key leaked into ${leaks}"
assert new File(basedir, 'target/reflect/sft.jsonl').readLines().size() == 2
return true
