import io.github.selfreflect.reflect.maven.it.ItFiles
import io.github.selfreflect.reflect.maven.it.ItServers
import io.github.selfreflect.reflect.maven.it.LoopbackRepository

// The sample project's data: its chats and its committed cache, so no request is needed.
// (sampleProject is a script variable set in the invoker configuration.)
ItFiles.copyTree(new File(sampleProject, 'src/main/chats'), new File(basedir, 'src/main/chats'))
ItFiles.copyTree(new File(sampleProject, 'reflect-cache'), new File(basedir, 'reflect-cache'))
// A release from an earlier run must not be found in the local repository.
new File(localRepositoryPath, 'io/github/selfreflect/it/deploy-consume').deleteDir()

ItServers.start(basedir)
LoopbackRepository.start(basedir)
return true
