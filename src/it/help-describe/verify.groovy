def log = new File(basedir, 'build.log').text.replace('\r\n', '\n')
// Every reflect.* property of the goal, read from its sources (the goal and the base class that
// holds the parameters all goals share) so that a new one is checked too.
def sources = ['GenerateMojo.java', 'AbstractReflectMojo.java'].collect {
  new File(basedir, '../../../src/main/java/io/github/selfreflect/reflect/maven/' + it)
}
def properties = sources.collectMany { source ->
  (source.text =~ /property = "(reflect\.[A-Za-z]+)"/).collect { it[1] }
}
assert properties.size() >= 16 : "found only ${properties}"
assert log.contains('reflect:generate')

def undocumented = []
properties.each { property ->
  // help:describe -Ddetail prints a parameter as its name, "User property: ...", then its
  // Javadoc, then a blank line.
  int at = log.indexOf("User property: ${property}\n")
  if (at < 0) {
    undocumented << "${property} (not listed)"
    return
  }
  int start = log.indexOf('\n', at) + 1
  int end = log.indexOf('\n\n', start)
  def description = log.substring(start, end < 0 ? log.length() : end).trim()
  if (description.split(/\s+/).length < 3) {
    undocumented << "${property} (no description)"
  }
}
assert undocumented.isEmpty() : "help:describe does not document ${undocumented}"

// help:describe does not print @since; the plugin descriptor it reads from carries it.
def descriptor = new groovy.xml.XmlSlurper().parse(new File(basedir, '../../classes/META-INF/maven/plugin.xml'))
def mojo = descriptor.mojos.mojo.find { it.goal.text() == 'generate' }
def propertyOf = [:]
mojo.configuration.children().each { propertyOf[it.name()] = it.text() }
def withoutSince = mojo.parameters.parameter.findAll { p ->
  propertyOf[p.name.text()]?.startsWith('${reflect.') && p.since.text() != '0.1.0'
}.collect { it.name.text() }
assert withoutSince.isEmpty() : "parameters without @since 0.1.0: ${withoutSince}"
assert mojo.parameters.parameter.count { propertyOf[it.name.text()]?.startsWith('${reflect.') } == properties.size()
return true
