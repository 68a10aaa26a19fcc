def server = io.github.selfreflect.reflect.maven.it.ItServers.stop(basedir)
def log = new File(basedir, 'build.log').text
assert log.contains('Skipping reflect:generate (reflect.skip)')
assert server.requestCount() == 0 : 'a skipped goal sends nothing'
assert !new File(basedir, 'target/reflect').exists() : 'a skipped goal writes no dataset'
assert !new File(basedir, 'reflect-cache').exists() : 'a skipped goal creates no cache'
return true
