def server = io.github.selfreflect.reflect.maven.it.ItServers.stop(basedir)
def log = new File(basedir, 'build.log').text
assert log.contains('reflect.concurrency must be at least 1, found 0')
assert log.contains('reflect.maxRetries must be at least 0, found -1')
assert log.contains('reflect.timeout must be at least 1, found 0')
assert log.contains('reflect.maxReplyAttempts must be at least 1, found 0')
assert server.requestCount() == 0 : 'a bad configuration is refused before anything is paid for'
return true
