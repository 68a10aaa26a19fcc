io.github.selfreflect.reflect.maven.it.ItServers.start(basedir)
return true
