import io.github.selfreflect.reflect.maven.it.ItServers

// The reflector's endpoint (it judges too, for a judge that shares it), and a judge of its own.
ItServers.startJudging(basedir)
ItServers.startSecondJudging(basedir, 'it.judgeUrl')
return true
