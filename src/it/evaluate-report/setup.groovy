// Plays the reflecting and the judging LLM for both builds on a loopback port.
io.github.selfreflect.reflect.maven.it.ItServers.startJudging(basedir)
return true
