def server = io.github.selfreflect.reflect.maven.it.ItServers.stop(basedir)
def log = new File(basedir, 'build.log').text
assert log.contains('chats.jsonl:3:') : 'the error names the file and the line of the broken record'
assert log.contains('reflect.failOnInvalid=false')
assert server.requestCount() == 0 : 'nothing is paid for before the input is known to be valid'
return true
