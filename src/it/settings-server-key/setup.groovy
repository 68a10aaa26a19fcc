import io.github.selfreflect.reflect.maven.it.ItServers

ItServers.start(basedir)
// Maven reads the master password from the file named by the settings.security system property.
def config = new File(basedir, '.mvn/maven.config')
config << "-Dsettings.security=${new File(basedir, 'settings-security.xml').canonicalPath}\n"
return true
