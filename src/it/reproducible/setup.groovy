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
// compare downloads the reference into the invoker's local repository, where a release from an
// earlier `verify` (without `clean`) would be taken as it is and compared instead of a's.
new File(localRepositoryPath, 'io/github/selfreflect/it/reproducible').deleteDir()

ItServers.start(basedir)
new File(basedir, '.mvn/maven.config') << "-Dreference.url=${reference.toURI()}\n"
return true
