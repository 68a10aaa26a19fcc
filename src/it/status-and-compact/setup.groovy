// Plays the LLM for the first build; status and compact must not call it.
io.github.selfreflect.reflect.maven.it.ItServers.start(basedir)
return true
