import io.github.selfreflect.reflect.maven.it.ItFiles
import io.github.selfreflect.reflect.maven.it.ItServers

// Two clean copies in different directories: no target/, no cache.
['a', 'b'].each { copy ->
  def dir = new File(basedir, copy)
  dir.deleteDir()
  ItFiles.copyTree(new File(basedir, 'src'), new File(dir, 'src'))
  new File(dir, 'pom.xml').bytes = new File(basedir, 'pom.xml').bytes
}
def reference = new File(basedir, 'reference-repo')
reference.deleteDir()

ItServers.start(basedir)
new File(basedir, '.mvn/maven.config') << "-Dreference.url=${reference.toURI()}\n"
return true
