import io.github.selfreflect.reflect.maven.it.ItServers

// The fake LLM plays the proxy too: a proxied request reaches it in absolute form.
def server = ItServers.start(basedir)
// A port nothing listens on: a request sent to this proxy fails.
def deadPort = new ServerSocket(0, 0, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }

def template = new File(basedir, 'settings-template.xml').getText('UTF-8')
new File(basedir, 'proxied-settings.xml').setText(template.replace('PROXY_PORT', "${server.port()}"), 'UTF-8')
new File(basedir, 'direct-settings.xml').setText(template.replace('PROXY_PORT', "${deadPort}"), 'UTF-8')
return true
