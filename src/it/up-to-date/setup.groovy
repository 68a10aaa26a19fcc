// Plays the LLM for all five builds of this project on a loopback port.
io.github.selfreflect.reflect.maven.it.ItServers.start(basedir)
return true
