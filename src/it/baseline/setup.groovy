import io.github.selfreflect.reflect.maven.it.ItFiles
import io.github.selfreflect.reflect.maven.it.ItServers
import io.github.selfreflect.reflect.maven.it.LoopbackRepository

// 1.1's chats: A (the chats of 1.0) and B (new since).
def next = new File(basedir, 'next')
// The invoker filters this project's own pom.xml only: give next/pom.xml the same plugin.
def plugin = new groovy.xml.XmlSlurper().parse(new File(basedir, 'pom.xml')).build.plugins.plugin[0]
def nextPom = new File(next, 'pom.xml')
nextPom.text = nextPom.text
    .replace('@project.groupId@', plugin.groupId.text())
    .replace('@project.artifactId@', plugin.artifactId.text())
    .replace('@project.version@', plugin.version.text())
ItFiles.copyTree(new File(basedir, 'src/main/chats'), new File(next, 'src/main/chats'))
ItFiles.copyTree(new File(next, 'src/new-chats'), new File(next, 'src/main/chats'))
new File(next, 'reflect-cache').deleteDir()
new File(localRepositoryPath, 'io/github/selfreflect/it/baseline').deleteDir()

ItServers.start(basedir)
nextPom.text = nextPom.text.replace('LOOPBACK_URL', LoopbackRepository.start(basedir))
// 1.1 is a checkout of its own (a project root, as Maven 4 sees it), talking to the same fake LLM.
new File(next, '.mvn').mkdirs()
new File(next, '.mvn/maven.config').text = new File(basedir, '.mvn/maven.config').text
return true
