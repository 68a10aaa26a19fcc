import io.github.selfreflect.reflect.maven.it.ItServers

def server = ItServers.stop(basedir)
def hosts = server.calls().collect { it.header('Host') }

// Run 1 reached http://llm.invalid/v1 through the proxy: the host never resolved.
assert hosts.count { it == 'llm.invalid' } == 2 : "hosts seen: ${hosts}"
// Run 2 went straight to 127.0.0.1, in nonProxyHosts, past the dead proxy.
assert hosts.count { it == "127.0.0.1:${server.port()}" } == 2 : "hosts seen: ${hosts}"
assert hosts.size() == 4

// The same reflections either way.
def proxied = new File(basedir, 'target/proxied/sft.jsonl')
def direct = new File(basedir, 'target/direct/sft.jsonl')
assert proxied.readLines().size() == 2
assert proxied.bytes == direct.bytes
return true
