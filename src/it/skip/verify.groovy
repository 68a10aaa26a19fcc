def server = io.github.selfreflect.reflect.maven.it.ItServers.stop(basedir)
def log = new File(basedir, 'build.log').text
assert log.contains('Skipping reflect:generate (reflect.skip)')
assert log.contains('Skipping reflect:package (reflect.skip)')
assert log.contains('[WARNING] reflect.skip: no dataset archive, so this training-data project has no main artifact;'
    + ' install and deploy will refuse it. To build the other modules without it, leave it out: -pl \'!skip\'')
assert !new File(basedir, 'target/skip-1.0.zip').exists() : 'a skipped package packs nothing'
assert server.requestCount() == 0 : 'a skipped goal sends nothing'
assert !new File(basedir, 'target/reflect').exists() : 'a skipped goal writes no dataset'
assert !new File(basedir, 'reflect-cache').exists() : 'a skipped goal creates no cache'
return true
