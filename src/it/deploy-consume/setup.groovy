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
def url = LoopbackRepository.start(basedir)
def consumerPom = new File(basedir, 'consumer/pom.xml')
consumerPom.text = consumerPom.text.replace('LOOPBACK_URL', url)
// The consumer is a project root of its own: Maven 4 would otherwise resolve the dataset from
// the "project local repository" of the enclosing root instead of from the server.
new File(basedir, 'consumer/.mvn').mkdirs()
return true
